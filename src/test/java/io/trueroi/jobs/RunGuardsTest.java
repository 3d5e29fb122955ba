package io.trueroi.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueroi.catalog.Stage;
import io.trueroi.catalog.Table;
import io.trueroi.config.TrueRoiConfig;
import io.trueroi.ops.JobFailure;
import io.trueroi.ops.JobRuns;
import io.trueroi.ops.RuleFingerprints;
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

/**
 * What stops a run before its first stage: a lock another run holds, a date before the last
 * night's, and rules that changed since the warehouse was built.
 */
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
        JobRuns.record(
                w,
                RunContext.start("nightly", D2, D2, null),
                JobRuns.SUCCEEDED,
                null,
                List.of(),
                Map.of(),
                JobRuns.StageState.NONE);

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

    /**
     * The journeys settings of the default config are recorded; a run with the lookback at 14 days
     * instead of the default 30 is refused before its first stage, naming the key with both values.
     * A changed channel list is named too (its value by size: the shipped list is long). The same
     * settings recorded again write nothing; --full-refresh skips the check, so the run reaches the
     * stage (which then fails for want of the identity tables it reads).
     */
    @Test
    void aRunWithChangedRulesIsRefusedNamingTheKeys(SparkSession spark) {
        TestWorld world = new TestWorld(tmp).day(D1);
        TrueRoiConfig before = world.config("");
        Warehouse w = new Warehouse(spark, world.warehouse.toString());
        RunContext first = RunContext.start("journeys", D1, D1, null);
        RuleFingerprints.read(w).record(w, before, Stage.JOURNEYS, first);
        long version = w.version(Table.RULE_FINGERPRINTS);
        RuleFingerprints.read(w).record(w, before, Stage.JOURNEYS, first);
        assertEquals(version, w.version(Table.RULE_FINGERPRINTS), "the same settings are not written again");
        RuleFingerprints.read(w).check(before, List.of(Stage.IDENTITY, Stage.JOURNEYS, Stage.ATTRIBUTION, Stage.MARTS));

        Path shorter = world.confFile("trueroi.journeys.lookback-days = 14\n");
        Outcome refused = run(shorter, "journeys", "--date", D1.toString());
        assertEquals(TrueRoi.EXIT_FAILED, refused.code(), refused.err());
        assertTrue(
                refused.err()
                        .contains("the rules changed since the warehouse was built: "
                                + "journeys (trueroi.journeys.lookback-days: 30 -> 14)"),
                refused.err());
        assertTrue(refused.err().contains("run with --full-refresh"), refused.err());
        assertEquals(0, w.read(Table.RUN_LOCKS).count(), "the refused run let its lock go");

        TrueRoiConfig channels = world.config(
                "trueroi.channels = [{ channel = \"Ads\", group = \"Paid\", when { source_system = [\"ads\"] } }]\n");
        JobFailure e =
                assertThrows(JobFailure.class, () -> RuleFingerprints.read(w).check(channels, List.of(Stage.JOURNEYS)));
        assertTrue(e.getMessage().contains("journeys (trueroi.channels: ("), e.getMessage());

        // The bootstrap's settings decide only tables rebuilt whole every run: changing them is no rule change.
        RuleFingerprints.read(w).record(w, before, Stage.ATTRIBUTION, first);
        RuleFingerprints.read(w)
                .check(
                        world.config("trueroi.attribution.intervals.replicates = 0\n"
                                + "trueroi.attribution.intervals.level = 0.5\n"),
                        List.of(Stage.ATTRIBUTION));
        JobFailure model = assertThrows(JobFailure.class, () -> RuleFingerprints.read(w)
                .check(world.config("trueroi.attribution.shapley.min-set-journeys = 5\n"), List.of(Stage.ATTRIBUTION)));
        assertTrue(
                model.getMessage().contains("trueroi.attribution.shapley.min-set-journeys: 20 -> 5"),
                model.getMessage());
        // So do the lifetime value's: its tables are rebuilt whole, and each fit's row says its unit.
        RuleFingerprints.read(w).record(w, before, Stage.MARTS, first);
        RuleFingerprints.read(w)
                .check(
                        world.config("trueroi.marts.clv.time-unit = weeks\n"
                                + "trueroi.marts.clv.annual-discount-rate = 0.2\n"),
                        List.of(Stage.MARTS));
        JobFailure paths = assertThrows(JobFailure.class, () -> RuleFingerprints.read(w)
                .check(world.config("trueroi.marts.top-paths = 5\n"), List.of(Stage.MARTS)));
        assertTrue(paths.getMessage().contains("trueroi.marts.top-paths: 50 -> 5"), paths.getMessage());

        Outcome rebuilt = run(shorter, "journeys", "--date", D1.toString(), "--full-refresh");
        assertEquals(TrueRoi.EXIT_FAILED, rebuilt.code(), rebuilt.err());
        assertTrue(rebuilt.err().contains(Table.IDENTITY_MAP.qualifiedName()), rebuilt.err());
        assertFalse(rebuilt.err().contains("rules changed"), rebuilt.err());
    }

    /**
     * Lift experiments calibrate the incremental credits: a new one is a rule change of attribution.
     * None is recorded as no setting, so a warehouse recorded before experiments existed passes.
     */
    @Test
    void aNewLiftExperimentIsARuleChange(SparkSession spark) {
        TestWorld world = new TestWorld(tmp).day(D1);
        Warehouse w = new Warehouse(spark, world.warehouse.toString());
        RuleFingerprints.read(w)
                .record(w, world.config(""), Stage.ATTRIBUTION, RunContext.start("attribution", D1, D1, null));
        assertFalse(
                w.read(Table.RULE_FINGERPRINTS)
                        .filter("stage = 'attribution'")
                        .first()
                        .getString(2)
                        .contains("experiments"),
                "no experiments, no setting");
        JobFailure tested = assertThrows(JobFailure.class, () -> RuleFingerprints.read(w)
                .check(
                        world.config(
                                "trueroi.experiments = [{ name = t, channel = \"Baidu SEM\", from = \"2026-09-01\","
                                        + " to = \"2026-09-14\", treated-conversions = 100, incremental-conversions = 5,"
                                        + " lo = 1, hi = 9 }]\n"),
                        List.of(Stage.ATTRIBUTION)));
        assertTrue(tested.getMessage().contains("attribution (trueroi.experiments"), tested.getMessage());
    }

    /**
     * Issue 28, defect 16: a night hashed with another key (the public development key mixed into
     * a real warehouse) split identities silently. The key's fingerprint is recorded with ingest's
     * rules, and a run with another key is refused; the fingerprint is not the key.
     */
    @Test
    void aRunWithAnotherHashKeyIsRefused(SparkSession spark) {
        TestWorld world = new TestWorld(tmp).day(D1);
        Warehouse w = new Warehouse(spark, world.warehouse.toString());
        TrueRoiConfig real = world.config("");
        RuleFingerprints.read(w).record(w, real, Stage.INGEST, RunContext.start("ingest", D1, D1, null));
        String recorded = w.read(Table.RULE_FINGERPRINTS)
                .filter("stage = 'ingest'")
                .first()
                .getAs("settings");
        assertTrue(recorded.contains("hash-key-fingerprint"), recorded);
        assertFalse(recorded.contains(TestWorld.HASH_KEY), "the fingerprint is not the key");
        RuleFingerprints.read(w).check(real, List.of(Stage.INGEST));

        TrueRoiConfig other = io.trueroi.config.TrueRoiConfig.load(
                List.of(world.confFile("")), java.util.Map.of("TRUEROI_HASH_KEY", "another-key-of-enough-length"));
        JobFailure e =
                assertThrows(JobFailure.class, () -> RuleFingerprints.read(w).check(other, List.of(Stage.INGEST)));
        assertTrue(e.getMessage().contains("ingest (trueroi.security.hash-key-fingerprint: "), e.getMessage());
        assertTrue(
                e.getMessage().contains("the PII hash key is not the one the warehouse was built with"),
                e.getMessage());
        assertTrue(e.getMessage().contains("--full-refresh"), e.getMessage());
    }
}
