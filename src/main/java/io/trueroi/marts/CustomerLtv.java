package io.trueroi.marts;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.trueroi.attribution.Credits;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * {@code mart.customer_ltv}: one row per OneID that bought — acquisition (its first purchase:
 * earliest conversion time, then conversion id, as {@code journey.conversions.is_first_purchase}),
 * the first-touch channel of that purchase's journey ({@code (none)} if no touch preceded it),
 * orders, gross revenue, refunds, net revenue, and LTV at 30/90/365 days.
 *
 * <p>{@code ltv_N} is the net revenue of the conversions dated in the N days starting on the
 * acquisition date ({@code acquisition_date ≤ conversion_date ≤ acquisition_date + N − 1}), and
 * null while that window has not elapsed (its last day is after the run's date).
 *
 * <p>Cost: one aggregation of conversions by one_id and one join to the journeys of first purchases.
 */
final class CustomerLtv {
    static final int[] HORIZONS = {30, 90, 365};

    private CustomerLtv() {}

    static Dataset<Row> build(Dataset<Row> conversions, Dataset<Row> journeys, LocalDate upTo) {
        Column upToDate = lit(upTo.toString()).cast("date");
        Dataset<Row> bought = conversions.filter(
                col("one_id").isNotNull().and(col("conversion_date").leq(upToDate)));
        Dataset<Row> firstTouch = journeys.filter(col("converted"))
                .select(
                        col("conversion_id").as("acquisition_conversion_id"),
                        expr("get(touches, 0).channel").as("first_channel"));
        // Each order carries its customer's first purchase (a window over one_id, which the groupBy
        // below reuses): one pass over the conversions instead of joining them back to their own subset.
        var customer = Window.partitionBy("one_id");
        Dataset<Row> orders = bought.withColumn(
                        "acquisition_date",
                        max(when(col("is_first_purchase"), col("conversion_date")))
                                .over(customer))
                .withColumn(
                        "acquisition_conversion_id",
                        max(when(col("is_first_purchase"), col("conversion_id")))
                                .over(customer));

        List<Column> aggs = new ArrayList<>(List.of(
                count(lit(1)).as("orders"),
                sum("gross_revenue").cast(Spend.MONEY).as("gross_revenue"),
                sum("refunds").cast(Spend.MONEY).as("refunds"),
                sum("net_revenue").cast(Spend.MONEY).as("net_revenue")));
        for (int n : HORIZONS) {
            aggs.add(sum(when(col("conversion_date").leq(date_add(col("acquisition_date"), n - 1)), col("net_revenue"))
                            .otherwise(lit(0)))
                    .cast(Spend.MONEY)
                    .as("_ltv_" + n));
        }
        aggs.add(max("conversion_date").as("last_order_date"));
        Dataset<Row> out = orders.groupBy("one_id", "acquisition_date", "acquisition_conversion_id")
                .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new))
                .join(firstTouch, new String[] {"acquisition_conversion_id"}, "left")
                .withColumn("acquisition_channel", coalesce(col("first_channel"), lit(Credits.NO_TOUCH)));
        for (int n : HORIZONS) {
            out = out.withColumn(
                    "ltv_" + n,
                    when(date_add(col("acquisition_date"), n - 1).leq(upToDate), col("_ltv_" + n))
                            .otherwise(lit(null).cast(Spend.MONEY)));
        }
        return out.select(
                upToDate.as("as_of_date"),
                col("one_id"),
                col("acquisition_date"),
                col("acquisition_channel"),
                col("acquisition_conversion_id"),
                col("orders"),
                col("gross_revenue"),
                col("refunds"),
                col("net_revenue"),
                col("ltv_30"),
                col("ltv_90"),
                col("ltv_365"),
                col("last_order_date"));
    }

    /**
     * Every order up to the run's date of a customer in {@code customers} (mart.customer_ltv), with
     * the customer's acquisition date and channel: what the cohort and payback marts aggregate.
     */
    static Dataset<Row> customerOrders(Dataset<Row> conversions, Dataset<Row> customers, LocalDate upTo) {
        return conversions
                .filter(col("one_id")
                        .isNotNull()
                        .and(col("conversion_date").leq(lit(upTo.toString()).cast("date"))))
                .select("one_id", "conversion_date", "net_revenue")
                .join(customers.select("one_id", "acquisition_date", "acquisition_channel"), "one_id");
    }
}
