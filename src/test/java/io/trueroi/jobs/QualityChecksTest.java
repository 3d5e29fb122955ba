package io.trueroi.jobs;

import static io.trueroi.testing.DatasetAssert.assertDatasetEquals;
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
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ops.quality_checks} on a real night, and a failed error check: a duplicated journey planted
 * in {@code journey.journeys} (a silent fault upstream) makes the attribution stage write every
 * credit of that journey twice. The run must fail with exit 1 and one line naming the check and the
 * table, leave the stage's tables as they were before it, and record the failed checks.
 *
 * <p>The world: two till sales on 2026-10-01, member cards M1 (100.00) and M2 (50.00), no touches:
 * two converting journeys, each credited whole to {@code (none)} by every model; so the doubled
 * journey repeats one key per model (7 models in the default config).
 */
@ExtendWith(SharedSpark.class)
class QualityChecksTest {
    static final LocalDate D = LocalDate.of(2026, 10, 1);
    static final String TILL = TestWorld.TWO_TILL_SALES;

    @TempDir
    Path tmp;

    static int run(Path conf, StringWriter err, String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--conf";
        all[args.length + 1] = conf.toString();
        return TrueRoi.run(all, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), TestWorld.ENV);
    }

    /** Every table outside ops, with its Delta version. */
    static Map<Table, Long> dataVersions(Warehouse warehouse) {
        Map<Table, Long> versions = new java.util.TreeMap<>();
        for (Table t : Table.values()) {
            if (t.layer() != io.trueroi.catalog.Layer.OPS) {
                versions.put(t, warehouse.version(t));
            }
        }
        return versions;
    }

    /**
     * Issue 40: the same night again has nothing to do. Ingest finds no new file and the stages
     * above it find their inputs, outputs and rules as they left them: no table outside ops gets
     * a commit, and each skipped stage says so in job_runs. Nor are ingest's checks run again: its
     * tables are as the first night checked them, so the re-run adds no quality_checks row.
     */
    static void assertTheSameNightAgainCommitsNothing(Path conf, Warehouse warehouse) {
        StringWriter err = new StringWriter();
        Map<Table, Long> versions = dataVersions(warehouse);
        long checks = warehouse.read(Table.QUALITY_CHECKS).count();
        assertEquals(0, run(conf, err, "nightly", "--date", "2026-10-01"), err.toString());
        assertEquals(versions, dataVersions(warehouse));
        assertEquals(checks, warehouse.read(Table.QUALITY_CHECKS).count());
        assertEquals(
                List.of("attribution", "identity", "journeys", "marts"),
                warehouse
                        .read(Table.JOB_RUNS)
                        .filter("counters['skipped'] = 1")
                        .select("job")
                        .orderBy("job")
                        .as(org.apache.spark.sql.Encoders.STRING())
                        .collectAsList());
    }

    /**
     * The failed checks are recorded: each model's credits of the doubled journey repeat its keys,
     * and its conversion's credits sum to 2; the stage's job_runs row says FAILED.
     */
    static void assertFailureRecorded(Warehouse warehouse) {
        Dataset<Row> failedChecks = warehouse.read(Table.QUALITY_CHECKS).filter("NOT passed AND stage = 'attribution'");
        assertEquals(
                List.of("sums", "unique"),
                failedChecks
                        .filter("`table` = 'attribution.credits'")
                        .select("check")
                        .orderBy("check")
                        .as(org.apache.spark.sql.Encoders.STRING())
                        .collectAsList());
        assertEquals(
                "FAILED",
                warehouse
                        .read(Table.JOB_RUNS)
                        .filter("job = 'attribution'")
                        .orderBy(org.apache.spark.sql.functions.col("ended_at").desc())
                        .first()
                        .getAs("status"));
    }

    @Test
    void aNightRecordsItsChecksAndAPlantedDuplicateFailsAndPutsTablesBack(SparkSession spark) {
        TestWorld world = new TestWorld(tmp).day(D).file("pos_transactions", D, "pos_SH001.csv", TILL);
        Path conf = world.confFile("trueroi.quality.enabled = true");
        StringWriter err = new StringWriter();
        assertEquals(0, run(conf, err, "nightly", "--date", "2026-10-01"), err.toString());

        Warehouse warehouse = new Warehouse(spark, world.warehouse.toString());
        Dataset<Row> checks = warehouse.read(Table.QUALITY_CHECKS);
        // Every stage checked what it wrote, and on a correct night no error check failed.
        assertEquals(
                List.of("attribution", "identity", "ingest", "journeys", "marts"),
                checks.select("stage")
                        .distinct()
                        .orderBy("stage")
                        .as(org.apache.spark.sql.Encoders.STRING())
                        .collectAsList());
        assertEquals(0, checks.filter("severity = 'error' AND NOT passed").count());
        assertEquals(
                1,
                checks.filter("stage = 'attribution' AND `table` = 'attribution.credits' AND `check` = 'sums'")
                        .count());

        assertTheSameNightAgainCommitsNothing(conf, warehouse);

        // The fault: one converting journey twice (a till sale no touch preceded: one (none) row
        // per model, so as many repeated keys as models, nine).
        Dataset<Row> journeys = warehouse.read(Table.JOURNEYS);
        warehouse.append(journeys.filter("converted").limit(1), Table.JOURNEYS);
        List<Table> attributionTables = List.of(
                Table.CREDITS, Table.MARKOV_DAILY_COUNTS, Table.MARKOV_REMOVAL_EFFECTS, Table.MARKOV_TRANSITIONS);
        List<Dataset<Row>> before = attributionTables.stream()
                .map(t -> warehouse.read(t).drop("run_id").localCheckpoint())
                .toList();

        StringWriter failed = new StringWriter();
        assertEquals(TrueRoi.EXIT_FAILED, run(conf, failed, "attribution", "--date", "2026-10-01"), failed.toString());
        String line = failed.toString().strip();
        assertEquals(1, line.lines().count(), line);
        assertTrue(
                line.startsWith("trueroi: attribution failed: stage attribution: quality check unique on "
                        + "attribution.credits: 9 key(s) repeated over [model, journey_id, touch_index]"),
                line);
        assertTrue(line.contains("put back as they were before the stage"), line);

        for (int i = 0; i < attributionTables.size(); i++) {
            assertDatasetEquals(
                    before.get(i), warehouse.read(attributionTables.get(i)).drop("run_id"));
        }
        assertEquals(
                "RESTORE",
                io.delta.tables.DeltaTable.forPath(spark, warehouse.path(Table.CREDITS))
                        .history(1)
                        .first()
                        .getAs("operation"));
        assertFailureRecorded(warehouse);
    }
}
