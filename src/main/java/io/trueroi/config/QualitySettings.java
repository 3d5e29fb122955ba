package io.trueroi.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code trueroi.quality}: whether stages' outputs are checked, what a failed check of a stage's output does ({@link Severity} per kind
 * of check), how many failing keys a check keeps, and the thresholds of the freshness and volume
 * checks.
 */
public record QualitySettings(
        boolean enabled,
        Map<String, Severity> severity,
        int sampleKeys,
        Map<String, Integer> freshnessLagDays,
        int volumeNights,
        int volumeMinNights,
        double volumeFactor) {

    /** The kinds of check, as named in {@code trueroi.quality.severity} and {@code ops.quality_checks}. */
    public static final List<String> KINDS = List.of("unique", "not-null", "references", "sums", "freshness", "volume");

    /** What a failed check does to the run. */
    public enum Severity {
        /** The run fails and the stage's tables are put back as they were before it. */
        ERROR,
        /** Recorded and printed in the run's summary. */
        WARN;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static QualitySettings read(ConfigReader c) {
        String p = "trueroi.quality.";
        Map<String, Severity> severity = new LinkedHashMap<>();
        for (String kind : KINDS) {
            String key = p + "severity." + kind;
            String v = c.config().getString(key).trim().toLowerCase(Locale.ROOT);
            switch (v) {
                case "error" -> severity.put(kind, Severity.ERROR);
                case "warn" -> severity.put(kind, Severity.WARN);
                default -> throw c.error(key, "must be error or warn, cannot be: " + v);
            }
        }
        Map<String, Integer> lag = new LinkedHashMap<>();
        for (String table : c.config().getObject(p + "freshness-lag-days").keySet()) {
            lag.put(table, c.atLeast(p + "freshness-lag-days." + table, 0));
        }
        double factor = c.config().getDouble(p + "volume.factor");
        if (!(factor > 1)) {
            throw c.error(p + "volume.factor", "must be more than 1, cannot be: " + factor);
        }
        return new QualitySettings(
                c.config().getBoolean(p + "enabled"),
                Map.copyOf(severity),
                c.atLeast(p + "sample-keys", 0),
                Map.copyOf(lag),
                c.atLeast(p + "volume.nights", 1),
                c.atLeast(p + "volume.min-nights", 1),
                factor);
    }

    public Severity severity(String kind) {
        Severity s = severity.get(kind);
        if (s == null) {
            throw new IllegalArgumentException("no check kind " + kind + "; expected one of " + KINDS);
        }
        return s;
    }
}
