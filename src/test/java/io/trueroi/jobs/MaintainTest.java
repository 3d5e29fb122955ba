package io.trueroi.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueroi.catalog.Table;
import io.trueroi.ops.JobRuns;
import io.trueroi.ops.RunContext;
import io.trueroi.spark.Warehouse;
import io.trueroi.testing.SharedSpark;
import io.trueroi.testing.TestWorld;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
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
 * Issue 28, part 3: {@code maintain} compacts and vacuums. The world: ops.job_runs written by
 * three appends (three data files, three rows). With a retention of one second (under Delta's
 * seven days, so only with --force-retention), maintain leaves one data file holding the same
 * three rows and deletes the three it replaced; without the flag it refuses, naming the setting.
 */
@ExtendWith(SharedSpark.class)
class MaintainTest {
    static final LocalDate D = LocalDate.of(2026, 10, 1);

    @TempDir
    Path tmp;

    @Test
    void compactsAndDeletesWhatNoVersionWithinTheRetentionNeeds(SparkSession spark) throws Exception {
        TestWorld w = new TestWorld(tmp).day(D);
        Warehouse warehouse = new Warehouse(spark, w.warehouse.toString());
        for (int i = 0; i < 3; i++) {
            JobRuns.started(warehouse, RunContext.start("ingest", D, D, null));
        }
        Path table = w.warehouse.resolve("ops").resolve("job_runs");
        assertEquals(3, parquetFiles(table));
        Path conf = w.confFile("trueroi.runs.vacuum-retention = 1s");

        StringWriter refusedErr = new StringWriter();
        int refused = TrueRoi.run(
                new String[] {"maintain", "--conf", conf.toString()},
                new PrintWriter(new StringWriter(), true),
                new PrintWriter(refusedErr, true),
                TestWorld.ENV);
        assertEquals(TrueRoi.EXIT_USAGE, refused, refusedErr.toString());
        assertTrue(
                refusedErr.toString().contains("trueroi.runs.vacuum-retention PT1S is under Delta's safety default"),
                refusedErr.toString());

        Thread.sleep(1500); // the replaced files must be older than the retention
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = TrueRoi.run(
                new String[] {"maintain", "--force-retention", "--conf", conf.toString()},
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                TestWorld.ENV);
        assertEquals(0, code, err.toString());
        assertEquals(1, warehouse.snapshotFiles(Table.JOB_RUNS));
        assertEquals(3, warehouse.read(Table.JOB_RUNS).count());
        assertEquals(1, parquetFiles(table), "the three replaced files are deleted");
        String line = out.toString()
                .lines()
                .filter(l -> l.startsWith("ops.job_runs "))
                .findFirst()
                .orElseThrow(() -> new AssertionError(out.toString()));
        assertEquals(List.of("ops.job_runs", "3", "1", "3"), List.of(line.trim().split("\\s+")));
    }

    private static long parquetFiles(Path table) throws IOException {
        try (Stream<Path> s = Files.list(table)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".parquet"))
                    .count();
        }
    }
}
