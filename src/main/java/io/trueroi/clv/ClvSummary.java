package io.trueroi.clv;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.sum;

import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Each buying OneID's sufficient statistics for BG/NBD and Gamma-Gamma over the calibration
 * period that ends on the run's date: a purchase is a day with at least one conversion (several
 * orders on one day are one purchase, worth their summed net revenue), so
 *
 * <ul>
 *   <li>{@code frequency} x: purchase days after the first;
 *   <li>{@code recency_days} t_x: days from the first purchase day to the last;
 *   <li>{@code age_days} T: days from the first purchase day to the run's date;
 *   <li>{@code repeat_value}: net revenue of the purchase days after the first (its mean,
 *       repeat_value / x, is what Gamma-Gamma models);
 *   <li>{@code realised_value}: net revenue of every purchase day so far.
 * </ul>
 *
 * Days, not model time units: the fit divides by the unit, so one summary serves days or weeks.
 * Conversion dates are business dates ({@code journey.conversions}).
 *
 * <p>Cost: two aggregations of the conversions (per OneID and day, then per OneID), two shuffles.
 */
public final class ClvSummary {
    /** Money as in the marts. */
    static final String MONEY = "decimal(18,2)";

    private ClvSummary() {}

    /** @param conversions {@code journey.conversions} (one_id, conversion_date, net_revenue) */
    public static Dataset<Row> build(Dataset<Row> conversions, LocalDate upTo) {
        Column upToDate = lit(upTo.toString()).cast("date");
        Dataset<Row> days = conversions
                .filter(col("one_id").isNotNull().and(col("conversion_date").leq(upToDate)))
                .groupBy("one_id", "conversion_date")
                .agg(sum("net_revenue").as("day_value"));
        return days.groupBy("one_id")
                .agg(
                        min("conversion_date").as("first_purchase_date"),
                        max("conversion_date").as("last_purchase_date"),
                        count(lit(1)).as("purchase_days"),
                        sum("day_value").as("realised_value"),
                        min_by(col("day_value"), col("conversion_date")).as("first_value"))
                .select(
                        col("one_id"),
                        col("first_purchase_date"),
                        col("purchase_days").minus(1).cast("int").as("frequency"),
                        datediff(col("last_purchase_date"), col("first_purchase_date"))
                                .as("recency_days"),
                        datediff(upToDate, col("first_purchase_date")).as("age_days"),
                        col("realised_value")
                                .minus(col("first_value"))
                                .cast(MONEY)
                                .as("repeat_value"),
                        col("realised_value").cast(MONEY).as("realised_value"));
    }
}
