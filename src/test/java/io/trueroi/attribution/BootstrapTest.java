package io.trueroi.attribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueroi.catalog.ModelName;
import io.trueroi.testing.SharedSpark;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Poisson bootstrap's counts, and {@link CreditReplicates} against an independent oracle: each
 * replicate's totals must be the credits {@link Credits} writes for the replicate's model, each
 * conversion counted as often as the replicate counts its person.
 */
@ExtendWith(SharedSpark.class)
class BootstrapTest {
    private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

    /**
     * Counts are Poisson(1): over 20,000 persons × 100 replicates (2,000,000 counts) the mean and
     * variance are 1 within 0.005 and 0.01 (their standard errors are 0.0007 and 0.0012), and the
     * share of zeros e^−1 = 0.3679 within 0.002 (standard error 0.0003).
     */
    @Test
    void countsArePoissonOneAndAFunctionOfTheId() {
        Bootstrap b = Bootstrap.poisson(100);
        int[] w = new int[100];
        long n = 0;
        double sum = 0;
        double squares = 0;
        long zeros = 0;
        for (int p = 0; p < 20_000; p++) {
            b.weights("oid_" + p, w);
            for (int c : w) {
                n++;
                sum += c;
                squares += (double) c * c;
                zeros += c == 0 ? 1 : 0;
            }
        }
        double mean = sum / n;
        assertEquals(1.0, mean, 0.005);
        assertEquals(1.0, squares / n - mean * mean, 0.01);
        assertEquals(Math.exp(-1), (double) zeros / n, 0.002);
        int[] again = new int[100];
        b.weights("oid_7", w);
        b.weights("oid_7", again);
        assertArrayEquals(w, again, "the same person, the same counts");
        // "Aa" and "BB" share String.hashCode; their counts must not be the same.
        b.weights("Aa", w);
        b.weights("BB", again);
        assertNotEquals(java.util.Arrays.toString(w), java.util.Arrays.toString(again));
        assertEquals(0, Bootstrap.poisson1(0.0));
        assertEquals(1, Bootstrap.poisson1(0.5), "e^-1 = 0.368 < 0.5 < 2e^-1 = 0.736");
        assertEquals(2, Bootstrap.poisson1(0.8), "0.736 < 0.8 < 0.920");
    }

