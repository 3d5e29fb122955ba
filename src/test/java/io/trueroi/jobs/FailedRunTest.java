package io.trueroi.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueroi.catalog.Table;
import io.trueroi.spark.Warehouse;
import io.trueroi.testing.SharedSpark;
import io.trueroi.testing.TestWorld;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A failing night: exit 1, one line naming the stage and the reason, FAILED rows in ops.job_runs. */
@ExtendWith(SharedSpark.class)
class FailedRunTest {
    @TempDir
    Path tmp;

    @Test
    void nightlyFailureNamesStageAndReasonAndIsRecorded(SparkSession spark) {
        TestWorld world = new TestWorld(tmp).day(LocalDate.of(2026, 10, 1)); // 2026-10-02 has no folders
        Path conf = world.confFile("");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = TrueRoi.run(
                new String[] {"nightly", "--from", "2026-10-01", "--to", "2026-10-02", "--conf", conf.toString()},
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                TestWorld.ENV);
        assertEquals(TrueRoi.EXIT_FAILED, code, err.toString());
        String line = err.toString().strip();
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.startsWith("trueroi: nightly failed: stage ingest: ingest: missing folder "), line);
        assertTrue(line.contains("wechat/oa_events/dt=2026-10-02"), line);

        Warehouse warehouse = new Warehouse(spark, world.warehouse.toString());
        // Issue 28, defect 6: the night's STARTED row is its first write.
        assertEquals(
                1,
                warehouse
                        .read(Table.JOB_RUNS)
                        .filter("status = 'STARTED' AND job = 'nightly'")
                        .count());
        List<Row> runs = warehouse
                .read(Table.JOB_RUNS)
                .filter("status <> 'STARTED'")
                .orderBy("job")
                .collectAsList();
        assertEquals(2, runs.size());
        assertEquals("ingest", runs.get(0).getAs("job"));
        assertEquals("FAILED", runs.get(0).getAs("status"));
        assertTrue(
                runs.get(0).<String>getAs("message").startsWith("ingest: missing folder"),
                runs.get(0).toString());
        assertEquals("nightly", runs.get(1).getAs("job"));
        assertEquals("FAILED", runs.get(1).getAs("status"));
        assertTrue(
                runs.get(1).<String>getAs("message").startsWith("stage ingest: ingest: missing folder"),
                runs.get(1).toString());
    }
}
