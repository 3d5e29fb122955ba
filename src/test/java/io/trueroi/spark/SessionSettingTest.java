package io.trueroi.spark;

import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueroi.testing.SharedSpark;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A setting one stage needs holds on a cloned session only: the identity stage's caches are built
 * without the columnar encodings, and the session every stage shares keeps its own setting.
 */
@ExtendWith(SharedSpark.class)
class SessionSettingTest {
    static final String COMPRESSED = "spark.sql.inMemoryColumnarStorage.compressed";

    @TempDir
    Path tmp;

    @Test
    void aCloneCachesUnencodedAndTheSharedSessionIsUntouched(SparkSession spark) {
        assertFalse(spark.conf().contains(COMPRESSED), "the shared session leaves it at Spark's default");
        Warehouse shared = new Warehouse(spark, tmp.toString());
        Warehouse clone = shared.withSessionSetting(COMPRESSED, "false");
        assertEquals("false", clone.spark().conf().get(COMPRESSED));
        assertFalse(spark.conf().contains(COMPRESSED), "setting the clone leaves the shared session as it was");
        assertEquals(shared.root(), clone.root());
        // One repeated 40-character string: dictionary and run-length encoding shrink it to next to
        // nothing, unencoded it is at least its 40 bytes a row (by construction). The factor of 10
        // leaves room for Spark's batch and block overheads to change without the test losing its point.
        int rows = 50_000;
        long encoded;
        try (Persisted cached = new Persisted()) {
            encoded = cachedBytes(spark, cached.keep(repeated(spark, rows)));
        }
        long plain;
        try (Persisted cached = new Persisted()) {
            plain = cachedBytes(spark, cached.keep(repeated(clone.spark(), rows)));
        }
        assertTrue(plain >= 40L * rows, "unencoded: " + plain + " bytes");
        assertTrue(encoded * 10 < plain, "encoded " + encoded + " bytes, unencoded " + plain);
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
        return Arrays.stream(spark.sparkContext().getRDDStorageInfo())
                .mapToLong(i -> i.memSize())
                .sum();
    }
}
