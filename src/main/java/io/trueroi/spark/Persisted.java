package io.trueroi.spark;

import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * The datasets one action keeps (memory, spilling to disk) while it runs, released together, the
 * newest first, when it closes.
 *
 * <p>Why newest first: unpersisting a dataset while a persisted dataset built on it is still
 * registered makes Spark's cache manager re-plan that dependent, and re-planning a Delta scan runs
 * Delta's file-skipping jobs, for a cache that is about to go anyway. Released oldest first, the
 * identity stage of a 31-day sample-data night spent 12 s of its 29 s there (jstack: {@code
 * CacheManager.recacheByCondition} under {@code unpersist}). Newest first, no dependent is left
 * to re-plan, so releasing costs nothing but the blocks' removal.
 *
 * <p>A holder made by {@link #uncompressed} also keeps its datasets without the columnar cache's
 * encodings, for an action that keeps mostly hashes.
 */
public final class Persisted implements AutoCloseable {
  /** Spark's switch for encoding the columnar cache's batches (dictionary, run-length, ...). */
  static final String COMPRESSED = "spark.sql.inMemoryColumnarStorage.compressed";

  private final Deque<Dataset<Row>> held = new ArrayDeque<>();
  private final Runnable onClose;

  /** Kept datasets are cached as the session's settings say (compressed, by Spark's default). */
  public Persisted() {
    this(() -> {});
  }

  private Persisted(Runnable onClose) {
    this.onClose = onClose;
  }

  /**
   * A holder whose datasets are cached without the columnar cache's encodings, for an action whose
   * kept columns are mostly hashes. Spark picks an encoding per column for every batch of 10,000
   * rows by first putting each value of the batch in a dictionary; a 32-byte hash never repeats
   * within a batch, so that pass copies and hashes every value and then keeps the bytes as they
   * were. In the identity stage of the 16M-event world it was 16% of the CPU samples (JFR);
   * without it, the over-merge guard, which builds the largest cache, took 134 s rather than 156 s,
   * and the stage 314 s rather than 344 s (means of three alternated runs).
   *
   * <p>The setting is the session's and is read when a cache is first computed, so it holds from
   * here until {@link #close}, which puts back the session's own value (or its absence). Close
   * releases the kept datasets first, so none of them is computed under the restored setting.
   * Caches that the action computes meanwhile outside this holder are uncompressed too.
   */
  public static Persisted uncompressed(SparkSession spark) {
    RuntimeConfig conf = spark.conf();
    String before = conf.contains(COMPRESSED) ? conf.get(COMPRESSED) : null;
    conf.set(COMPRESSED, "false");
    return new Persisted(() -> {
      if (before == null) {
        conf.unset(COMPRESSED);
      } else {
        conf.set(COMPRESSED, before);
      }
    });
  }

  /** Marks {@code data} to be kept once computed; returns the dataset to use from now on. */
  public Dataset<Row> keep(Dataset<Row> data) {
    Dataset<Row> kept = data.persist(StorageLevel.MEMORY_AND_DISK());
    held.push(kept);
    return kept;
  }

  /** Releases every kept dataset, the newest first, then restores any setting this holder changed. */
  @Override
  public void close() {
    try {
      while (!held.isEmpty()) {
        held.pop().unpersist();
      }
    } finally {
      onClose.run();
    }
  }
}
