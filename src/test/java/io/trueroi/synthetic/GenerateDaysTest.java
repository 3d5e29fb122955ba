package io.trueroi.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueroi.config.TrueRoiConfig;
import io.trueroi.testing.SharedSpark;
import io.trueroi.testing.TestWorld;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Any range of a world's days can be written on its own, with the bytes those days have when the
 * whole world is written: a bench or test delivers the next day, or a late file, as a delivery of its own.
 */
@ExtendWith(SharedSpark.class)
class GenerateDaysTest {
    static final LocalDate FIRST = LocalDate.of(2026, 9, 1);
    static final LocalDate LAST = LocalDate.of(2026, 9, 6);

    @TempDir
    Path tmp;

    static List<Path> files(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile)
                    .map(root::relativize)
                    // the world's own files (truth, spec, channel rules) sit at the root, beside the days
                    .filter(p -> p.getNameCount() > 1)
                    .sorted()
                    .toList();
        }
    }

    @Test
    void aDayWrittenAloneIsTheSameDayAsInTheWholeWorld(SparkSession spark) throws IOException {
        TrueRoiConfig config = new TestWorld(tmp).config("");
        WorldModel world = new WorldModel(11, FIRST, LAST, 4);
        Path all = tmp.resolve("all");
        Path one = tmp.resolve("one");
        new GenerateAction(spark, config, world, 300, all.toString(), "test").execute();
        new GenerateAction(spark, config, world, 300, one.toString(), "test")
                .days(LAST.minusDays(1), LAST)
                .execute();
        List<Path> written = files(one);
        assertFalse(written.isEmpty());
        for (Path p : written) {
            assertTrue(p.toString().contains("dt=2026-09-05") || p.toString().contains("dt=2026-09-06"), p.toString());
            assertArrayEquals(Files.readAllBytes(all.resolve(p)), Files.readAllBytes(one.resolve(p)), p.toString());
        }
        long inAll = files(all).stream()
                .filter(p ->
                        p.toString().contains("dt=2026-09-05") || p.toString().contains("dt=2026-09-06"))
                .count();
        assertEquals(inAll, written.size(), "every file of those days, and no other");
        assertTrue(Files.isDirectory(one.resolve("pos/transactions/dt=2026-09-06")));
        assertFalse(Files.exists(one.resolve("pos/transactions/dt=2026-09-04")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new GenerateAction(
                        spark, config, world, 300, one.toString(), "test")
                .days(LAST, LAST.plusDays(1)));
        assertTrue(e.getMessage().contains("cannot be: 2026-09-07"), e.getMessage());
    }
}
