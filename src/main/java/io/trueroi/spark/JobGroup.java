package io.trueroi.spark;

import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a piece of Spark work under a named job group and description, so the Spark UI and the
 * event log say which step of which run each Spark job belongs to.
 */
public final class JobGroup {
    private static final Logger LOG = LoggerFactory.getLogger("io.trueroi");

    private JobGroup() {}

    public static <T> T run(SparkSession spark, String group, String description, Supplier<T> work) {
        var sc = spark.sparkContext();
        String previousGroup = sc.getLocalProperty("spark.jobGroup.id");
        String previousDescription = sc.getLocalProperty("spark.job.description");
        sc.setJobGroup(group, description, false);
        long t0 = System.nanoTime();
        try {
            return work.get();
        } finally {
            LOG.info("{} ({}s)", description, String.format("%.1f", (System.nanoTime() - t0) / 1e9));
            if (previousGroup == null) {
                sc.clearJobGroup();
            } else {
                sc.setJobGroup(previousGroup, previousDescription, false);
            }
        }
    }

    public static void run(SparkSession spark, String group, String description, Runnable work) {
        run(spark, group, description, () -> {
            work.run();
            return null;
        });
    }
}
