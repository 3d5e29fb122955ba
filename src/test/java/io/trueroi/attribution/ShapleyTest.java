package io.trueroi.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Shapley model against the textbook definition, computed the long way: for a journey's set S,
 * {@code φ_j = Σ_{U ⊆ S∖{j}} |U|! (|S| − |U| − 1)! / |S|! × (v(U ∪ {j}) − v(U))}, enumerating every
 * subset, with v the game the model claims to play: the observed rate on every observed set and,
 * elsewhere, the worth whose Harsanyi dividends vanish off the observed sets. The test finds those
 * dividends its own way, by solving the linear system "Σ_{T' ⊆ T} d(T') = rate(T) for every
 * observed T" with EJML, never with the model's recursion.
 */
@ExtendWith(io.trueroi.testing.SharedSpark.class)
class ShapleyTest {

    /** The brute-force Shapley value of every member of {@code set}, in the game {@code v} (indexed by mask). */
    static double[] bruteForce(long set, java.util.function.LongToDoubleFunction v, int channels) {
        int[] members = java.util.stream.IntStream.range(0, channels)
                .filter(j -> (set >>> j & 1) == 1)
                .toArray();
        int s = members.length;
        double[] factorial = new double[s + 1];
        factorial[0] = 1;
        for (int i = 1; i <= s; i++) {
            factorial[i] = factorial[i - 1] * i;
        }
        double[] phi = new double[channels];
        for (int j : members) {
            long others = set & ~(1L << j);
            // every subset U of the others, the empty one included
            for (long u = others; ; u = (u - 1) & others) {
                int size = Long.bitCount(u);
                double weight = factorial[size] * factorial[s - size - 1] / factorial[s];
                phi[j] += weight * (v.applyAsDouble(u | 1L << j) - v.applyAsDouble(u));
                if (u == 0) {
                    break;
                }
            }
        }
        return phi;
    }

    /** The completed game: dividends solved by EJML from the observed rates, summed over subsets. */
    static java.util.function.LongToDoubleFunction completedGame(Map<Long, Double> rates) {
        List<Long> sets = new ArrayList<>(rates.keySet());
        int m = sets.size();
        DMatrixRMaj a = new DMatrixRMaj(m, m);
        DMatrixRMaj b = new DMatrixRMaj(m, 1);
        for (int i = 0; i < m; i++) {
            for (int k = 0; k < m; k++) {
                a.set(i, k, (sets.get(k) & ~sets.get(i)) == 0 ? 1 : 0);
            }
            b.set(i, 0, rates.get(sets.get(i)));
        }
        DMatrixRMaj d = new DMatrixRMaj(m, 1);
        if (!CommonOps_DDRM.solve(a, b, d)) {
            throw new IllegalStateException("singular: the observed sets' system always has a unit triangle");
        }
        return u -> {
            double v = 0;
            for (int k = 0; k < m; k++) {
                if ((sets.get(k) & ~u) == 0) {
                    v += d.get(k, 0);
                }
            }
            return v;
        };
    }

    static ShapleyModel model(int channels, Map<Long, Double> rates) {
        Map<Long, double[]> both = new HashMap<>();
        rates.forEach((k, r) -> both.put(k, new double[] {r, 2 * r}));
        List<String> names = new ArrayList<>();
        for (int i = 0; i < channels; i++) {
            names.add("c" + i);
        }
        return new ShapleyModel(names, ShapleyTraining.dividends(both));
    }

    static void assertSame(double[] expected, double[] actual, String what) {
        for (int j = 0; j < expected.length; j++) {
            assertEquals(expected[j], actual[j], 1e-12, what + ", channel " + j);
        }
    }

