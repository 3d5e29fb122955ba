package io.trueroi.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Map;
import java.util.TreeMap;

/**
 * Typed reads of a resolved configuration, each failing with a {@link ConfigError} that names the
 * key, the problem and the file and line the value came from. Every settings section reads
 * through one of these.
 */
final class ConfigReader {
    private final Config config;

    ConfigReader(Config config) {
        this.config = config;
    }

    Config config() {
        return config;
    }

    String nonBlank(String key) {
        String v = config.getString(key);
        if (v.isBlank()) {
            throw error(key, "must not be empty");
        }
        return v.trim();
    }

    int atLeast(String key, int min) {
        int v = config.getInt(key);
        if (v < min) {
            throw error(key, "must be at least " + min + ", cannot be: " + v);
        }
        return v;
    }

    double fraction(String key) {
        double v = config.getDouble(key);
        if (!(v >= 0 && v <= 1)) {
            throw error(key, "must be between 0 and 1, cannot be: " + v);
        }
        return v;
    }

    /** A free-form object of scalars (Spark settings, per-store zones) as strings. */
    Map<String, String> stringMap(String key) {
        Map<String, String> out = new TreeMap<>();
        ConfigObject obj = config.getObject(key);
        for (Map.Entry<String, ConfigValue> e : obj.entrySet()) {
            ConfigValue v = e.getValue();
            if (v.valueType() == ConfigValueType.OBJECT
                    || v.valueType() == ConfigValueType.LIST
                    || v.valueType() == ConfigValueType.NULL) {
                throw error(key + "." + e.getKey(), "must be a string, number or boolean, cannot be: " + v.valueType());
            }
            out.put(e.getKey(), String.valueOf(v.unwrapped()));
        }
        return out;
    }

    ZoneId zone(String key, String value) {
        try {
            return ZoneId.of(value);
        } catch (DateTimeException e) {
            throw error(key, "must be a time zone id such as Asia/Shanghai, cannot be: " + value);
        }
    }

    String currency(String key, String value) {
        if (value == null || !value.matches("[A-Z]{3}")) {
            throw error(key, "must be an ISO 4217 code such as CNY, cannot be: " + value);
        }
        return value;
    }

    ConfigError error(String key, String problem) {
        String origin = "";
        try {
            if (config.hasPath(key)) {
                origin = " (" + config.getValue(key).origin().description() + ")";
            }
        } catch (ConfigException e) {
            // a key with [i] in it is not a path; the message still names it
        }
        return new ConfigError(key + ": " + problem + origin);
    }
}
