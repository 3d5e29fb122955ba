package io.trueroi.spark;

import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * The datasets one action keeps (memory, spilling to disk) while it runs, released together, the
 * newest first, when it closes.
 *
 * <p>Why newest first: unpersisting a dataset while a persisted dataset built on it is still
 * registered makes Spark's cache manager re-plan that dependent, and re-planning a Delta scan runs
 * Delta's file-skipping jobs, for a cache that is about to go anyway. Newest first, no dependent
 * is left to re-plan, so releasing costs nothing but the blocks' removal.
 */
public final class Persisted implements AutoCloseable {
    private final Deque<Dataset<Row>> held = new ArrayDeque<>();

    /** Marks {@code data} to be kept once computed; returns the dataset to use from now on. */
    public Dataset<Row> keep(Dataset<Row> data) {
        Dataset<Row> kept = data.persist(StorageLevel.MEMORY_AND_DISK());
        held.push(kept);
        return kept;
    }

    /** Releases every kept dataset, the newest first. */
    @Override
    public void close() {
        while (!held.isEmpty()) {
            held.pop().unpersist();
        }
    }
}
