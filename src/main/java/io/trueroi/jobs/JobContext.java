package io.trueroi.jobs;

import io.trueroi.config.TrueRoiConfig;
import io.trueroi.ops.RunContext;
import io.trueroi.spark.Warehouse;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/** Everything a stage needs for one run. */
record JobContext(SparkSession spark, TrueRoiConfig config, Warehouse warehouse, RunContext run, Set<String> sources) {}
