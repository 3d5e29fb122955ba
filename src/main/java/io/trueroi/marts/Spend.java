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
 * Ad spend and the platforms' own claims per report date × platform × channel × campaign in the
 * reporting currency, from {@code silver.ad_spend} (each report row from its latest delivery).
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

    /** Columns of {@link #reported}: per date, platform, channel and campaign. */
    static final StructType REPORTED = new StructType()
            .add("date", DataTypes.DateType)
            .add("platform", DataTypes.StringType)
            .add("channel", DataTypes.StringType)
            .add("campaign_id", DataTypes.StringType)
            .add("spend", DataTypes.createDecimalType(20, 2))
            .add("impressions", DataTypes.LongType)
            .add("clicks", DataTypes.LongType)
            .add("claimed_conversions", DataTypes.createDecimalType(20, 2))
            .add("claimed_value", DataTypes.createDecimalType(20, 2))
            .add("claimed_view_through", DataTypes.createDecimalType(20, 2));

    /** {@link #reported} summed over platforms: what the spend marts join on. */
    static Dataset<Row> daily(Dataset<Row> reported) {
        return reported.groupBy("date", "channel", "campaign_id")
                .agg(
                        sum("spend").cast(MONEY).as("spend"),
                        sum("impressions").as("impressions"),
                        sum("clicks").as("clicks"));
    }

    /**
     * What the platforms reported per report date × platform × channel × campaign: spend and
     * media counts, and their own conversion claims, the value converted to the reporting currency
     * row by row as cost is. A claim no row reported stays null (Spark's sum skips nulls and is
     * null over nothing), so "the platform said nothing" never reads as zero.
     */
    static Dataset<Row> reported(SparkSession spark, Warehouse w, TrueRoiConfig config, LocalDate upTo) {
        if (!w.exists(Table.AD_SPEND)) {
            return spark.createDataFrame(List.of(), REPORTED);
        }
        ChannelTaxonomy taxonomy = new ChannelTaxonomy(config.channels());
        Dataset<Row> rows = Silver.latest(w, Table.AD_SPEND, upTo);
        for (String claim : List.of("claimed_conversions", "claimed_value", "claimed_view_through")) {
            // A table made before the readers took claims has no such column until its next delivery.
            if (!java.util.Arrays.asList(rows.columns()).contains(claim)) {
                rows = rows.withColumn(claim, lit(null).cast(MONEY));
            }
        }
        return rows.filter(col("report_date").leq(lit(upTo.toString()).cast("date")))
                .withColumn("source_system", lit("ads"))
                .withColumn("touch_type", lit("ad_click"))
                .withColumn("utm_source", lit(null).cast("string"))
                .withColumn("utm_medium", lit(null).cast("string"))
                .withColumn("code", lit(null).cast("string"))
                .select(
                        col("report_date").as("date"),
                        col("platform"),
                        taxonomy.channel().as("channel"),
                        col("campaign_id"),
                        Conversions.toReporting(config, col("cost"), col("currency"))
                                .as("spend"),
                        col("impressions").cast("long").as("impressions"),
                        col("clicks").cast("long").as("clicks"),
                        col("claimed_conversions"),
                        Conversions.toReporting(config, col("claimed_value"), col("currency"))
                                .as("claimed_value"),
                        col("claimed_view_through"))
                .groupBy("date", "platform", "channel", "campaign_id")
                .agg(
                        sum("spend").cast(MONEY).as("spend"),
                        sum("impressions").as("impressions"),
                        sum("clicks").as("clicks"),
                        sum("claimed_conversions").cast(MONEY).as("claimed_conversions"),
                        sum("claimed_value").cast(MONEY).as("claimed_value"),
                        sum("claimed_view_through").cast(MONEY).as("claimed_view_through"));
    }

    /** Each channel's spend over every date of {@link #daily}: what its acquisition cost is taken from. */
    static Dataset<Row> byChannel(Dataset<Row> daily) {
        return daily.groupBy("channel").agg(sum("spend").cast(MONEY).as("spend"));
    }
}
