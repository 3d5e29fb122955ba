package io.trueroi.marts;

import static org.apache.spark.sql.functions.bround;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;

/** Ratios of the marts: null when the denominator is null or zero, never infinity or an error. */
final class Ratios {
    private Ratios() {}

    /** {@code numerator / denominator} rounded half-even to {@code scale} places, as decimal(18, scale). */
    static Column decimal(Column numerator, Column denominator, int scale) {
        return when(denominator.isNull().or(denominator.equalTo(0)), lit(null))
                .otherwise(bround(numerator.divide(denominator), scale))
                .cast("decimal(18," + scale + ")");
    }

    /** {@code numerator / denominator} as a double (shares and rates, which are not money). */
    static Column fraction(Column numerator, Column denominator) {
        return when(denominator.isNull().or(denominator.equalTo(0)), lit(null).cast("double"))
                .otherwise(numerator.cast("double").divide(denominator.cast("double")));
    }
}
