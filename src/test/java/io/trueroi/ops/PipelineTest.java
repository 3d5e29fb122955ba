package io.trueroi.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueroi.catalog.Stage;
import io.trueroi.catalog.Table;
import io.trueroi.config.TrueRoiConfig;
import io.trueroi.ingest.IngestAction;
import io.trueroi.spark.Warehouse;
import io.trueroi.testing.SharedSpark;
import io.trueroi.testing.TestWorld;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner's guarantees (issue 40): a stage reads only what {@link Stage} declares, and a failed
 * stage has exactly its own commits undone, never another run's.
 */
@ExtendWith(SharedSpark.class)
class PipelineTest {
    static final LocalDate D = LocalDate.of(2026, 10, 1);
    static final String TILL = TestWorld.TWO_TILL_SALES;

    @TempDir
    Path tmp;

    /** A stage of the test's own making: runs {@code work} on the view the pipeline gives it. */
    static final class Scripted extends StageAction<StageResult> {
        private final java.util.function.Consumer<Warehouse> work;

        Scripted(
                Stage stage,
                TrueRoiConfig config,
                Warehouse w,
                RunContext run,
                java.util.function.Consumer<Warehouse> work) {
            super(stage, config, w, run);
            this.work = work;
        }

        @Override
        public StageResult execute() {
            work.accept(warehouse);
            return new StageResult() {
                @Override
                public List<TableWritten> tables() {
                    return List.of();
                }

                @Override
                public Map<String, Long> counters() {
                    return Map.of();
                }
            };
        }
    }

    @Test
    void aStageThatReadsATableItDoesNotDeclareFailsNamingIt(SparkSession spark) {
        TestWorld world = new TestWorld(tmp);
        TrueRoiConfig config = world.config("");
        Warehouse w = new Warehouse(spark, world.warehouse.toString());
        // The marts read journeys, credits and spend, never the identity map: a read of it is a
        // dependency the declaration does not show.
        Pipeline p = new Pipeline(
                config,
                w,
                (stage, view, run) -> new Scripted(stage, config, view, run, v -> v.read(Table.IDENTITY_MAP)));
        StageFailure e = assertThrows(
                StageFailure.class, () -> p.run(RunContext.start("marts", D, D, null), List.of(Stage.MARTS)));
        assertEquals(
                "stage marts: stage marts reads identity.identity_map, which it does not declare: add it to "
                        + "Stage.MARTS reads",
                e.getMessage());
        // A declared read passes, and its version is on the stage's job_runs row.
        w.overwrite(
                spark.createDataFrame(List.of(), new StructType().add("journey_id", DataTypes.StringType)),
                Table.JOURNEYS);
        new Pipeline(
                        config,
                        w,
                        (stage, view, run) -> new Scripted(stage, config, view, run, v -> v.read(Table.JOURNEYS)))
                .run(RunContext.start("marts", D, D, null), List.of(Stage.MARTS));
        Row last = w.read(Table.JOB_RUNS)
                .filter("job = 'marts' AND status = 'SUCCEEDED'")
                .first();
        // The one it read at its version (0, the table's first commit); every other declared input
        // at the version there was: none (-1).
        assertEquals(
                Map.of(
                        "journey.journeys", 0L,
                        "journey.touchpoints", -1L,
                        "journey.conversions", -1L,
                        "attribution.credits", -1L,
                        "attribution.credit_replicates", -1L,
                        "silver.ad_spend", -1L),
                scala.jdk.javaapi.CollectionConverters.asJava(
                        last.<scala.collection.Map<String, Long>>getAs("inputs")));
    }

    /**
     * A stage that throws after two commits (one to a table it created, one to a table that was
     * there) leaves both as they were before it: the first removed, the second at its old version.
     */
    @Test
    void aStageThatThrowsHasItsOwnCommitsUndone(SparkSession spark) {
        TestWorld world = new TestWorld(tmp);
        TrueRoiConfig config = world.config("");
        Warehouse w = new Warehouse(spark, world.warehouse.toString());
        StructType schema =
                new StructType().add("as_of_date", DataTypes.StringType).add("rank", DataTypes.IntegerType);
        w.overwrite(
                spark.createDataFrame(List.of(org.apache.spark.sql.RowFactory.create("2026-09-30", 1)), schema),
                Table.PATH_SUMMARY);
        long before = w.version(Table.PATH_SUMMARY);
        Pipeline p = new Pipeline(
                config,
                w,
                (stage, view, run) -> new Scripted(stage, config, view, run, v -> {
                    v.overwrite(
                            spark.createDataFrame(
                                    List.of(org.apache.spark.sql.RowFactory.create("2026-10-01", 1)), schema),
                            Table.PATH_SUMMARY);
                    v.overwrite(
                            spark.createDataFrame(
                                    List.of(org.apache.spark.sql.RowFactory.create("2026-10-01", 1)), schema),
                            Table.COHORT_LTV);
                    throw new IllegalStateException("boom after two commits");
                }));
        StageFailure e = assertThrows(
                StageFailure.class, () -> p.run(RunContext.start("marts", D, D, null), List.of(Stage.MARTS)));
        assertTrue(
                e.getMessage().startsWith("stage marts: boom after two commits; 2 table(s) put back"), e.getMessage());
        assertFalse(w.exists(Table.COHORT_LTV));
        assertEquals(
                "2026-09-30",
                w.read(Table.PATH_SUMMARY)
                        .select("as_of_date")
                        .as(Encoders.STRING())
                        .first());
        assertEquals(before + 2, w.version(Table.PATH_SUMMARY), "one commit of the stage's, one RESTORE");
    }

