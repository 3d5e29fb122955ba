package io.trueroi.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueroi.catalog.Table;
import io.trueroi.ops.JobRuns;
import io.trueroi.ops.RunContext;
import io.trueroi.ops.RunLock;
import io.trueroi.spark.Warehouse;
import io.trueroi.testing.SharedSpark;
import io.trueroi.testing.TestWorld;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 28, defect 6: a killed night left no row of its own, so {@code WHERE status = 'FAILED'}
 * found nothing. Every command run now writes STARTED first; a later run records a run that never
 * ended, and holds no lock, as ABANDONED with its start time; {@code status} shows it, and shows a
 * run still holding its lock as RUNNING.
 *
 * <p>The world: a nightly killed after its STARTED row (its lock rows taken over since: none left),
 * and a marts run alive on its lock part. Then an ingest run of one empty day.
 */
@ExtendWith(SharedSpark.class)
class AbandonedRunTest {
    static final LocalDate D = LocalDate.of(2026, 10, 1);

    @TempDir
    Path tmp;

    /** {@code status}, newest first: the ingest run, the live marts run, the killed night. */
    private static void assertStatusShowsNewestFirst(TestWorld w, RunContext alive, RunContext killed) {
        StringWriter out = new StringWriter();
        assertEquals(
                0,
                TrueRoi.run(
                        new String[] {"status", "--conf", w.confFile("").toString()},
                        new PrintWriter(out, true),
                        new PrintWriter(new StringWriter(), true),
                        TestWorld.ENV));
        List<String> lines = out.toString().lines().toList();
        assertTrue(lines.get(0).startsWith("run_id"), out.toString());
        // Newest first: the ingest run, the live marts run, the killed night.
        assertTrue(lines.get(2).contains("| ingest ") && lines.get(2).contains("| SUCCEEDED "), out.toString());
        assertTrue(lines.get(3).startsWith(alive.runId()) && lines.get(3).contains("| RUNNING "), out.toString());
        assertTrue(lines.get(4).startsWith(killed.runId()) && lines.get(4).contains("| ABANDONED "), out.toString());
        assertEquals("(3 rows)", lines.get(5));
    }

    @Test
    void aRunThatNeverEndedIsRecordedAbandonedAndShownSo(SparkSession spark) throws Exception {
        TestWorld w = new TestWorld(tmp).day(D);
        Warehouse warehouse = new Warehouse(spark, w.warehouse.toString());
        RunContext killed = RunContext.start("nightly", D, D, null);
        JobRuns.started(warehouse, killed);
        Thread.sleep(5); // run ids and start times order by the clock
        RunContext alive = RunContext.start("marts", D, D, null);
        JobRuns.started(warehouse, alive);
        try (RunLock lock = RunLock.acquire(warehouse, alive, Set.of("marts"), Duration.ofHours(6), false)) {
            StringWriter err = new StringWriter();
            int code = TrueRoi.run(
                    new String[] {
                        "ingest",
                        "--date",
                        D.toString(),
                        "--conf",
                        w.confFile("").toString()
                    },
                    new PrintWriter(new StringWriter(), true),
                    new PrintWriter(err, true),
                    TestWorld.ENV);
            assertEquals(0, code, err.toString());

            List<Row> killedRows = warehouse
                    .read(Table.JOB_RUNS)
                    .filter("run_id = '" + killed.runId() + "'")
                    .orderBy("ended_at")
                    .collectAsList();
            assertEquals(2, killedRows.size(), killedRows.toString());
            assertEquals(JobRuns.STARTED, killedRows.get(0).getAs("status"));
            Row abandoned = killedRows.get(1);
            assertEquals(JobRuns.ABANDONED, abandoned.getAs("status"));
            assertEquals(
                    killed.startedAt().toEpochMilli(),
                    abandoned.<java.sql.Timestamp>getAs("started_at").getTime());
            assertTrue(abandoned.<String>getAs("message").startsWith("never ended (killed?); found by run ingest-"));
            assertEquals(
                    0,
                    warehouse
                            .read(Table.JOB_RUNS)
                            .filter("run_id = '" + alive.runId() + "' AND status <> 'STARTED'")
                            .count(),
                    "a run holding its lock is not abandoned");
            assertEquals(
                    List.of("STARTED", "SUCCEEDED"),
                    warehouse
                            .read(Table.JOB_RUNS)
                            .filter("job = 'ingest'")
                            .orderBy("ended_at")
                            .select("status")
                            .as(org.apache.spark.sql.Encoders.STRING())
                            .collectAsList());

            assertStatusShowsNewestFirst(w, alive, killed);
        }
    }
}
