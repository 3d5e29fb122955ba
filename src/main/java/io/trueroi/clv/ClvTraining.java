package io.trueroi.clv;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.trueroi.ops.JobFailure;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * Fits BG/NBD and Gamma-Gamma on a {@link ClvSummary}: the customers grouped by (x, t_x, T) in
 * Spark and the groups collected, the likelihood maximised on the driver ({@link BgNbd#fit}); the
 * repeat buyers grouped by (x, repeat value), the groups kept in Spark and the likelihood summed
 * there at each step of the maximisation ({@link GammaGamma#fit}). The driver holds one row per
 * distinct triple, never one per customer: at most (days of history)² / 2 per x, whatever the
 * number of customers.
 *
 * <p>Data the models cannot be fitted on fail with a {@link JobFailure} that says why, before
 * anything is written: no customers, fewer repeat buyers than the minimum, a calibration period
 * shorter than one time unit, or a fit that does not converge. Repeat buyers whose repeat purchases are worth nothing
 * or less after refunds are left out of Gamma-Gamma (its values are positive) and counted.
 *
 * <p>Cost: one pass over the summary for the checks, one aggregation (a shuffle) per model for its
 * groups; BG/NBD's likelihood on the driver's cores over the triples, Gamma-Gamma's as one small
 * Spark job per evaluation (a hundred or two) over the kept groups.
 */
public final class ClvTraining {
    private ClvTraining() {}

    /** Both fits, in the unit of {@code unitDays} days, and what they were fitted on. */
    public record Fit(
            BgNbd.Fit bgNbd,
            GammaGamma.Fit gammaGamma,
            int unitDays,
            long customers,
            long repeatBuyers,
            long triples,
            long excludedFromGammaGamma) {}

    /** {@link #fit(Dataset, int, int)} with no minimum of repeat buyers beyond one (tests, benches). */
    public static Fit fit(Dataset<Row> summary, int unitDays) {
        return fit(summary, unitDays, 1);
    }

    /**
     * @param minRepeatBuyers fewer repeat buyers than this fail the fit: a handful of them fit
     *     parameters that mean nothing ({@code trueroi.marts.clv.min-repeat-buyers})
     */
    public static Fit fit(Dataset<Row> summary, int unitDays, int minRepeatBuyers) {
        atLeastOne("unitDays", unitDays);
        atLeastOne("minRepeatBuyers", minRepeatBuyers);
        Row counts = summary.agg(
                        count(lit(1)),
                        sum(when(col("frequency").gt(0), 1).otherwise(0)),
                        max("age_days"),
                        sum(when(col("frequency").gt(0).and(col("repeat_value").leq(0)), 1)
                                .otherwise(0)))
                .first();
        long customers = counts.getLong(0);
        if (customers == 0) {
            throw new JobFailure("clv: no customer bought in the calibration period; nothing to fit");
        }
        long repeatBuyers = counts.getLong(1);
        int maxAge = counts.getInt(2);
        long excluded = counts.getLong(3);
        if (maxAge < unitDays) {
            throw new JobFailure(String.format(
                    "clv: the calibration period (%s days since the first purchase) is shorter than one time unit (%s"
                            + " days); %s",
                    maxAge,
                    unitDays,
                    unitDays > 1
                            ? "set trueroi.marts.clv.time-unit to days or wait for more history"
                            : "wait for more history"));
        }
        if (repeatBuyers < minRepeatBuyers) {
            throw new JobFailure(String.format(
                    "clv: %s of the %s customers bought on a second day, fewer than the %s the fit needs"
                            + " (trueroi.marts.clv.min-repeat-buyers)",
                    repeatBuyers, customers, minRepeatBuyers));
        }
        if (repeatBuyers == excluded) {
            throw new JobFailure(String.format(
                    "clv: every one of the %s repeat buyers' repeat purchases are worth nothing or less after refunds;"
                            + " Gamma-Gamma needs positive values",
                    repeatBuyers));
        }
        BgNbd.Triples triples = triples(summary, unitDays);
        int n = triples.x().length;
        BgNbd.Fit bgNbd = BgNbd.fit(triples);
        if (!bgNbd.converged()) {
            throw new JobFailure("clv: the BG/NBD fit did not converge: " + bgNbd.problem());
        }
        GammaGamma.Fit gammaGamma = fitGammaGamma(summary);
        if (!gammaGamma.converged()) {
            throw new JobFailure("clv: the Gamma-Gamma fit did not converge: " + gammaGamma.problem());
        }
        if (!(gammaGamma.params().q() > 1)) {
            throw new JobFailure(String.format(
                    "clv: the Gamma-Gamma fit has q = %s ≤ 1: the mean value of a purchase is infinite under it",
                    gammaGamma.params().q()));
        }
        return new Fit(bgNbd, gammaGamma, unitDays, customers, repeatBuyers, n, excluded);
    }

    private static void atLeastOne(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(String.format("%s must be at least 1, cannot be: %s", name, value));
        }
    }

    /** The customers grouped by (frequency, recency, age) in time units, in that order. */
    private static BgNbd.Triples triples(Dataset<Row> summary, int unitDays) {
        List<Row> groups = summary.groupBy("frequency", "recency_days", "age_days")
                .agg(count(lit(1)).as("customers"))
                .orderBy("frequency", "recency_days", "age_days")
                .collectAsList();
        int n = groups.size();
        int[] x = new int[n];
        double[] recency = new double[n];
        double[] age = new double[n];
        long[] customersOf = new long[n];
        for (int i = 0; i < n; i++) {
            Row g = groups.get(i);
            x[i] = g.getInt(0);
            recency[i] = (double) g.getInt(1) / unitDays;
            age[i] = (double) g.getInt(2) / unitDays;
            customersOf[i] = g.getLong(3);
        }
        return new BgNbd.Triples(x, recency, age, customersOf);
    }

    /**
     * Gamma-Gamma on the repeat buyers with positive repeat value, grouped by (x, repeat value).
     * Values are in cents, so the groups grow with the customers, unlike the BG/NBD triples: they
     * stay in Spark, sorted within their partitions and held as arrays, and each evaluation of the
     * likelihood is one job that sums each partition and returns the partitions' sums, added here
     * in partition order (the same sum, to the last bit, every run). The driver holds one number
     * per partition.
     */
    private static GammaGamma.Fit fitGammaGamma(Dataset<Row> summary) {
        Dataset<Row> spenders =
                summary.filter(col("frequency").gt(0).and(col("repeat_value").gt(0)));
        Row totals = spenders.agg(
                        count(lit(1)), sum(col("repeat_value").cast("double").divide(col("frequency"))))
                .first();
        long customers = totals.getLong(0);
        double meanValue = totals.getDouble(1) / customers;
        MapPartitionsFunction<Row, GammaGamma.Spends> toArrays = rows -> {
            List<Row> all = new ArrayList<>();
            rows.forEachRemaining(all::add);
            int n = all.size();
            int[] x = new int[n];
            double[] total = new double[n];
            long[] count = new long[n];
            for (int i = 0; i < n; i++) {
                x[i] = all.get(i).getInt(0);
                total[i] = all.get(i).getDecimal(1).doubleValue();
                count[i] = all.get(i).getLong(2);
            }
            return List.of(new GammaGamma.Spends(x, total, count)).iterator();
        };
        JavaRDD<GammaGamma.Spends> groups = spenders.groupBy("frequency", "repeat_value")
                .agg(count(lit(1)).as("customers"))
                .sortWithinPartitions("frequency", "repeat_value")
                .mapPartitions(toArrays, Encoders.javaSerialization(GammaGamma.Spends.class))
                .javaRDD()
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            return GammaGamma.fit(
                    params -> {
                        double sumOfParts = 0;
                        for (double part : groups.map(g -> GammaGamma.logLikelihood(params, g))
                                .collect()) {
                            sumOfParts += part;
                        }
                        return sumOfParts;
                    },
                    customers,
                    meanValue);
        } finally {
            groups.unpersist(false);
        }
    }
}