    /**
     * Three channels, every set observed, so the game is the rates themselves. Worked for S = {a, b}:
     * v(a) = 0.02, v(b) = 0.05, v(ab) = 0.10; φ_a = ½ (0.02 − 0) + ½ (0.10 − 0.05) = 0.035,
     * φ_b = ½ 0.05 + ½ 0.08 = 0.065; they add up to v(ab).
     */
    @Test
    void everySetObservedIsTheTextbookShapleyValueOfTheRates() {
        Map<Long, Double> rates = Map.of(
                0b001L, 0.02, 0b010L, 0.05, 0b100L, 0.01, 0b011L, 0.10, 0b101L, 0.04, 0b110L, 0.07, 0b111L, 0.16);
        ShapleyModel m = model(3, rates);
        assertSame(new double[] {0.035, 0.065, 0}, m.values(0b011L, 0), "worked example");
        for (long s = 1; s < 8; s++) {
            final long set = s;
            double[] expected = bruteForce(set, u -> u == 0 ? 0 : rates.get(u), 3);
            assertSame(expected, m.values(set, 0), "set " + Long.toBinaryString(set));
            double[] revenue = m.values(set, 1);
            for (int j = 0; j < 3; j++) {
                assertEquals(2 * expected[j], revenue[j], 1e-12, "revenue game is twice the rates here");
            }
            assertEquals(
                    rates.get(set), java.util.Arrays.stream(m.values(set, 0)).sum(), 1e-12, "efficiency");
        }
    }

    /** Eight channels, 40 random observed sets, random rates: every journey set against brute force. */
    @Test
    void sparseObservedSetsMatchBruteForceOnTheCompletedGame() {
        SplittableRandom r = new SplittableRandom(29);
        Map<Long, Double> rates = new HashMap<>();
        while (rates.size() < 40) {
            rates.put(1 + (long) r.nextInt(255), r.nextDouble() * 0.2);
        }
        ShapleyModel m = model(8, rates);
        var v = completedGame(rates);
        for (long s = 1; s < 256; s++) {
            assertSame(bruteForce(s, v, 8), m.values(s, 0), "set " + Long.toBinaryString(s));
        }
    }

    /** Twenty channels, the largest the brute force enumerates here (2^19 coalitions per channel). */
    @Test
    void twentyChannelsAreExact() {
        SplittableRandom r = new SplittableRandom(20);
        Map<Long, Double> rates = new HashMap<>();
        for (int j = 0; j < 20; j++) {
            rates.put(1L << j, r.nextDouble() * 0.05);
        }
        while (rates.size() < 60) {
            long pair = (1L << r.nextInt(20)) | (1L << r.nextInt(20)) | (1L << r.nextInt(20));
            rates.put(pair, r.nextDouble() * 0.2);
        }
        ShapleyModel m = model(20, rates);
        long all = (1L << 20) - 1;
        // v over all 2^20 coalitions from the EJML dividends, once.
        var game = completedGame(rates);
        double[] v = new double[1 << 20];
        for (int u = 0; u < v.length; u++) {
            v[u] = game.applyAsDouble(u);
        }
        assertSame(bruteForce(all, u -> v[(int) u], 20), m.values(all, 0), "all twenty");
    }

    /**
     * The Spark side: journeys of the window counted per set of distinct channels, sets under the
     * minimum left out, net revenue per journey as the revenue game. Hand world (window 2026-10-01 ..
     * 10-30): 4 journeys {a} (1 converts, 100.00), 4 journeys {a, b} (3 convert, 60.00 each; one of
     * them touches a twice), 1 journey {b} (unobserved at minimum 2), one converting {a} journey
     * dated before the window. Rates: {a} 1/4, {a,b} 3/4; dividends d(a) = 0.25, d(ab) = 0.5, so
     * in {a, b}: φ_a = 0.25 + 0.25 = 0.5, φ_b = 0.25; revenue per journey {a} 25.00, {a,b} 45.00.
     */
    @Test
    void theFitCountsTheWindowsJourneysPerChannelSet(SparkSession spark) {
        JourneyRows rows = new JourneyRows()
                .add("a1", true, "ownsite", "100.00", "2026-10-10T12:00:00Z", "a@1")
                .times(3, "a0_", false, null, "0", "2026-10-11T12:00:00Z", "a@0")
                .times(2, "ab", true, "ownsite", "60.00", "2026-10-20T12:00:00Z", "a@3, b@1")
                .add("aba", true, "ownsite", "60.00", "2026-10-20T12:00:00Z", "a@3, b@2, a@1")
                .add("abn", false, null, "0", "2026-10-21T12:00:00Z", "b@2, a@0")
                .add("b", true, "ownsite", "10.00", "2026-10-22T12:00:00Z", "b@1")
                .add("old", true, "ownsite", "10.00", "2026-09-01T12:00:00Z", "a@1");
        Dataset<Row> journeys = rows.dataset(spark);
        ShapleyTraining.Fit fit = ShapleyTraining.fit(
                journeys, 30, 2, LocalDate.of(2026, 10, 30), ZoneId.of("Asia/Shanghai"), null, null);
        assertEquals(9, fit.trainingJourneys());
        assertEquals(5, fit.trainingConversions());
        assertEquals(3, fit.sets());
        assertEquals(2, fit.observed());
        assertEquals(List.of("a", "b"), fit.model().channels());
        assertSame(new double[] {0.5, 0.25}, fit.model().values(0b11L, 0), "conversions");
        // revenue: d(a) = 25, d(ab) = 45 − 25 = 20: φ_a = 25 + 10, φ_b = 10
        assertSame(new double[] {35, 10}, fit.model().values(0b11L, 1), "revenue");
        assertNull(fit.model().perMember(0b10L), "{b} is under the minimum");
        // Per touch: the journey a > b > a gives a's 0.5 in two halves and b 0.25: shares 1/3, 1/3, 1/3.
        double[] w = new double[3];
        fit.model().conversionWeights(Touches.of(new String[] {"a", "b", "a"}, new long[] {1, 2, 3}, null), w);
        assertSame(new double[] {0.25, 0.25, 0.25}, w, "weights per touch");
    }

