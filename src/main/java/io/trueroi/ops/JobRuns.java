package io.trueroi.ops;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import io.trueroi.catalog.Table;
import io.trueroi.spark.Warehouse;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * {@code ops.job_runs}: rows appended as a run goes. A command's run gets a {@link #STARTED} row
 * first (its ended_at is its start, seconds 0), and a {@link #SUCCEEDED} or {@link #FAILED} row
 * when it ends; each stage of a nightly run gets the latter. A run's status is its latest row. A
 * run killed before its end row has none: the next run finds it ({@link #markAbandoned}) and
 * appends {@link #ABANDONED} with its start time. Appends are blind, so runs of different jobs
 * never conflict.
 *
 * <p>Cost: one small Delta append per row; finding abandoned runs ({@link #states}) reads this
 * table and the lock table once per run.
 */
public final class JobRuns {
    public static final String STARTED = "STARTED";
    public static final String SUCCEEDED = "SUCCEEDED";
    public static final String FAILED = "FAILED";
    /** A run that started and never recorded its end (killed), as found by a later run. */
    public static final String ABANDONED = "ABANDONED";

    static final StructType SOURCE = new StructType()
            .add("source", DataTypes.StringType)
            .add("table", DataTypes.StringType)
            .add("files", DataTypes.LongType)
            .add("rows_read", DataTypes.LongType)
            .add("rows_written", DataTypes.LongType)
            .add("rows_quarantined", DataTypes.LongType)
            .add("rows_duplicate", DataTypes.LongType);

    public static final StructType SCHEMA = new StructType()
            .add("run_id", DataTypes.StringType, false)
            .add("parent_run_id", DataTypes.StringType)
            .add("job", DataTypes.StringType, false)
            .add("date_from", DataTypes.DateType, false)
            .add("date_to", DataTypes.DateType, false)
            .add("status", DataTypes.StringType, false)
            .add("started_at", DataTypes.TimestampType, false)
            .add("ended_at", DataTypes.TimestampType, false)
            .add("seconds", DataTypes.createDecimalType(12, 3), false)
            .add("message", DataTypes.StringType)
            .add("sources", DataTypes.createArrayType(SOURCE))
            .add("counters", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType))
            // What a stage read and left: Delta versions by qualified name, and its rules' hash.
            .add("inputs", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType))
            .add("outputs", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType))
            .add("rules_sha256", DataTypes.StringType);

    private JobRuns() {}

    /** Appends the run's STARTED row: the first thing a run writes, so a run that dies is seen. */
    public static void started(Warehouse warehouse, RunContext run) {
        append(warehouse, run, STARTED, run.startedAt(), null, List.of(), Map.of(), StageState.NONE);
    }

    /** A run still holding its lock parts whose end row is not written yet (shown, never stored). */
    public static final String RUNNING = "RUNNING";

    /**
     * Every run with its latest row, and {@code state}: that row's status, except that a run whose
     * latest row is STARTED is {@link #RUNNING} while it holds a lock part ({@link RunLock}: a live
     * run holds its parts until it ends; a killed one's are taken over once stale) and
     * {@link #ABANDONED} otherwise. Empty when the table does not exist. One read of each table,
     * one shuffle by run_id.
     */
    public static Dataset<Row> states(Warehouse warehouse) {
        if (!warehouse.exists(Table.JOB_RUNS)) {
            return warehouse
                    .spark()
                    .createDataFrame(List.of(), SCHEMA)
                    .withColumn("state", lit(null).cast("string"));
        }
        Dataset<Row> latest = warehouse
                .read(Table.JOB_RUNS)
                .withColumn(
                        "_rn",
                        row_number()
                                .over(Window.partitionBy("run_id")
                                        .orderBy(
                                                col("status").equalTo(STARTED).asc(),
                                                col("ended_at").desc())))
                .filter(col("_rn").equalTo(1))
                .drop("_rn");
        Dataset<Row> holders = warehouse.exists(Table.RUN_LOCKS)
                ? warehouse
                        .read(Table.RUN_LOCKS)
                        .select(col("run_id").as("_holder"))
                        .distinct()
                : warehouse
                        .spark()
                        .emptyDataFrame()
                        .select(lit(null).cast("string").as("_holder"));
        return latest.join(holders, col("run_id").equalTo(col("_holder")), "left_outer")
                .withColumn(
                        "state",
                        when(
                                        col("status").equalTo(STARTED),
                                        when(col("_holder").isNotNull(), lit(RUNNING))
                                                .otherwise(lit(ABANDONED)))
                                .otherwise(col("status")))
                .drop("_holder");
    }

    /**
     * Appends an ABANDONED row for every run, other than {@code current}, whose {@link #states}
     * state is ABANDONED and not recorded yet. Returns their run ids.
     */
    public static List<String> markAbandoned(Warehouse warehouse, RunContext current) {
        // Abandoned runs are the rare killed ones: a handful of rows reach the driver.
        List<Row> found = states(warehouse)
                .filter(col("status")
                        .equalTo(STARTED)
                        .and(col("state").equalTo(ABANDONED))
                        .and(col("run_id").notEqual(current.runId())))
                .select("run_id", "parent_run_id", "job", "date_from", "date_to", "started_at")
                .orderBy("started_at")
                .collectAsList();
        if (found.isEmpty()) {
            return List.of();
        }
        Instant now = Instant.now();
        List<Row> rows = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (Row f : found) {
            ids.add(f.getString(0));
            rows.add(row(
                    f.getString(0),
                    f.getString(1),
                    f.getString(2),
                    f.getDate(3).toLocalDate(),
                    f.getDate(4).toLocalDate(),
                    ABANDONED,
                    f.getTimestamp(5).toInstant(),
                    now,
                    "never ended (killed?); found by run " + current.runId(),
                    List.of(),
                    Map.of(),
                    StageState.NONE));
        }
        warehouse.append(warehouse.spark().createDataFrame(rows, SCHEMA), Table.JOB_RUNS);
        return ids;
    }

    /**
     * What a stage's run read and left: its last date, each table it declares it reads with the Delta version it
     * read (one it did not read: the version there was, -1 for none), each table it writes with
     * the version it left, and the hash of its rules ({@link RuleFingerprints#stateOfRules}).
     * Tables by qualified name.
     */
    public record StageState(LocalDate to, Map<String, Long> inputs, Map<String, Long> outputs, String rules) {
        /** A job's own row, or a stage that failed before it knew. */
        public static final StageState NONE = new StageState(null, Map.of(), Map.of(), null);

        /** The state as a stage's last successful row recorded it, or null for none. */
        static StageState of(Row row) {
            if (row == null) {
                return null;
            }
            int in = row.fieldIndex("inputs");
            int out = row.fieldIndex("outputs");
            int rules = row.fieldIndex("rules_sha256");
            if (row.isNullAt(in) || row.isNullAt(out) || row.isNullAt(rules)) {
                return null;
            }
            return new StageState(
                    row.getDate(row.fieldIndex("date_to")).toLocalDate(),
                    Map.copyOf(CollectionConverters.asJava(row.<String, Long>getMap(in))),
                    Map.copyOf(CollectionConverters.asJava(row.<String, Long>getMap(out))),
                    row.getString(rules));
        }
    }

    /**
     * Each of these jobs' latest SUCCEEDED row for a last date up to {@code to}, by job: the state
     * its tables were left in (a run for an earlier date cannot follow a later one, short of a
     * rebuild). One query; the driver receives at most one row per job.
     */
    public static Map<String, StageState> lastSucceeded(Warehouse warehouse, List<String> jobs, LocalDate to) {
        Map<String, StageState> out = new java.util.HashMap<>();
        if (!warehouse.exists(Table.JOB_RUNS)
                || !java.util.Arrays.asList(warehouse.read(Table.JOB_RUNS).columns())
                        .contains("rules_sha256")) {
            return out;
        }
        warehouse
                .read(Table.JOB_RUNS)
                .filter(col("status")
                        .equalTo(SUCCEEDED)
                        .and(col("job").isin(jobs.toArray()))
                        .and(col("date_to").leq(lit(Date.valueOf(to)))))
                .withColumn(
                        "_rn",
                        row_number()
                                .over(Window.partitionBy("job")
                                        .orderBy(col("ended_at").desc())))
                .filter(col("_rn").equalTo(1))
                .collectAsList()
                .forEach(r -> {
                    StageState s = StageState.of(r);
                    if (s != null) {
                        out.put(r.getAs("job"), s);
                    }
                });
        return out;
    }

    /** Appends the run's end row (or a stage's), with what it counted and read. */
    public static void record(
            Warehouse warehouse,
            RunContext run,
            String status,
            String message,
            List<SourceStats> sources,
            Map<String, Long> counters,
            StageState state) {
        append(warehouse, run, status, Instant.now(), message, sources, counters, state);
    }

    private static void append(
            Warehouse warehouse,
            RunContext run,
            String status,
            Instant end,
            String message,
            List<SourceStats> sources,
            Map<String, Long> counters,
            StageState state) {
        Row r = row(
                run.runId(),
                run.parentRunId(),
                run.job(),
                run.from(),
                run.to(),
                status,
                run.startedAt(),
                end,
                message,
                sources,
                counters,
                state);
        warehouse.append(warehouse.spark().createDataFrame(List.of(r), SCHEMA), Table.JOB_RUNS);
    }

    private static Row row(
            String runId,
            String parentRunId,
            String job,
            LocalDate from,
            LocalDate to,
            String status,
            Instant start,
            Instant end,
            String message,
            List<SourceStats> sources,
            Map<String, Long> counters,
            StageState state) {
        List<Row> src = new ArrayList<>();
        for (SourceStats s : sources) {
            src.add(RowFactory.create(
                    s.source(),
                    s.table(),
                    s.files(),
                    s.rowsRead(),
                    s.rowsWritten(),
                    s.rowsQuarantined(),
                    s.rowsDuplicate()));
        }
        return RowFactory.create(
                runId,
                parentRunId,
                job,
                Date.valueOf(from),
                Date.valueOf(to),
                status,
                Timestamp.from(start),
                Timestamp.from(end),
                new java.math.BigDecimal(end.toEpochMilli() - start.toEpochMilli()).movePointLeft(3),
                // A failure's message can quote an input value; it is stored redacted like quarantine.
                io.trueroi.ingest.Pii.redactText(message),
                CollectionConverters.asScala(src).toSeq(),
                scala.collection.immutable.Map.from(CollectionConverters.asScala(counters)),
                scala.collection.immutable.Map.from(CollectionConverters.asScala(state.inputs())),
                scala.collection.immutable.Map.from(CollectionConverters.asScala(state.outputs())),
                state.rules());
    }
}
