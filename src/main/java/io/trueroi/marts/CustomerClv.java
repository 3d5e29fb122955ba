package io.trueroi.marts;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.trueroi.clv.ClvPredictions;
import io.trueroi.clv.ClvTraining;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code mart.customer_clv}: one row per OneID that bought up to the run's date — its BG/NBD and
 * Gamma-Gamma statistics ({@link io.trueroi.clv.ClvSummary}), P(alive), expected purchases in the
 * next 90 and 365 days, expected value per purchase and the predicted, discounted value of the
 * next 365 days ({@link ClvPredictions}), beside the value realised so far; money in the marts'
 * type ({@link Spend#MONEY}).
 *
 * <p>Cost: that of {@link ClvPredictions} (one aggregation, one pass, one join).
 */
final class CustomerClv {
    private CustomerClv() {}

    static Dataset<Row> build(Dataset<Row> summary, ClvTraining.Fit fit, double annualDiscountRate, LocalDate upTo) {
        return ClvPredictions.of(summary, fit, annualDiscountRate)
                .select(
                        lit(upTo.toString()).cast("date").as("as_of_date"),
                        col("one_id"),
                        col("first_purchase_date"),
                        col("frequency"),
                        col("recency_days"),
                        col("age_days"),
                        col("repeat_value").cast(Spend.MONEY).as("repeat_value"),
                        col("realised_value").cast(Spend.MONEY).as("realised_value"),
                        col("p_alive"),
                        col("expected_purchases_90"),
                        col("expected_purchases_365"),
                        col("expected_value_per_purchase").cast(Spend.MONEY).as("expected_value_per_purchase"),
                        col("predicted_clv_365").cast(Spend.MONEY).as("predicted_clv_365"));
    }
}