    /**
     * A replicate refits on the point fit's observed sets with each journey counted as often as its
     * person: replicate 0 (everyone once) is the point fit; replicate 1 counts a1's person 0 times
     * and ab0's 3 times, which is the point fit of the same journeys with a1 dropped and ab0 twice
     * more ({a} still has the 3 non-converting a0_, {a, b} now 6 journeys).
     */
    @Test
    void aReplicateIsTheFitOfItsCountsOfThePersons(SparkSession spark) {
        java.util.function.UnaryOperator<JourneyRows> rest =
                rows -> rows.times(3, "a0_", false, null, "0", "2026-10-11T12:00:00Z", "a@0")
                        .times(2, "ab", true, "ownsite", "60.00", "2026-10-20T12:00:00Z", "a@3, b@1")
                        .add("aba", true, "ownsite", "60.00", "2026-10-20T12:00:00Z", "a@3, b@2, a@1")
                        .add("abn", false, null, "0", "2026-10-21T12:00:00Z", "b@2, a@0")
                        .add("b", true, "ownsite", "10.00", "2026-10-22T12:00:00Z", "b@1");
        Dataset<Row> world = rest.apply(
                        new JourneyRows().add("a1", true, "ownsite", "100.00", "2026-10-10T12:00:00Z", "a@1"))
                .dataset(spark);
        Dataset<Row> counted = rest.apply(new JourneyRows()
                        .times(2, "ab0_", true, "ownsite", "60.00", "2026-10-20T12:00:00Z", "a@3, b@1"))
                .dataset(spark);
        LocalDate to = LocalDate.of(2026, 10, 30);
        ZoneId zone = ZoneId.of("Asia/Shanghai");
        ShapleyTraining.Fit fit = ShapleyTraining.fit(
                world,
                30,
                2,
                to,
                zone,
                new FixedBootstrap(2, java.util.Map.of("oid_a1", new int[] {1, 0}, "oid_ab0", new int[] {1, 3})),
                null);
        ShapleyModel point = fit.model();
        ShapleyModel oracle =
                ShapleyTraining.fit(counted, 30, 2, to, zone, null, null).model();
        for (long set : new long[] {0b01L, 0b10L, 0b11L}) {
            for (int which = 0; which < 2; which++) {
                assertSame(point.values(set, which), fit.replicates().get(0).values(set, which), "replicate 0");
                assertSame(oracle.values(set, which), fit.replicates().get(1).values(set, which), "replicate 1");
            }
        }
        // The counted world's {a, b}: 5 of 6 convert (abn does not), and {a} none of 3: d(a) = 0,
        // d(ab) = 5/6, shared equally.
        assertSame(new double[] {5.0 / 12, 5.0 / 12}, fit.replicates().get(1).values(0b11L, 0), "by hand");
    }
}
