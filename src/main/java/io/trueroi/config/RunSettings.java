package io.trueroi.config;

import com.typesafe.config.ConfigException;
import java.time.Duration;

/** {@code trueroi.runs}: after how long a run's lock on the warehouse counts as abandoned. */
public record RunSettings(Duration lockStaleAfter) {
    static RunSettings read(ConfigReader c) {
        String key = "trueroi.runs.lock-stale-after";
        Duration stale;
        try {
            stale = c.config().getDuration(key);
        } catch (ConfigException.BadValue e) {
            throw c.error(
                    key,
                    "must be a duration such as 6h or 90m, cannot be: "
                            + c.config().getValue(key).unwrapped());
        }
        if (stale.isNegative() || stale.isZero()) {
            throw c.error(key, "must be positive, cannot be: " + stale);
        }
        return new RunSettings(stale);
    }
}
