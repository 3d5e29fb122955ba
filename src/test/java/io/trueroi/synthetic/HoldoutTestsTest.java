package io.trueroi.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueroi.config.Experiment;
import io.trueroi.config.TrueRoiConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A holdout test's read-out, by hand, and its file read back as {@code trueroi.experiments}. */
@org.junit.jupiter.api.extension.ExtendWith(io.trueroi.testing.SharedSpark.class)
class HoldoutTestsTest {
    @TempDir
    Path tmp;

    /**
     * Treated: 4 people, 6 conversions, Σy² = 12 (mean 1.5, variance (12 − 36/4)/3 = 1); held out:
     * 2 people, 1 conversion, Σy² = 1 (mean 0.5, variance (1 − 1/2)/1 = 0.5). Incremental = 6 − 4 ×
     * 0.5 = 4; standard error 4 × √(1/4 + 0.5/2) = 2.8284; the 90% interval ± 1.6449 × 2.8284 =
     * ± 4.6523: [−0.65, 8.65].
     */
    @Test
    void theReadOutIsTheDifferenceOfMeansScaledToTheTreatedWithANormalInterval() throws Exception {
        WorldSpec spec = WorldSpecTest.hand(
                        "experiments = [ { channel = B, from = \"2026-09-02\", days = 5, holdout = 0.3 },"
                                + " { channel = A, from = \"2026-09-01\", days = 2, holdout = 0.1 } ]")
                .spec();
        String text = HoldoutTests.conf(
                spec,
                List.of(
                        RowFactory.create(0, WorldModel.TREATED, 4L, 6L, 12L, 3L),
                        RowFactory.create(0, WorldModel.HELD_OUT, 2L, 1L, 1L, 0L),
                        RowFactory.create(1, WorldModel.TREATED, 9L, 3L, 3L, 1L)));
        assertTrue(
                text.contains("hand-holdout-2 (A): 9 treated and 0 held-out people, 3 treated conversions: nothing"
                        + " measured"),
                text);
        assertTrue(text.contains("caused 3 of the treated group's conversions (lift 0.5000)"), text);
        Path file = tmp.resolve("experiments.conf");
        Files.writeString(file, text);
        Path channels = tmp.resolve("channels.conf");
        Files.writeString(channels, spec.channelRules());
        List<Experiment> read = TrueRoiConfig.load(
                        List.of(channels, file), Map.of("TRUEROI_HASH_KEY", "a-test-key-of-enough-length"))
                .experiments();
        assertEquals(1, read.size(), "the test that measured nothing is left out");
        Experiment e = read.get(0);
        assertEquals("hand-holdout-1", e.name());
        assertEquals("B", e.channel());
        assertEquals(LocalDate.of(2026, 9, 2), e.from());
        assertEquals(LocalDate.of(2026, 9, 6), e.to());
        assertEquals(6, e.treatedConversions());
        assertEquals(4.0, e.incremental());
        assertEquals(-0.65, e.lo());
        assertEquals(8.65, e.hi());
        assertEquals(0.90, e.level());
    }

    /**
     * The Spark read-out of 3,000 people of the hand world equals the file made from the same
     * people's rows summed here in plain Java.
     */
    @Test
    void theSparkReadOutSumsEveryPersonsRows(org.apache.spark.sql.SparkSession spark) {
        WorldModel w =
                WorldSpecTest.hand("experiments = [ { channel = A, from = \"2026-09-03\", days = 4, holdout = 0.5 } ]");
        long[][] sums = new long[2][4];
        for (long p = 0; p < 3_000; p++) {
            for (org.apache.spark.sql.Row r : HoldoutTests.rows(w, p)) {
                long[] g = sums[r.getInt(1)];
                g[0]++;
                g[1] += r.getLong(2);
                g[2] += r.getLong(2) * r.getLong(2);
                g[3] += r.getLong(3);
            }
        }
        List<org.apache.spark.sql.Row> rows = List.of(
                RowFactory.create(0, 0, sums[0][0], sums[0][1], sums[0][2], sums[0][3]),
                RowFactory.create(0, 1, sums[1][0], sums[1][1], sums[1][2], sums[1][3]));
        assertTrue(sums[0][3] > 0, "A caused some of the treated group's conversions");
        assertEquals(
                HoldoutTests.conf(w.spec(), rows),
                HoldoutTests.measure(
                        spark, "test", spark.range(0, 3_000, 1, 3).as(org.apache.spark.sql.Encoders.LONG()), w));
    }
}
