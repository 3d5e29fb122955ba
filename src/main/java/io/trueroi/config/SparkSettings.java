package io.trueroi.config;

import java.util.Map;

/** {@code trueroi.spark}: master (empty: from spark-submit), app name, and any Spark setting. */
public record SparkSettings(String master, String appName, Map<String, String> conf) {
    static SparkSettings read(ConfigReader c) {
        return new SparkSettings(
                c.config().getString("trueroi.spark.master").trim(),
                c.nonBlank("trueroi.spark.app-name"),
                c.stringMap("trueroi.spark.conf"));
    }
}
