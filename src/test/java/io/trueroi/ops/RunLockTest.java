package io.trueroi.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueroi.catalog.Table;
import io.trueroi.spark.Warehouse;
import io.trueroi.testing.SharedSpark;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** One run at a time per part of the warehouse, a clear message naming the holder, and stale locks. */
@ExtendWith(SharedSpark.class)
class RunLockTest {
    static final LocalDate D = LocalDate.of(2026, 10, 1);
    static final Duration SIX_HOURS = Duration.ofHours(6);

    @TempDir
    Path tmp;

    static RunContext run(String job, Instant startedAt) {
        return new RunContext(job + "-" + startedAt.toEpochMilli(), job, D, D, null, startedAt);
    }

    @Test
    void aHeldPartStopsTheSecondRunAndOtherPartsStayFree(SparkSession spark) {
        Warehouse w = new Warehouse(spark, tmp.toString());
        RunContext night = run("nightly", Instant.now());
        RunLock held = RunLock.acquire(w, night, Set.of("identity", "ingest:ads"), SIX_HOURS, false);
        JobFailure e = assertThrows(
                JobFailure.class,
                () -> RunLock.acquire(w, run("identity", Instant.now()), Set.of("identity"), SIX_HOURS, false));
        assertTrue(
                e.getMessage()
                        .startsWith("the warehouse is in use: run " + night.runId() + " (nightly) holds identity"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("wait for it to end"), e.getMessage());
        // Another source group's ingest is a part nobody holds.
        try (RunLock other = RunLock.acquire(w, run("ingest", Instant.now()), Set.of("ingest:pos"), SIX_HOURS, false)) {
            assertEquals(3, w.read(Table.RUN_LOCKS).count());
        }
        held.close();
        assertEquals(0, w.read(Table.RUN_LOCKS).count(), "a run's rows go when it ends");
        try (RunLock next = RunLock.acquire(w, run("identity", Instant.now()), Set.of("identity"), SIX_HOURS, false)) {
            assertEquals(1, w.read(Table.RUN_LOCKS).count());
        }
    }

    @Test
    void onlyAStaleLockIsTakenOverAndOnlyWithForceUnlock(SparkSession spark) {
        Warehouse w = new Warehouse(spark, tmp.toString());
        Instant now = Instant.now();
        RunContext killed = run("nightly", now.minus(Duration.ofHours(7)));
        RunLock.acquire(w, killed, Set.of("marts"), SIX_HOURS, false); // never closed: the run was killed
        RunContext next = run("nightly", now);
        JobFailure refused =
                assertThrows(JobFailure.class, () -> RunLock.acquire(w, next, Set.of("marts"), SIX_HOURS, false));
        assertTrue(refused.getMessage().contains("started 7h00m ago"), refused.getMessage());
        assertTrue(refused.getMessage().endsWith("run again with --force-unlock"), refused.getMessage());
        try (RunLock taken = RunLock.acquire(w, next, Set.of("marts"), SIX_HOURS, true)) {
            assertEquals(
                    List.of(next.runId()),
                    w.read(Table.RUN_LOCKS)
                            .selectExpr("run_id")
                            .as(org.apache.spark.sql.Encoders.STRING())
                            .collectAsList());
            // The new holder is young: --force-unlock does not take it.
            JobFailure young = assertThrows(
                    JobFailure.class,
                    () -> RunLock.acquire(w, run("marts", now.plusSeconds(60)), Set.of("marts"), SIX_HOURS, true));
            assertTrue(young.getMessage().contains("may still be running"), young.getMessage());
        }
    }

    @Test
    void ofTwoRunsTakingOnePartAtOnceExactlyOneWins(SparkSession spark) throws Exception {
        Warehouse w = new Warehouse(spark, tmp.toString());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 3; round++) {
                CyclicBarrier start = new CyclicBarrier(2);
                List<Future<RunLock>> tries = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    RunContext r = new RunContext("r" + round + "-" + i, "nightly", D, D, null, Instant.now());
                    tries.add(pool.submit(() -> {
                        start.await();
                        return RunLock.acquire(w, r, Set.of("journeys", "marts"), SIX_HOURS, false);
                    }));
                }
                List<RunLock> won = new ArrayList<>();
                int lost = 0;
                for (Future<RunLock> f : tries) {
                    try {
                        won.add(f.get(120, TimeUnit.SECONDS));
                    } catch (java.util.concurrent.ExecutionException e) {
                        assertTrue(e.getCause() instanceof JobFailure, String.valueOf(e.getCause()));
                        assertTrue(e.getCause().getMessage().startsWith("the warehouse is in use"), e.getMessage());
                        lost++;
                    }
                }
                assertEquals(1, won.size(), "round " + round);
                assertEquals(1, lost, "round " + round);
                assertEquals(2, w.read(Table.RUN_LOCKS).count(), "both parts, one holder");
                won.get(0).close();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
