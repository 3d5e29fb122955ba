package io.trueroi.attribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trueroi.spark.Persisted;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The incremental fit against an independent oracle on a world too irregular to work by hand: 60
 * people, three channels, touches and purchases drawn from a seeded generator over 35 days, an
 * exposure window of 5 days with a half-life of 2.5 (exposures like 2^−0.4, not dyadic). The
 * oracle builds every person-day in plain Java from the definition in {@link IncrementalTraining}'s
 * class comment, takes the baseline as the purchase rate of the unexposed days and fits the lifts
 * with Spark MLlib's {@link LinearRegression} (normal-equation solver, no intercept) on the exposed
 * person-days — the fit the job made before it summed the normal equations itself.
 */
@ExtendWith(io.trueroi.testing.SharedSpark.class)
@org.junit.jupiter.api.TestInstance(org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS)
class IncrementalOracleTest {
    private static final LocalDate TO = LocalDate.of(2026, 10, 30);
    private static final int TRAINING_DAYS = 30;
    private static final int EXPOSURE_DAYS = 5;
    private static final double HALF_LIFE = 2.5;
    private static final List<String> CHANNELS = List.of("a", "b", "c");

    private final List<Row> touches = new ArrayList<>();
    private final List<Row> conversions = new ArrayList<>();

    IncrementalOracleTest() {
        Random random = new Random(29);
        LocalDate first = TO.minusDays(TRAINING_DAYS + EXPOSURE_DAYS - 2L);
        for (int p = 0; p < 60; p++) {
            String who = "P" + p;
            int n = random.nextInt(4);
            for (int t = 0; t < n; t++) {
                LocalDate day = first.plusDays(random.nextInt(TRAINING_DAYS + EXPOSURE_DAYS - 1));
                touches.add(IncrementalTest.touch(
                        who, day.toString(), CHANNELS.get(random.nextInt(3)), random.nextInt(10) == 0));
            }
            for (int d = 0; d < TRAINING_DAYS + EXPOSURE_DAYS - 1; d++) {
                if (random.nextInt(25) == 0) {
                    conversions.add(IncrementalTest.buys(who, first.plusDays(d).toString()));
                }
            }
        }
        // Data from the first day of the exposure window on, so the training window is whole.
        touches.add(IncrementalTest.touch("P0", first.toString(), "a", false));
    }

    private IncrementalTraining.Fit fit(SparkSession spark, int partitions) {
        try (Persisted cached = new Persisted()) {
            return IncrementalTraining.fit(
                    spark.createDataFrame(touches, IncrementalTest.TOUCHES).repartition(partitions),
                    spark.createDataFrame(conversions, IncrementalTest.CONVERSIONS)
                            .repartition(partitions),
                    new IncrementalTraining.Settings(TRAINING_DAYS, EXPOSURE_DAYS, HALF_LIFE),
                    TO,
                    ZoneId.of("UTC"),
                    cached,
                    Bootstrap.poisson(10),
                    null);
        }
    }

    @Test
    void liftsAndBaselineEqualMLlibsLeastSquaresOnThePersonDays(SparkSession spark) {
        LocalDate from = TO.minusDays(TRAINING_DAYS - 1L);
        Map<String, double[]> exposure = new HashMap<>(); // person|day → x per channel
        java.util.Set<String> people = new java.util.TreeSet<>();
        for (Row t : touches) {
            if (t.getBoolean(3)) {
                continue;
            }
            LocalDate day = t.getDate(1).toLocalDate();
            people.add(t.getString(0));
            for (int lag = 0; lag < EXPOSURE_DAYS; lag++) {
                LocalDate d = day.plusDays(lag);
                if (!d.isBefore(from) && !d.isAfter(TO)) {
                    exposure.computeIfAbsent(t.getString(0) + "|" + d, k -> new double[3])[
                                    CHANNELS.indexOf(t.getString(2))] +=
                            Math.pow(2, -lag / HALF_LIFE);
                }
            }
        }
        Map<String, Integer> bought = new HashMap<>();
        int allPurchases = 0;
        for (Row c : conversions) {
            LocalDate d = c.getDate(1).toLocalDate();
            if (people.contains(c.getString(0)) && !d.isBefore(from) && !d.isAfter(TO)) {
                bought.merge(c.getString(0) + "|" + d, 1, Integer::sum);
                allPurchases++;
            }
        }
        int exposedPurchases = 0;
        for (String key : exposure.keySet()) {
            exposedPurchases += bought.getOrDefault(key, 0);
        }
        long unexposedDays = (long) people.size() * TRAINING_DAYS - exposure.size();
        double baseline = (double) (allPurchases - exposedPurchases) / unexposedDays;
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, double[]> e : exposure.entrySet()) {
            rows.add(RowFactory.create(Vectors.dense(e.getValue()), bought.getOrDefault(e.getKey(), 0) - baseline));
        }
        Dataset<Row> design = spark.createDataFrame(
                rows,
                new StructType().add("features", SQLDataTypes.VectorType()).add("y", DataTypes.DoubleType));
        double[] lifts = new LinearRegression()
                .setSolver("normal")
                .setRegParam(0)
                .setFitIntercept(false)
                .setStandardization(false)
                .setLabelCol("y")
                .fit(design)
                .coefficients()
                .toArray();

        IncrementalTraining.Fit fit = fit(spark, 3);
        assertEquals(CHANNELS, fit.model().channels());
        assertEquals(people.size(), fit.people());
        assertEquals(exposure.size(), fit.exposedPersonDays());
        assertEquals(allPurchases, fit.conversions());
        assertEquals(baseline, fit.model().baseline(), 1e-15);
        assertArrayEquals(lifts, fit.model().coefficients(), 1e-9);
    }

    /**
     * The normal equations are summed exactly, so the point fit and every replicate are the same
     * to the last bit however the input is partitioned: what lets a backfill and a run of nights
     * credit the same cents.
     */
    @Test
    void theFitIsTheSameToTheLastBitOnAnyPartitioning(SparkSession spark) {
        IncrementalTraining.Fit one = fit(spark, 1);
        IncrementalTraining.Fit seven = fit(spark, 7);
        assertArrayEquals(one.model().coefficients(), seven.model().coefficients(), 0.0);
        assertEquals(one.model().baseline(), seven.model().baseline(), 0.0);
        assertEquals(10, one.replicates().size());
        for (int b = 0; b < 10; b++) {
            assertArrayEquals(
                    one.replicates().get(b).coefficients(),
                    seven.replicates().get(b).coefficients(),
                    0.0,
                    "replicate " + b);
        }
    }
}
