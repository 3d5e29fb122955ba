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
}
