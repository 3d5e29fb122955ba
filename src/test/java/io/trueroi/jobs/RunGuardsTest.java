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
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** What stops a run before its first stage: a lock another run holds, and a date before the last night's. */
@ExtendWith(SharedSpark.class)
class RunGuardsTest {
    static final LocalDate D1 = LocalDate.of(2026, 10, 1);
    static final LocalDate D2 = LocalDate.of(2026, 10, 2);

    @TempDir
    Path tmp;

    record Outcome(int code, String err) {}

    static Outcome run(Path conf, String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--conf";
        all[args.length + 1] = conf.toString();
        StringWriter err = new StringWriter();
        int code =
                TrueRoi.run(all, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), TestWorld.ENV);
        return new Outcome(code, err.toString().strip());
    }

    @Test
    void aNightBeforeTheLastSuccessfulOneIsRefusedNamingBothDates(SparkSession spark) {
        TestWorld world = new TestWorld(tmp).day(D1).day(D2);
        Path conf = world.confFile("");
        Warehouse w = new Warehouse(spark, world.warehouse.toString());
        JobRuns.record(w, RunContext.start("nightly", D2, D2, null), JobRuns.SUCCEEDED, null, List.of(), Map.of());

        Outcome refused = run(conf, "nightly", "--date", D1.toString());
        assertEquals(TrueRoi.EXIT_FAILED, refused.code(), refused.err());
        assertTrue(
                refused.err().contains("nightly for 2026-10-01 is before the last successful run's date, 2026-10-02"),
                refused.err());
        assertTrue(refused.err().contains("--full-refresh"), refused.err());
        assertEquals(0, w.read(Table.RUN_LOCKS).count(), "the refused run let its lock go");
        // Ingest alone reads what has not been read, for any date.
        Outcome ingest = run(conf, "ingest", "--date", D1.toString());
        assertEquals(0, ingest.code(), ingest.err());
    }

    @Test
    void aRunStopsAtOnceWhenAnotherHoldsTheWarehouse(SparkSession spark) {
        TestWorld world = new TestWorld(tmp).day(D1);
        Path conf = world.confFile("");
        Warehouse w = new Warehouse(spark, world.warehouse.toString());
        RunContext other = new RunContext("nightly-other", "nightly", D1, D1, null, Instant.now());
        try (RunLock held = RunLock.acquire(w, other, Set.of("marts"), Duration.ofHours(6), false)) {
            Outcome busy = run(conf, "marts", "--date", D1.toString());
            assertEquals(TrueRoi.EXIT_FAILED, busy.code(), busy.err());
            assertTrue(
                    busy.err().contains("the warehouse is in use: run nightly-other (nightly) holds marts since "),
                    busy.err());
            Outcome forced = run(conf, "marts", "--date", D1.toString(), "--force-unlock");
            assertTrue(forced.err().contains("may still be running"), forced.err());
        }
    }
}
