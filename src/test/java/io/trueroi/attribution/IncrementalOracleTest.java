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
        return fit(spark, partitions, new IncrementalTraining.Settings(TRAINING_DAYS, EXPOSURE_DAYS, HALF_LIFE));
    }

    /**
     * Every term family, at half-lives 1, 2.5 and 6, synergy for the two most co-touched pairs of
     * ad channels (at least 3 people; c is owned, so one pair) at ridge 0.1; a tolerance that keeps every specification, so each one's fit
     * can be checked.
     */
    private static final IncrementalTraining.Settings RICH = new IncrementalTraining.Settings(
            TRAINING_DAYS,
            EXPOSURE_DAYS,
            HALF_LIFE,
            new io.trueroi.config.IncrementalTerms(true, List.of(1.0, 2.5, 6.0), 3, 2, List.of(0.1), 1e9));

    private IncrementalTraining.Fit fit(SparkSession spark, int partitions, IncrementalTraining.Settings settings) {
        try (Persisted cached = new Persisted()) {
            return IncrementalTraining.fit(
                    spark.createDataFrame(touches, IncrementalTest.TOUCHES).repartition(partitions),
                    spark.createDataFrame(conversions, IncrementalTest.CONVERSIONS)
                            .repartition(partitions),
                    settings,
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
            if (t.getBoolean(4)) {
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
        assertArrayEquals(lifts, fit.model().lifts(), 1e-9);
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

    /**
     * The richer terms against brute force: every person-day's terms computed here from their
     * definition ({@link ExposureTerms}' class comment), the synergy pairs counted here, each kept
     * specification's coefficients the best feasible subset solution ({@link NnlsTest#bruteForce})
     * of its normal equations, and its held-out score the squared error of that fit, made on four
     * folds, over the fifth fold's exposed person-days, summed over the folds.
     */
    @Test
    void richerTermsAndTheirHeldOutScoresEqualABruteForceFit(SparkSession spark) {
        IncrementalTraining.Fit fit = fit(spark, 3, RICH);
        ExposureTerms terms = fit.model().terms();
        List<int[]> pairs = terms.pairs();
        assertEquals(coTouched(), pairs.stream().map(p -> p[0] + "-" + p[1]).toList(), "synergy pairs");
        List<PersonDay> days = personDays(terms);
        assertEquals(trainingBaseline(days, -1), fit.model().baseline(), 1e-12);
        assertEquals(8, fit.kept().size(), "decay one or all × saturation or not × synergy or not");
        for (IncrementalSpecs.Scored kept : fit.kept()) {
            IncrementalSpecs.Spec spec = kept.spec();
            double[] expected = bruteFit(spec, days, -1);
            assertArrayEquals(expected, kept.model().coefficients(), 1e-8, spec.name());
            double score = 0;
            for (int k = 0; k < IncrementalSpecs.FOLDS; k++) {
                double[] theta = bruteFit(spec, days, k);
                double b = trainingBaseline(days, k);
                for (PersonDay d : days) {
                    if (d.fold == k && d.exposed) {
                        double r = d.y - b;
                        for (int t = 0; t < theta.length; t++) {
                            r -= theta[t] * d.x[t];
                        }
                        score += r * r;
                    }
                }
            }
            assertEquals(score, kept.score(), 1e-8 * score, spec.name());
        }
    }

    /** The auto fit is as reproducible as the linear one: choice, scores and fits, to the last bit. */
    @Test
    void theChoiceOfTermsIsTheSameOnAnyPartitioning(SparkSession spark) {
        IncrementalTraining.Fit one = fit(spark, 1, RICH);
        IncrementalTraining.Fit seven = fit(spark, 7, RICH);
        assertEquals(one.kept().size(), seven.kept().size());
        for (int s = 0; s < one.kept().size(); s++) {
            assertEquals(
                    one.kept().get(s).spec().name(), seven.kept().get(s).spec().name());
            assertEquals(one.kept().get(s).score(), seven.kept().get(s).score(), 0.0);
            assertArrayEquals(
                    one.kept().get(s).model().coefficients(),
                    seven.kept().get(s).model().coefficients(),
                    0.0);
        }
        for (int b = 0; b < 10; b++) {
            assertArrayEquals(
                    one.replicates().get(b).coefficients(),
                    seven.replicates().get(b).coefficients(),
                    0.0);
        }
    }

    /**
     * A lift experiment of channel a over days 8 to 21 of the window measured a lift of 5% (5 of
     * 100 treated conversions). The causal coefficient of a must be its fitted one scaled so that
     * a's incremental conversions in the test equal 5% of B: φ_a = θ_a · 0.05·B / (θ_a·a_e) =
     * 0.05·B / a_e, with B (the purchases of the test's days of the people with a valid touch of a
     * in the test) and a_e (over those people and days, the decayed exposure to a's touches of the
     * test's days) computed here from their definition ({@link Calibration}). The fitted
     * coefficients, and the other channels, are those of the fit without the experiment.
     */
    @Test
    void anExperimentSetsItsChannelsLevelFromSumsComputedByDefinition(SparkSession spark) {
        LocalDate testFrom = TO.minusDays(21);
        LocalDate testTo = TO.minusDays(8);
        IncrementalTraining.Settings settings = new IncrementalTraining.Settings(
                TRAINING_DAYS,
                EXPOSURE_DAYS,
                HALF_LIFE,
                io.trueroi.config.IncrementalTerms.linear(HALF_LIFE),
                List.of(new io.trueroi.config.Experiment("t", "a", testFrom, testTo, "holdout", 100, 5, 0, 10, 0.9)));
        java.util.Set<String> treated = new java.util.TreeSet<>();
        for (Row t : touches) {
            LocalDate day = t.getDate(1).toLocalDate();
            if (!t.getBoolean(4) && t.getString(2).equals("a") && !day.isBefore(testFrom) && !day.isAfter(testTo)) {
                treated.add(t.getString(0));
            }
        }
        double bought = 0;
        for (Row c : conversions) {
            LocalDate day = c.getDate(1).toLocalDate();
            bought += treated.contains(c.getString(0)) && !day.isBefore(testFrom) && !day.isAfter(testTo) ? 1 : 0;
        }
        double exposure = 0;
        for (Row t : touches) {
            LocalDate day = t.getDate(1).toLocalDate();
            if (t.getBoolean(4) || !t.getString(2).equals("a") || day.isBefore(testFrom) || day.isAfter(testTo)) {
                continue;
            }
            for (int age = 0; age < EXPOSURE_DAYS && !day.plusDays(age).isAfter(testTo); age++) {
                exposure += Math.pow(2, -age / HALF_LIFE);
            }
        }
        IncrementalTraining.Fit plain = fit(spark, 3);
        IncrementalTraining.Fit calibrated = fit(spark, 3, settings);
        assertEquals(1, calibrated.experiments());
        assertArrayEquals(plain.model().coefficients(), calibrated.model().coefficients(), 0.0);
        double[] phi = calibrated.model().causalCoefficients();
        double[] theta = plain.model().coefficients();
        assertEquals(0.05 * bought / exposure, phi[0], 1e-12, "a, from B = " + bought + ", a_e = " + exposure);
        assertEquals(theta[1], phi[1], 0.0, "b as fitted");
        assertEquals(theta[2], phi[2], 0.0, "c as fitted");
        long drawn = calibrated.replicates().stream()
                .mapToDouble(m -> m.causalCoefficients()[0])
                .distinct()
                .count();
        assertEquals(10, drawn, "each replicate draws its own lift from the test's interval");
    }

    /** One person-day of the training window: its person's fold, purchases and terms. */
    private record PersonDay(int fold, boolean exposed, double y, double[] x) {}

    /** Channel pairs touched by at least 3 people, the two most co-touched, "i-j" by channel index. */
    private List<String> coTouched() {
        Map<String, java.util.Set<Integer>> channels = new HashMap<>();
        LocalDate exposedFrom = TO.minusDays(TRAINING_DAYS + EXPOSURE_DAYS - 2L);
        for (Row t : touches) {
            // c is an owned channel (IncrementalTest.touch): no synergy of its own.
            if (!t.getBoolean(4)
                    && !t.getDate(1).toLocalDate().isBefore(exposedFrom)
                    && !t.getString(2).equals("c")) {
                channels.computeIfAbsent(t.getString(0), k -> new java.util.TreeSet<>())
                        .add(CHANNELS.indexOf(t.getString(2)));
            }
        }
        Map<String, Integer> people = new java.util.TreeMap<>();
        for (java.util.Set<Integer> set : channels.values()) {
            for (int a : set) {
                for (int b : set) {
                    if (a < b) {
                        people.merge(a + "-" + b, 1, Integer::sum);
                    }
                }
            }
        }
        return people.entrySet().stream()
                .filter(e -> e.getValue() >= 3)
                .sorted(Map.Entry.<String, Integer>comparingByValue()
                        .reversed()
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(2)
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
    }

    /** Every day of the training window of every person with a valid touch, its terms from their definition. */
    private List<PersonDay> personDays(ExposureTerms terms) {
        LocalDate from = TO.minusDays(TRAINING_DAYS - 1L);
        double[] halfLives = {1.0, 2.5, 6.0};
        Map<String, List<Row>> byPerson = new java.util.TreeMap<>();
        for (Row t : touches) {
            if (!t.getBoolean(4)) {
                byPerson.computeIfAbsent(t.getString(0), k -> new ArrayList<>()).add(t);
            }
        }
        List<PersonDay> out = new ArrayList<>();
        for (Map.Entry<String, List<Row>> p : byPerson.entrySet()) {
            for (LocalDate d = from; !d.isAfter(TO); d = d.plusDays(1)) {
                double[] x = new double[terms.size()];
                boolean exposed = false;
                for (Row t : p.getValue()) {
                    long age = d.toEpochDay() - t.getDate(1).toLocalDate().toEpochDay();
                    if (age >= 0 && age < EXPOSURE_DAYS) {
                        exposed = true;
                        int c = CHANNELS.indexOf(t.getString(2));
                        for (int j = 0; j < 3; j++) {
                            x[c * 3 + j] += Math.pow(2, -age / halfLives[j]);
                        }
                    }
                }
                for (int c = 0; c < 3; c++) {
                    x[9 + c] = Math.log1p(x[c * 3 + 1]);
                }
                for (int q = 0; q < terms.pairs().size(); q++) {
                    int[] pair = terms.pairs().get(q);
                    x[12 + q] = Math.sqrt(x[pair[0] * 3 + 1] * x[pair[1] * 3 + 1]);
                }
                double y = 0;
                for (Row c : conversions) {
                    y += c.getString(0).equals(p.getKey())
                                    && c.getDate(1).toLocalDate().equals(d)
                            ? 1
                            : 0;
                }
                out.add(new PersonDay(IncrementalTraining.fold(p.getKey()), exposed, y, x));
            }
        }
        return out;
    }

    /** The purchase rate of the unexposed days outside fold {@code leftOut} (−1: every fold). */
    private static double trainingBaseline(List<PersonDay> days, int leftOut) {
        double n = 0;
        double y = 0;
        for (PersonDay d : days) {
            if (d.fold != leftOut && !d.exposed) {
                n++;
                y += d.y;
            }
        }
        return y / n;
    }

    /** The spec's coefficients by brute force on the exposed days outside fold {@code leftOut}. */
    private static double[] bruteFit(IncrementalSpecs.Spec spec, List<PersonDay> days, int leftOut) {
        double b = trainingBaseline(days, leftOut);
        int f = spec.terms().length;
        double[][] g = new double[f][f];
        double[] c = new double[f];
        for (PersonDay d : days) {
            if (d.fold == leftOut || !d.exposed) {
                continue;
            }
            for (int i = 0; i < f; i++) {
                c[i] += d.x[i] * (d.y - b);
                for (int j = 0; j < f; j++) {
                    g[i][j] += d.x[i] * d.x[j];
                }
            }
        }
        for (int i = 0; i < f; i++) {
            if (!spec.terms()[i]) {
                java.util.Arrays.fill(g[i], 0);
                for (int j = 0; j < f; j++) {
                    g[j][i] = 0;
                }
                g[i][i] = 1;
                c[i] = 0;
            } else if (!spec.constrained()[i]) {
                g[i][i] *= 1 + spec.ridge();
            }
        }
        return NnlsTest.bruteForce(g, c, spec.constrained());
    }
}
