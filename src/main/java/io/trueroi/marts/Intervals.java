package io.trueroi.marts;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.percentile;

import org.apache.spark.sql.Column;

/**
 * A bootstrap interval's ends from {@code attribution.credit_replicates}: the replicates' exact
 * quantiles at {@code (1 − level)/2} and {@code (1 + level)/2} (linear between order statistics),
 * the percentile interval.
 */
final class Intervals {
    private Intervals() {}

    /** An aggregate of {@code value} over a group's replicates: the array [lo, hi]. */
    static Column bounds(Column value, double level) {
        return percentile(value, array(lit((1 - level) / 2), lit((1 + level) / 2)));
    }
}
