package io.trueroi.spark;

import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueroi.testing.SharedSpark;
import java.util.Arrays;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** An uncompressed holder caches without the columnar encodings, and gives the session its setting back. */
@ExtendWith(SharedSpark.class)
class PersistedTest {
  @Test
  void anUncompressedHolderCachesUnencodedWhileOpenAndRestoresTheSetting(SparkSession spark) {
    assertFalse(spark.conf().contains(Persisted.COMPRESSED), "the shared session leaves it at Spark's default");
    // One repeated 40-character string: dictionary and run-length encoding shrink it to next to
    // nothing, unencoded it is at least its 40 bytes a row (by construction). Measured when this
    // test was written: 2,832 bytes encoded, 2,202,544 unencoded; the factor of 10 below leaves
    // room for Spark's batch and block overheads to change without the test losing its point.
    int rows = 50_000;
    long encoded;
    try (Persisted cached = new Persisted()) {
      encoded = cachedBytes(spark, cached.keep(repeated(spark, rows)));
    }
    long plain;
    try (Persisted cached = Persisted.uncompressed(spark)) {
      assertEquals("false", spark.conf().get(Persisted.COMPRESSED));
      plain = cachedBytes(spark, cached.keep(repeated(spark, rows)));
    }
    assertTrue(plain >= 40L * rows, "unencoded: " + plain + " bytes");
    assertTrue(encoded * 10 < plain, "encoded " + encoded + " bytes, unencoded " + plain);
    assertFalse(spark.conf().contains(Persisted.COMPRESSED), "unset again, as before");

    spark.conf().set(Persisted.COMPRESSED, "true");
    try {
      try (Persisted ignored = Persisted.uncompressed(spark)) {
        assertEquals("false", spark.conf().get(Persisted.COMPRESSED));
      }
      assertEquals("true", spark.conf().get(Persisted.COMPRESSED), "the session's own value is put back");
    } finally {
      spark.conf().unset(Persisted.COMPRESSED);
    }
  }

  private static Dataset<Row> repeated(SparkSession spark, int rows) {
    return spark.range(rows).select(lit("x".repeat(40)).as("s"));
  }

  /** Computes the cache and returns how many bytes it added to the block manager's memory. */
  private static long cachedBytes(SparkSession spark, Dataset<Row> kept) {
    long before = memory(spark);
    kept.count();
    return memory(spark) - before;
  }

  private static long memory(SparkSession spark) {
    return Arrays.stream(spark.sparkContext().getRDDStorageInfo()).mapToLong(i -> i.memSize()).sum();
  }
}
