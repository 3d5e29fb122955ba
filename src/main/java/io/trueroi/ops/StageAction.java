package io.trueroi.ops;

import io.trueroi.catalog.Table;
import io.trueroi.config.TrueRoiConfig;
import io.trueroi.spark.JobGroup;
import io.trueroi.spark.Warehouse;
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
    private final String stage;
    protected final TrueRoiConfig config;
    protected final Warehouse warehouse;
    protected final RunContext run;

    protected StageAction(String stage, TrueRoiConfig config, Warehouse warehouse, RunContext run) {
        this.stage = Objects.requireNonNull(stage, "stage");
        this.config = Objects.requireNonNull(config, "config");
        this.warehouse = Objects.requireNonNull(warehouse, "warehouse");
        this.run = Objects.requireNonNull(run, "run");
    }

    /** The stage's name, which is also the job that runs it alone: {@code identity}, ... */
    public final String stage() {
        return stage;
    }

    /** Runs the stage for the run's dates; throws to fail it. */
    public abstract R execute();

    protected final SparkSession spark() {
        return warehouse.spark();
    }

    /** Runs one step of the stage under the run's job group, described as {@code <stage>: <step>}. */
    protected final <T> T step(String step, Supplier<T> work) {
        return JobGroup.run(spark(), run.runId(), stage + ": " + step, work);
    }

    protected final void step(String step, Runnable work) {
        JobGroup.run(spark(), run.runId(), stage + ": " + step, work);
    }

    /** Fails the stage, naming the job to run first, unless every input table exists. */
    protected final void require(Table... inputs) {
        for (Table t : inputs) {
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
