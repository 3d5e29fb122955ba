package io.trueroi.marts;

import static org.apache.spark.sql.functions.bround;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.months_between;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trunc;

import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * {@code mart.cohort_ltv}: acquisition month × acquisition channel × months since acquisition
 * (0 = the acquisition month, up to the run's month) — cohort size, customers with an order in
 * that month, retention rate (their share of the cohort), and cumulative net revenue per cohort
 * customer up to and including that month. Months without orders get a row (0 active), so each
 * cohort's curve has no gaps.
 *
 * <p>Cost: one aggregation of the customers' orders ({@link CustomerLtv#customerOrders}), a window per
 * cohort over its (few) months.
 */
final class CohortLtv {
    private CohortLtv() {}

    static Dataset<Row> build(Dataset<Row> customers, Dataset<Row> orders, LocalDate upTo) {
        Column upToDate = lit(upTo.toString()).cast("date");
        Dataset<Row> cohorts = customers.select(
                col("one_id"), trunc(col("acquisition_date"), "month").as("cohort_month"), col("acquisition_channel"));
        Dataset<Row> months = cohorts.groupBy("cohort_month", "acquisition_channel")
                .agg(count(lit(1)).as("cohort_size"))
                .withColumn(
                        "months_since_acquisition",
                        explode(sequence(
                                lit(0),
                                months_between(trunc(upToDate, "month"), col("cohort_month"))
                                        .cast("int"))));
        Dataset<Row> activity = orders.withColumn("cohort_month", trunc(col("acquisition_date"), "month"))
                .withColumn(
                        "months_since_acquisition",
                        months_between(trunc(col("conversion_date"), "month"), col("cohort_month"))
                                .cast("int"))
                .groupBy("cohort_month", "acquisition_channel", "months_since_acquisition")
                .agg(
                        countDistinct("one_id").as("active_customers"),
                        sum("net_revenue").as("net_revenue"));
        var curve = Window.partitionBy("cohort_month", "acquisition_channel")
                .orderBy("months_since_acquisition")
                .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
        return months.join(
                        activity,
                        new String[] {"cohort_month", "acquisition_channel", "months_since_acquisition"},
                        "left")
                .withColumn("active_customers", coalesce(col("active_customers"), lit(0L)))
                .withColumn(
                        "cumulative", sum(coalesce(col("net_revenue"), lit(0))).over(curve))
                .select(
                        upToDate.as("as_of_date"),
                        col("cohort_month").as("acquisition_month"),
                        col("acquisition_channel"),
                        col("months_since_acquisition"),
                        col("cohort_size"),
                        col("active_customers"),
                        Ratios.fraction(col("active_customers"), col("cohort_size"))
                                .as("retention_rate"),
                        bround(col("cumulative").divide(col("cohort_size")), 2)
                                .cast(Spend.MONEY)
                                .as("cumulative_net_revenue_per_customer"));
    }
}
