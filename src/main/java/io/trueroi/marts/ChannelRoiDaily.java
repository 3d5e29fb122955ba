package io.trueroi.marts;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import io.trueroi.catalog.ModelName;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code mart.channel_roi_daily}: business date × model × channel × campaign — spend and media
 * counts next to the conversions, net revenue and new customers the model credits there.
 *
 * <p>Credits are dated by their touch's business date (the day the money was spent on it), a
 * {@code (none)} credit by its conversion date. Spend rows are repeated for every model, so each
 * model's rows carry the full spend. The three sources are unioned and summed, so a campaign with
 * spend and no credit, and credited (organic) revenue with no spend, both get a row.
 * ROAS = revenue / spend, ROI = (revenue − spend) / spend (4 places), CPA = spend / conversions,
 * CAC = spend / new customers (to the cent); null when the denominator is 0.
 *
 * <p>Cost: one aggregation of the {@link CreditTotals} with the spend and the invalid clicks.
 */
final class ChannelRoiDaily {
    static final String CONVERSIONS = "decimal(24,12)";
    static final List<String> KEY = List.of("date", "model", "channel", "campaign_id");

    private ChannelRoiDaily() {}

    /** @param totals {@link CreditTotals} */
    static Dataset<Row> build(
            SparkSession spark,
            Dataset<Row> totals,
            Dataset<Row> touchpoints,
            Dataset<Row> spend,
            List<ModelName> models,
            LocalDate upTo) {
        Column upToDate = lit(upTo.toString()).cast("date");
        Dataset<Row> modelNames = modelNames(spark, models);
        return credited(totals)
                .unionByName(media(touchpoints, spend, modelNames, upToDate))
                .groupBy(KEY.stream().map(c -> col(c)).toArray(Column[]::new))
                .agg(
                        sum("spend").cast(Spend.MONEY).as("spend"),
                        sum("impressions").as("impressions"),
                        sum("clicks").as("clicks"),
                        sum("invalid_clicks").as("invalid_clicks"),
                        sum("conversions").cast(CONVERSIONS).as("conversions"),
                        sum("net_revenue").cast(Spend.MONEY).as("net_revenue"),
                        sum("new_customers").cast(CONVERSIONS).as("new_customers"))
                .withColumn("roas", Ratios.decimal(col("net_revenue"), col("spend"), 4))
                .withColumn("roi", Ratios.decimal(col("net_revenue").minus(col("spend")), col("spend"), 4))
                .withColumn("cpa", Ratios.decimal(col("spend"), col("conversions"), 2))
                .withColumn("cac", Ratios.decimal(col("spend"), col("new_customers"), 2));
    }

    /** One row per configured model: spend and claims repeat on every model's rows by a cross join with it. */
    static Dataset<Row> modelNames(SparkSession spark, List<ModelName> models) {
        return spark.createDataset(models.stream().map(ModelName::id).toList(), Encoders.STRING())
                .toDF("model");
    }

    /** Credited conversions, revenue and new customers, dated by the touch (or the conversion). */
    private static Dataset<Row> credited(Dataset<Row> totals) {
        Column zeroMoney = lit(0).cast(Spend.MONEY);
        return totals.select(
                coalesce(col("touch_date"), col("conversion_date")).as("date"),
                col("model"),
                col("channel"),
                col("campaign_id"),
                zeroMoney.as("spend"),
                lit(0L).as("impressions"),
                lit(0L).as("clicks"),
                lit(0L).as("invalid_clicks"),
                col("conversions"),
                col("net_revenue"),
                col("new_customers"));
    }

    /** Spend, media counts and invalid clicks, repeated for every model. */
    private static Dataset<Row> media(
            Dataset<Row> touchpoints, Dataset<Row> spend, Dataset<Row> modelNames, Column upToDate) {
        Column zeroMoney = lit(0).cast(Spend.MONEY);
        Column zeroCredit = lit(0).cast(CONVERSIONS);
        return spend.select(
                        col("date"),
                        col("channel"),
                        col("campaign_id"),
                        col("spend"),
                        col("impressions"),
                        col("clicks"),
                        lit(0L).as("invalid_clicks"))
                .unionByName(touchpoints
                        .filter(col("touch_type")
                                .equalTo("ad_click")
                                .and(col("is_invalid"))
                                .and(col("touch_date").leq(upToDate)))
                        .groupBy(col("touch_date").as("date"), col("channel"), col("campaign_id"))
                        .agg(count(lit(1)).as("invalid_clicks"))
                        .select(
                                col("date"),
                                col("channel"),
                                col("campaign_id"),
                                zeroMoney.as("spend"),
                                lit(0L).as("impressions"),
                                lit(0L).as("clicks"),
                                col("invalid_clicks")))
                .crossJoin(modelNames)
                .withColumn("conversions", zeroCredit)
                .withColumn("net_revenue", zeroMoney)
                .withColumn("new_customers", zeroCredit);
    }
}
