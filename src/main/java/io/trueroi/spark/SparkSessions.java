package io.trueroi.spark;

import io.trueroi.config.TrueRoiConfig;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** Builds the one SparkSession a run uses, from config: Delta enabled, UTC session clock. */
public final class SparkSessions {
    /** Settings every TrueROI session has; config may add to them but not change these. */
    public static final Map<String, String> REQUIRED = Map.of(
            "spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension",
            "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog",
            // Stored times are UTC instants; business dates are derived explicitly with the business zone.
            "spark.sql.session.timeZone", "UTC");

    private SparkSessions() {}

    public static SparkSession create(TrueRoiConfig config) {
        SparkSession.Builder builder =
                SparkSession.builder().appName(config.spark().appName());
        if (!config.spark().master().isEmpty()) {
            builder.master(config.spark().master());
        }
        config.spark().conf().forEach(builder::config);
        REQUIRED.forEach(builder::config);
        return builder.getOrCreate();
    }

    /** The session {@link #create} builds, with the configured warehouse open on it. */
    public static Warehouse warehouse(TrueRoiConfig config) {
        return new Warehouse(create(config), config.warehouse());
    }
}
