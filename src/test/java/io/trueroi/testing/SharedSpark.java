package io.trueroi.testing;

import io.trueroi.config.TrueRoiConfig;
import io.trueroi.spark.SparkSessions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that gives every test class the same local SparkSession: one per JVM (the
 * suite runs in one fork), created on first use, stopped when the suite ends. Delta enabled, UTC
 * clock, two cores, two shuffle partitions, no UI: tiny inputs want little parallelism.
 *
 * <p>Use {@code @ExtendWith(SharedSpark.class)} and take a {@code SparkSession} parameter.
 */
public final class SharedSpark implements BeforeAllCallback, ParameterResolver {
    private static final String KEY = "trueroi.spark";

    /** The test session's own runtime settings, which {@link #beforeAll} puts back for every class. */
    static final Map<String, String> RUNTIME = Map.of("spark.sql.shuffle.partitions", "2");

    /**
     * A job run through {@code TrueRoi.run} with {@code conf/local.conf} applies that file's runtime
     * settings to the one session (32 shuffle partitions); each test class starts from the test
     * session's own again, so no class runs with what an earlier class's job left behind.
     */
    @Override
    public void beforeAll(ExtensionContext context) {
        SparkSession spark = session(context);
        RUNTIME.forEach(spark.conf()::set);
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        return p.getParameter().getType() == SparkSession.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        return session(e);
    }

    public static SparkSession session(ExtensionContext context) {
        return context.getRoot()
                .getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(KEY, k -> new Holder(build()), Holder.class)
                .spark;
    }

    static SparkSession build() {
        SparkSession.Builder b = SparkSession.builder().master("local[2]").appName("trueroi-tests");
        // The Spark settings of a local job run (conf/application.conf under conf/local.conf: codegen
        // limits, the file: file system), read from their one source, so tests run the job's code
        // paths; a session's Hadoop settings are fixed when it starts, so they must be set here.
        TrueRoiConfig.load(List.of(Path.of("conf/local.conf")), TestWorld.ENV)
                .spark()
                .conf()
                .forEach(b::config);
        // Then the test session's own: tiny inputs want two partitions, and no UI.
        RUNTIME.forEach(b::config);
        b.config("spark.ui.enabled", "false")
                .config("spark.default.parallelism", "2")
                .config("spark.databricks.delta.snapshotPartitions", "1")
                .config(
                        "spark.sql.warehouse.dir",
                        System.getProperty("java.io.tmpdir") + "/trueroi-test-spark-warehouse");
        SparkSessions.REQUIRED.forEach(b::config);
        return b.getOrCreate();
    }

    /** Stops the session when the root context closes (end of the suite). */
    static final class Holder implements ExtensionContext.Store.CloseableResource {
        final SparkSession spark;

        Holder(SparkSession spark) {
            this.spark = spark;
        }

        @Override
        public void close() {
            spark.stop();
        }
    }
}
