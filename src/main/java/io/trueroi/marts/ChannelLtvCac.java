package io.trueroi.marts;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.bround;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;

import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * {@code mart.channel_ltv_cac}: per acquisition channel — customers acquired (first-touch channel
 * of their first purchase), the channel's spend up to the run's date, CAC = spend / customers,
 * average 90- and 365-day LTV (over customers whose window has elapsed), LTV/CAC, and payback
 * days: the fewest days after acquisition by which the channel's customers' cumulative net
 * revenue per customer reaches CAC, i.e. their revenue reaches the channel's spend (null when
 * there is no spend or customer, or it has not been reached yet), and beside them the mean
 * predicted 365-day value of its customers ({@code mart.customer_clv}) and its ratio to CAC, which
 * a brand can read before a year has passed. A channel
 * with spend and no customers appears with a null CAC; one with customers and no spend has CAC 0.
 *
 * <p>Cost: aggregations of the (small) customer table and of conversions by channel and day
 * since acquisition, a window per channel over its days.
 */
final class ChannelLtvCac {
    private ChannelLtvCac() {}

    /**
     * @param predicted {@code mart.customer_clv} of this run (one_id, predicted_clv_365), or null
     *     when the night fitted no lifetime-value model: the predicted columns are then null
     */
    static Dataset<Row> build(
            Dataset<Row> customers, Dataset<Row> orders, Dataset<Row> spend, Dataset<Row> predicted, LocalDate upTo) {
        Column upToDate = lit(upTo.toString()).cast("date");
        Dataset<Row> withPredicted = predicted == null
                ? customers.withColumn("predicted_clv_365", lit(null).cast(Spend.MONEY))
                : customers.join(predicted.select("one_id", "predicted_clv_365"), new String[] {"one_id"}, "left");
        Dataset<Row> acquired = withPredicted
                .groupBy(col("acquisition_channel").as("channel"))
                .agg(
                        count(lit(1)).as("customers_acquired"),
                        avg("ltv_90").as("avg_ltv_90"),
                        avg("ltv_365").as("avg_ltv_365"),
                        avg("predicted_clv_365").as("avg_predicted_clv_365"));
        Dataset<Row> channels = acquired.join(Spend.byChannel(spend), new String[] {"channel"}, "full_outer")
                .withColumn("customers_acquired", coalesce(col("customers_acquired"), lit(0L)))
                .withColumn("spend", coalesce(col("spend"), lit(0)).cast(Spend.MONEY))
                .withColumn("avg_ltv_90", bround(col("avg_ltv_90"), 2).cast(Spend.MONEY))
                .withColumn("avg_ltv_365", bround(col("avg_ltv_365"), 2).cast(Spend.MONEY))
                .withColumn(
                        "avg_predicted_clv_365",
                        bround(col("avg_predicted_clv_365"), 2).cast(Spend.MONEY))
                .withColumn("cac", Ratios.decimal(col("spend"), col("customers_acquired"), 2));

        // Cumulative net revenue per acquired customer by day since acquisition, per channel.
        var byDay = Window.partitionBy("channel")
                .orderBy("day")
                .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
        Dataset<Row> payback = orders.groupBy(
                        col("acquisition_channel").as("channel"),
                        datediff(col("conversion_date"), col("acquisition_date"))
                                .as("day"))
                .agg(sum("net_revenue").as("revenue"))
                .withColumn("cumulative", sum("revenue").over(byDay))
                .join(channels.select("channel", "spend"), "channel")
                // Per customer ≥ CAC is the same as the channel's revenue ≥ its spend (CAC unrounded).
                .filter(col("spend").gt(0).and(col("cumulative").geq(col("spend"))))
                .groupBy("channel")
                .agg(min("day").as("payback_days"));

        return channels.join(payback, new String[] {"channel"}, "left")
                .select(
                        upToDate.as("as_of_date"),
                        col("channel"),
                        col("customers_acquired"),
                        col("spend"),
                        col("cac"),
                        col("avg_ltv_90"),
                        col("avg_ltv_365"),
                        Ratios.decimal(col("avg_ltv_90"), col("cac"), 4).as("ltv_cac_90"),
                        Ratios.decimal(col("avg_ltv_365"), col("cac"), 4).as("ltv_cac_365"),
                        col("payback_days"),
                        col("avg_predicted_clv_365"),
                        Ratios.decimal(col("avg_predicted_clv_365"), col("cac"), 4)
                                .as("ltv_cac_predicted_365"));
    }
}