    /**
     * Four converting journeys (one without touches, two months, campaigns per channel) and one that
     * did not convert. Models: last touch (split the same way in every replicate), linear refitted
     * as first touch in replicate 0 and last touch in replicate 1 (so a refit's own split is used),
     * and an incremental model (a baseline part) with another specification it kept. Counts: j1's person 2 then 0, j2's 0 then 3, the
     * rest once; drawn for the persons' keys.
     */
    @Test
    void replicateTotalsAreTheCreditsCountedByPerson(SparkSession spark) {
        Dataset<Row> journeys = new JourneyRows()
                .add("j1", true, "online", "12.00", "2026-10-10T12:00:00Z", "a@3, b@1, a@0")
                .add("j2", true, "online", "30.00", "2026-10-20T12:00:00Z", "b@2")
                .add("j3", true, "store", "8.00", "2026-11-02T12:00:00Z", "a@5, b@0")
                .add("j4", true, "store", "5.00", "2026-11-03T12:00:00Z", "")
                .add("n1", false, null, "0", "2026-11-03T12:00:00Z", "a@1")
                .dataset(spark);
        // Counts are drawn for the persons' keys, not their OneID labels: j1's and j2's OneIDs have
        // keys, the others none (their OneID is their key).
        Map<String, int[]> counts = Map.of("person-1", new int[] {2, 0}, "person-2", new int[] {0, 3});
        Map<String, String> keys = Map.of("oid_j1", "person-1", "oid_j2", "person-2");
        Dataset<Row> personKeys = spark.createDataFrame(
                keys.entrySet().stream()
                        .map(e -> org.apache.spark.sql.RowFactory.create(e.getKey(), e.getValue()))
                        .toList(),
                org.apache.spark.sql.types.StructType.fromDDL("one_id STRING, " + Bootstrap.PERSON_KEY + " STRING"));
        Bootstrap bootstrap = new FixedBootstrap(2, counts);
        AttributionModel incremental =
                IncrementalModel.linear(List.of("a", "b"), new double[] {0.3, 0.9}, 0.05, 30, 7, ZONE);
        List<AttributionModel> models = List.of(new LastTouch(), new Linear(), incremental);
        List<AttributionModel> linearRefits = List.of(new FirstTouch(), new LastTouch());
        // Another specification the incremental fit kept: split once, everyone counted once, as
        // replicate −1.
        AttributionModel alternative =
                IncrementalModel.linear(List.of("a", "b"), new double[] {0.9, 0.1}, 0.2, 30, 3, ZONE);
        Map<String, double[]> actual = new TreeMap<>();
        for (Row r : CreditReplicates.of(
                        journeys,
                        models,
                        Map.of(ModelName.LINEAR, linearRefits),
                        Map.of(ModelName.INCREMENTAL, List.of(alternative)),
                        bootstrap,
                        personKeys)
                .collectAsList()) {
            String key = key(r.getString(0), r.getDate(1).toString(), r.getString(2), r.getString(3), r.getInt(4));
            double[] before = actual.put(
                    key,
                    new double[] {r.getDecimal(5).doubleValue(), r.getDecimal(6).doubleValue()});
            assertEquals(null, before, "one row per key: " + key);
        }
        Map<String, double[]> expected = new TreeMap<>();
        for (int b = 0; b < 2; b++) {
            for (AttributionModel m : List.of(models.get(0), linearRefits.get(b), incremental)) {
                // The refit's credits are filed under the model it is a replicate of.
                String model = m == linearRefits.get(b) ? "linear" : m.name().id();
                int replicate = b;
                addCredits(expected, Credits.of(journeys, m, ZONE), model, b, c -> {
                    int[] w = counts.get(keys.getOrDefault(c.<String>getAs("one_id"), c.<String>getAs("one_id")));
                    return w == null ? 1 : w[replicate];
                });
            }
        }
        addCredits(expected, Credits.of(journeys, alternative, ZONE), "incremental", -1, c -> 1);
        // Every key of the credits appears in both replicates (0 where nobody counted), and only those.
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((k, e) -> {
            assertEquals(e[0], actual.get(k)[0], 1e-6, "conversions " + k);
            // Credits round each part to the cent; the replicates sum unrounded parts.
            assertEquals(e[1], actual.get(k)[1], 0.02, "revenue " + k);
        });
        assertTrue(actual.containsKey(key("incremental", "2026-10-01", "(baseline)", null, 1)));
        assertTrue(actual.containsKey(key("incremental", "2026-10-01", "(baseline)", null, -1)));
        assertEquals(3 * 1.0, actual.get(key("last_touch", "2026-10-01", "b", "cmp_b", 1))[0], 1e-9, "j2 thrice");
    }

    /** Adds {@code credits}, each row counted {@code count} times, to replicate b of the model's totals. */
    private static void addCredits(
            Map<String, double[]> expected,
            Dataset<Row> credits,
            String model,
            int b,
            java.util.function.ToIntFunction<Row> count) {
        for (Row c : credits.collectAsList()) {
            String month = c.<java.sql.Date>getAs("conversion_date")
                    .toLocalDate()
                    .withDayOfMonth(1)
                    .toString();
            double[] t = expected.computeIfAbsent(
                    key(model, month, c.getAs("channel"), c.getAs("campaign_id"), b), k -> new double[2]);
            t[0] += count.applyAsInt(c)
                    * c.<java.math.BigDecimal>getAs("conversion_credit").doubleValue();
            t[1] += count.applyAsInt(c)
                    * c.<java.math.BigDecimal>getAs("revenue_credit").doubleValue();
        }
    }

    private static String key(String model, String month, String channel, String campaign, int b) {
        return model + "|" + month + "|" + channel + "|" + campaign + "|" + b;
    }
}
