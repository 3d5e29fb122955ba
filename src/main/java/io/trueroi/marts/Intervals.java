package io.trueroi.marts;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.percentile;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;

/**
 * A bootstrap interval's ends from {@code attribution.credit_replicates}: the replicates' exact
 * quantiles at {@code (1 − level)/2} and {@code (1 + level)/2} (linear between order statistics),
 * the percentile interval. The incremental model's rows with a negative replicate are not
 * replicates but the other specifications its fit kept ({@code replicate} −1 − s): their spread is
 * the model doubt, which {@link #combined} adds to the sampling interval.
 */
final class Intervals {
    private Intervals() {}

    /** An aggregate of {@code value} over a group's replicates: the array [lo, hi]. */
    static Column bounds(Column value, double level) {
        Column replicate = col("replicate").geq(0);
        return percentile(when(replicate, value), array(lit((1 - level) / 2), lit((1 + level) / 2)));
    }

    /** An aggregate of {@code value} over the group's other specifications: [min, max], nulls without. */
    static Column specifications(Column value) {
        Column alternative = when(col("replicate").lt(0), value);
        return array(min(alternative), max(alternative));
    }

    /**
     * The interval [lo, hi] around {@code point} that adds both parts of the doubt: on each side
     * the square root of the sum of the squares of the sampling interval's reach ({@code sampling},
     * [lo, hi]) and the specifications' ({@code specs}, [min, max], the point where none reaches
     * further), as independent errors add. Null without a sampling interval.
     */
    static Column combined(Column point, Column sampling, Column specs) {
        Column p = point.cast("double");
        Column below = greatest(lit(0.0), p.minus(sampling.getItem(0)));
        Column above = greatest(lit(0.0), sampling.getItem(1).minus(p));
        Column specBelow = greatest(lit(0.0), p.minus(coalesce(least(p, specs.getItem(0)), p)));
        Column specAbove =
                greatest(lit(0.0), coalesce(greatest(p, specs.getItem(1)), p).minus(p));
        return when(
                sampling.isNotNull(),
                array(
                        p.minus(sqrt(below.multiply(below).plus(specBelow.multiply(specBelow)))),
                        p.plus(sqrt(above.multiply(above).plus(specAbove.multiply(specAbove))))));
    }
}
