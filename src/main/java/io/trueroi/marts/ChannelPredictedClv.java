package io.trueroi.marts;

import static org.apache.spark.sql.functions.bround;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * {@code mart.channel_predicted_clv}: per attribution model and channel, the customers it acquired
 * and their predicted 365-day value, by that model's credits of each customer's first purchase —
 * a customer whose first journey the model splits 0.6 / 0.4 counts 0.6 and 0.4 of a customer, and
 * their predicted value 0.6 and 0.4, to two channels. Beside them the channel's spend, the
 * predicted value per credited customer and its ratio to the credited CAC.
 *
 * <p>Each customer's value is split to the cent by cumulative rounding over their credits in
 * touch order (each credit gets round(value × its cumulative share) − round(value × the share
 * before it)), so every model's channels sum to the customers' total predicted value exactly.
 *
 * <p>Cost: two joins (first purchases to predictions, then to the credits) and one window per
 * customer's credits, one aggregation per model and channel.
 */
final class ChannelPredictedClv {
    private ChannelPredictedClv() {}

    /**
     * @param credits {@code attribution.credits}
     * @param conversions {@code journey.conversions}
     * @param predicted {@code mart.customer_clv} of this run
     * @param spend {@link Spend#daily}
     */
    static Dataset<Row> build(
            Dataset<Row> credits,
            Dataset<Row> conversions,
            Dataset<Row> predicted,
            Dataset<Row> spend,
            LocalDate upTo) {
        Column upToDate = lit(upTo.toString()).cast("date");
        Dataset<Row> firsts = conversions
                .filter(col("is_first_purchase")
                        .and(col("one_id").isNotNull())
                        .and(col("conversion_date").leq(upToDate)))
                .select("conversion_id", "one_id")
                .join(predicted.select("one_id", "predicted_clv_365"), "one_id");
        // A journey's credits sum to exactly 1 (attribution.credits), so the last credit's
        // cumulative share is 1 and the customer's parts add up to their value.
        var upToThis = Window.partitionBy("model", "conversion_id")
                .orderBy("touch_index")
                .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
        Column value = col("predicted_clv_365");
        Column before = col("_cumulative").minus(col("conversion_credit"));
        Dataset<Row> split = credits.select("model", "conversion_id", "touch_index", "channel", "conversion_credit")
                .join(firsts, "conversion_id")
                .withColumn("_cumulative", sum("conversion_credit").over(upToThis))
                .withColumn(
                        "_value",
                        bround(value.multiply(col("_cumulative")), 2).minus(bround(value.multiply(before), 2)));
        Dataset<Row> byChannel = split.groupBy("model", "channel")
                .agg(
                        sum("conversion_credit").cast("decimal(24,6)").as("customers_acquired"),
                        sum("_value").cast(Spend.MONEY).as("predicted_clv_365"));
        return byChannel
                .join(Spend.byChannel(spend), new String[] {"channel"}, "left")
                .withColumn("spend", coalesce(col("spend"), lit(0).cast(Spend.MONEY)))
                .select(
                        upToDate.as("as_of_date"),
                        col("model"),
                        col("channel"),
                        col("customers_acquired"),
                        col("predicted_clv_365"),
                        col("spend"),
                        Ratios.decimal(col("spend"), col("customers_acquired"), 2)
                                .as("cac"),
                        Ratios.decimal(col("predicted_clv_365"), col("customers_acquired"), 2)
                                .as("predicted_clv_per_customer"),
                        Ratios.decimal(col("predicted_clv_365"), col("spend"), 4)
                                .as("ltv_cac_predicted_365"));
    }
}
