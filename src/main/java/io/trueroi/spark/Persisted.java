package io.trueroi.spark;

import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.LogicalRDD;
import org.apache.spark.storage.StorageLevel;

/**
 * The datasets one action keeps (memory, spilling to disk) while it runs, released together, the
 * newest first, when it closes.
 *
 * <p>Why newest first: unpersisting a dataset while a persisted dataset built on it is still
 * registered makes Spark's cache manager re-plan that dependent, and re-planning a Delta scan runs
 * Delta's file-skipping jobs, for a cache that is about to go anyway. Newest first, no dependent
 * is left to re-plan, so releasing costs nothing but the blocks' removal.
 *
 * <p>Two ways to keep: {@link #keep} caches lazily and leaves the plan whole, so the optimizer
 * still sees through it; {@link #materialize} computes now and gives a leaf, for a dataset built
 * on other kept ones. A cached plan carries every cached plan under it: each job's plan-change
 * event (adaptive execution posts one per stage, UI or not) prints them all, and a DAG of caches
 * that share inputs prints the shared ones once per path, which grows quickly with depth.
 */
public final class Persisted implements AutoCloseable {
    private final Deque<Runnable> releases = new ArrayDeque<>();

    /** Marks {@code data} to be kept once computed; returns the dataset to use from now on. */
    public Dataset<Row> keep(Dataset<Row> data) {
        Dataset<Row> kept = data.persist(StorageLevel.MEMORY_AND_DISK());
        releases.push(kept::unpersist);
        return kept;
    }

    /**
     * Computes {@code data} now (one job, under the caller's job group) and keeps its rows (memory,
     * spilling to disk); the dataset returned reads them through a plan of one leaf, which keeps
     * {@code data}'s statistics for the planner.
     */
    public Dataset<Row> materialize(Dataset<Row> data) {
        Dataset<Row> leaf = data.localCheckpoint(true, StorageLevel.MEMORY_AND_DISK());
        var rdd = ((LogicalRDD) leaf.queryExecution().logical()).rdd();
        releases.push(() -> rdd.unpersist(false));
        return leaf;
    }

    /** Releases every kept dataset, the newest first. */
    @Override
    public void close() {
        while (!releases.isEmpty()) {
            releases.pop().run();
        }
    }
}
