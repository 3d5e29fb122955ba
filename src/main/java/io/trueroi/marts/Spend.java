package io.trueroi.marts;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import io.trueroi.catalog.Table;
import io.trueroi.config.TrueRoiConfig;
import io.trueroi.journey.ChannelTaxonomy;
import io.trueroi.journey.Conversions;
import io.trueroi.journey.Silver;
import io.trueroi.spark.Warehouse;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Ad spend per report date × channel × campaign in the reporting currency, from
 * {@code silver.ad_spend} (each report row from its latest delivery).
 *
 * <p>A spend row gets its channel from the same taxonomy as the platform's clicks (source system
 * {@code ads}, its platform, touch type {@code ad_click}), so spend and the revenue credited to
 * those clicks meet on one channel and campaign id. Cost is converted row by row with
 * {@code trueroi.fx-rates} and rounded half-even to the cent before summing.
 *
 * <p>Cost: one shuffle for the latest delivery, one for the sum; the result is small (dates ×
 * campaigns).
 */
final class Spend {
    static final String MONEY = "decimal(20,2)";
    static final StructType SCHEMA = new StructType()
            .add("date", DataTypes.DateType)
            .add("channel", DataTypes.StringType)
            .add("campaign_id", DataTypes.StringType)
            .add("spend", DataTypes.createDecimalType(20, 2))
            .add("impressions", DataTypes.LongType)
            .add("clicks", DataTypes.LongType);

    private Spend() {}

    static Dataset<Row> daily(SparkSession spark, Warehouse w, TrueRoiConfig config, LocalDate upTo) {
        if (!w.exists(Table.AD_SPEND)) {
            return spark.createDataFrame(List.of(), SCHEMA);
        }
        ChannelTaxonomy taxonomy = new ChannelTaxonomy(config.channels());
        return Silver.latest(w, Table.AD_SPEND, upTo)
                .filter(col("report_date").leq(lit(upTo.toString()).cast("date")))
                .withColumn("source_system", lit("ads"))
                .withColumn("touch_type", lit("ad_click"))
                .withColumn("utm_source", lit(null).cast("string"))
                .withColumn("utm_medium", lit(null).cast("string"))
                .withColumn("code", lit(null).cast("string"))
                .select(
                        col("report_date").as("date"),
                        taxonomy.channel().as("channel"),
                        col("campaign_id"),
                        Conversions.toReporting(config, col("cost"), col("currency"))
                                .as("spend"),
                        col("impressions").cast("long").as("impressions"),
                        col("clicks").cast("long").as("clicks"))
                .groupBy("date", "channel", "campaign_id")
                .agg(
                        sum("spend").cast(MONEY).as("spend"),
                        sum("impressions").as("impressions"),
                        sum("clicks").as("clicks"));
    }

    /** Each channel's spend over every date of {@link #daily}: what its acquisition cost is taken from. */
    static Dataset<Row> byChannel(Dataset<Row> daily) {
        return daily.groupBy("channel").agg(sum("spend").cast(MONEY).as("spend"));
    }
}
