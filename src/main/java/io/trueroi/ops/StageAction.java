package io.trueroi.ops;

import io.trueroi.catalog.Layer;
import io.trueroi.catalog.Stage;
import io.trueroi.catalog.Table;
import io.trueroi.config.TrueRoiConfig;
import io.trueroi.spark.JobGroup;
import io.trueroi.spark.Warehouse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;

/**
 * One stage of the night (ingest, identity, journeys, attribution, marts), after Apache Iceberg's
 * Spark actions: a stage takes its options as methods, {@link #execute()} runs it and returns a
 * typed result, and every Spark job it starts runs under the run's job group with a description
 * naming the stage and the step ({@code journeys: write journey.touchpoints}), which the Spark UI,
 * the event log and the progress lines show.
 *
 * @param <R> what the stage reports: the tables it wrote and its named counts
 */
public abstract class StageAction<R extends StageResult> {
    private final Stage stage;
    protected final TrueRoiConfig config;
    protected final Warehouse warehouse;
    protected final RunContext run;
    private JobRuns.StageState previous;

    protected StageAction(Stage stage, TrueRoiConfig config, Warehouse warehouse, RunContext run) {
        this.stage = Objects.requireNonNull(stage, "stage");
        this.config = Objects.requireNonNull(config, "config");
        this.warehouse = Objects.requireNonNull(warehouse, "warehouse");
        this.run = Objects.requireNonNull(run, "run");
    }

    /** The stage this action runs ({@link Stage}: its name, reads and writes). */
    public final Stage stage() {
        return stage;
    }

    /**
     * The tables this run of the stage writes, each with the predicate of its rows that are this
     * run's alone, or null when the whole table is (what a rollback may put back). By default every
     * table the stage writes, whole: a stage's lock part keeps every other run of it out.
     */
    public Map<Table, String> owned() {
        Map<Table, String> owned = new LinkedHashMap<>();
        stage.writes().forEach(t -> owned.put(t, null));
        return owned;
    }

    /**
     * The state this stage's last successful run left (its date, the versions it read and left, its
     * rules), from which a stage may bring its tables up to date instead of rebuilding them; none
     * (the default) for a first run or a rebuild ({@code --full-refresh}).
     */
    public final StageAction<R> after(JobRuns.StageState last) {
        this.previous = last;
        return this;
    }

    /** What {@link #after} gave, or null. */
    protected final JobRuns.StageState previous() {
        return previous;
    }

    /** Runs the stage for the run's dates; throws to fail it. */
    public abstract R execute();

    protected final SparkSession spark() {
        return warehouse.spark();
    }

    /** Runs one step of the stage under the run's job group, described as {@code <stage>: <step>}. */
    protected final <T> T step(String step, Supplier<T> work) {
        return JobGroup.run(spark(), run.runId(), stage.id() + ": " + step, work);
    }

    protected final void step(String step, Runnable work) {
        JobGroup.run(spark(), run.runId(), stage.id() + ": " + step, work);
    }

    /**
     * The inputs this run cannot do without: by default every table the stage reads from a stage
     * above ingest (a silver table may be missing: its source group was never ingested). A stage
     * whose settings decide what it reads narrows this.
     */
    protected List<Table> required() {
        return stage.inputs().stream().filter(t -> t.layer() != Layer.SILVER).toList();
    }

    /** Fails, naming the job to run first, unless every {@link #required()} table exists. */
    protected final void requireInputs() {
        for (Table t : required()) {
            if (!warehouse.exists(t)) {
                throw new JobFailure(stage + ": " + t + " does not exist: run " + t.writtenBy() + " first");
            }
        }
    }

    /** A table this stage wrote, at its warehouse location. */
    protected final TableWritten written(Table table, long rows) {
        return new TableWritten(table, warehouse.path(table), rows);
    }
}
