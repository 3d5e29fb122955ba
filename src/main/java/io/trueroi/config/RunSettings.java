package io.trueroi.config;

import com.typesafe.config.ConfigException;
import java.time.Duration;

/**
 * {@code trueroi.runs}: after how long a run's lock on the warehouse counts as abandoned, and how
 * long {@code maintain} keeps files that no table version needs any more.
 */
public record RunSettings(Duration lockStaleAfter, Duration vacuumRetention) {
    static RunSettings read(ConfigReader c) {
        return new RunSettings(
                positive(c, "trueroi.runs.lock-stale-after"), positive(c, "trueroi.runs.vacuum-retention"));
    }

    private static Duration positive(ConfigReader c, String key) {
        Duration d;
        try {
            d = c.config().getDuration(key);
        } catch (ConfigException.BadValue e) {
            throw c.error(
                    key,
                    "must be a duration such as 6h or 90m, cannot be: "
                            + c.config().getValue(key).unwrapped());
        }
        if (d.isNegative() || d.isZero()) {
            throw c.error(key, "must be positive, cannot be: " + d);
        }
        return d;
    }
}