    /**
     * Airflow ingests the source groups in parallel, each under its own lock part. Here the pos
     * ingest runs and commits while the wechat ingest is under way (between its versions taken and
     * its own writes); then the wechat ingest fails an error check (freshness made an error: its
     * only delivery is a day old). The pos rows, its quarantine rows and its manifest rows must
     * survive; the wechat ingest's own rows must not. Before issue 40 the rollback restored every
     * table ingest writes to its version before the wechat stage, deleting the pos tables.
     */
    @Test
    void aFailedIngestUndoesOnlyItsOwnGroupsCommitsWhileAnotherGroupsSurvive(SparkSession spark) {
        TestWorld world = new TestWorld(tmp)
                .day(D)
                .file("pos_transactions", D, "pos_SH001.csv", TILL + "SH001,上海,S3,not a time,M3,,1.00,CNY,SALE,\n")
                .file(
                        "wechat_events",
                        D,
                        "events.jsonl",
                        "{\"ToUserName\":\"gh_t\",\"FromUserName\":\"oA\",\"CreateTime\":1790000000,"
                                + "\"MsgType\":\"event\",\"Event\":\"subscribe\",\"EventKey\":\"qrscene_a\"}\nnot json\n");
        TrueRoiConfig config = world.config("trueroi.quality.enabled = true\n"
                + "trueroi.quality.severity.freshness = error\n"
                + "trueroi.ingest.max-reject-rate = 0.9\n");
        Warehouse w = new Warehouse(spark, world.warehouse.toString());

        Runnable posIngest = () -> new Pipeline(
                        config, w, (stage, view, run) -> new IngestAction(config, view, run).sources(Set.of("pos")))
                .sourceGroups(Set.of("pos"))
                .run(RunContext.start("ingest", D, D, null), List.of(Stage.INGEST));
        Pipeline wechat = new Pipeline(config, w, (stage, view, run) -> {
                    IngestAction real = new IngestAction(config, view, run).sources(Set.of("wechat"));
                    return new Interleaved(real, config, view, run, posIngest);
                })
                .sourceGroups(Set.of("wechat"));
        StageFailure e = assertThrows(
                StageFailure.class, () -> wechat.run(RunContext.start("ingest", D, D, null), List.of(Stage.INGEST)));
        assertTrue(e.getMessage().contains("quality check freshness on silver.wechat_users"), e.getMessage());

        // The pos group's rows, quarantine and manifest are whole.
        assertEquals(2, w.read(Table.POS_TRANSACTIONS).count());
        assertEquals(
                List.of("pos_transactions"),
                w.read(Table.REJECTED_RECORDS)
                        .select("source")
                        .as(Encoders.STRING())
                        .collectAsList());
        assertEquals(
                List.of("pos_transactions"),
                w.read(Table.INGESTED_FILES)
                        .select("feed")
                        .as(Encoders.STRING())
                        .collectAsList());
        // The wechat ingest's own commits are gone: its tables did not exist before it.
        assertFalse(w.exists(Table.WECHAT_EVENTS));
        assertFalse(w.exists(Table.WECHAT_USERS));
        // Its manifest rows were committed after the pos ones, which created the table, so they
        // were undone by deleting its own feeds' slice (a RESTORE would have removed the table).
        assertEquals(
                List.of("DELETE", "WRITE", "CREATE TABLE AS SELECT"),
                io.delta.tables.DeltaTable.forPath(spark, w.path(Table.INGESTED_FILES))
                        .history(3)
                        .select("operation")
                        .as(Encoders.STRING())
                        .collectAsList());
    }

    /** Runs {@code first} inside the stage, after the pipeline took its versions, then the real stage. */
    static final class Interleaved extends StageAction<StageResult> {
        private final StageAction<?> real;
        private final Runnable first;

        Interleaved(StageAction<?> real, TrueRoiConfig config, Warehouse w, RunContext run, Runnable first) {
            super(real.stage(), config, w, run);
            this.real = real;
            this.first = first;
        }

        @Override
        public Map<Table, String> owned() {
            return real.owned();
        }

        @Override
        public StageResult execute() {
            first.run();
            return real.execute();
        }
    }
}
