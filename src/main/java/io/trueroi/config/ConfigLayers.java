package io.trueroi.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Merges the configuration's layers, later wins: the defaults shipped in the jar, each
 * {@code --conf} file in order, the environment variables of {@link TrueRoiConfig#ENV_OVERRIDES},
 * then Typesafe's {@code CONFIG_FORCE_<path>} variables; and rejects what the defaults do not
 * know (a typo) or type differently, naming the key and where it was set.
 */
final class ConfigLayers {
    static final String DEFAULTS_RESOURCE = "io/trueroi/config/application.conf";

    /** Subtrees whose keys are free-form (Spark settings, per-store zones, link limits, rates). */
    private static final List<String> OPEN_MAPS = List.of(
            "trueroi.spark.conf",
            "trueroi.ingest.pos-store-time-zones",
            "trueroi.identity.max-links",
            "trueroi.fx-rates");

    private ConfigLayers() {}

    /** The layers merged, resolved and checked against the defaults' keys and types. */
    static Config merge(List<Path> files, Map<String, String> env) {
        Config defaults = defaults();
        Config merged = ConfigFactory.empty();
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                throw new ConfigError("config file " + file + " does not exist or is not a file");
            }
            try {
                merged = ConfigFactory.parseFile(
                                file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false))
                        .withFallback(merged);
            } catch (ConfigException e) {
                throw new ConfigError(e.getMessage(), e); // names the file and line
            }
        }
        Map<String, Object> envValues = new TreeMap<>();
        TrueRoiConfig.ENV_OVERRIDES.forEach((var, key) -> {
            String v = env.get(var);
            if (v != null && v.isBlank()) {
                // Set but empty is a mistake in a deployment, not a wish for the default.
                throw new ConfigError(var + " is set but empty (" + key + "): unset it to use the configured value");
            }
            if (v != null) {
                envValues.put(key, v);
            }
        });
        Config user = forcedFromEnv(env)
                .withFallback(ConfigFactory.parseMap(envValues, "environment").withFallback(merged));
        Config resolved;
        try {
            resolved = user.withFallback(defaults)
                    .resolve(ConfigResolveOptions.defaults().setAllowUnresolved(false));
        } catch (ConfigException e) {
            throw new ConfigError(e.getMessage(), e);
        }
        rejectUnknownKeys(user, defaults);
        try {
            resolved.checkValid(defaults, "trueroi");
        } catch (ConfigException.ValidationFailed e) {
            List<String> problems = new ArrayList<>();
            e.problems()
                    .forEach(p -> problems.add(
                            p.path() + ": " + p.problem() + " (" + p.origin().description() + ")"));
            throw new ConfigError("invalid configuration: " + String.join("; ", problems), e);
        }
        return resolved;
    }

    static Config defaults() {
        return ConfigFactory.parseResources(
                        ConfigLayers.class.getClassLoader(),
                        DEFAULTS_RESOURCE,
                        ConfigParseOptions.defaults().setAllowMissing(false))
                .resolve();
    }

    private static Config forcedFromEnv(Map<String, String> env) {
        // Typesafe's own convention: CONFIG_FORCE_trueroi_warehouse=... ('_' for '.', '__' for '-').
        Map<String, Object> forced = new TreeMap<>();
        env.forEach((k, v) -> {
            if (k.startsWith("CONFIG_FORCE_")) {
                String path = k.substring("CONFIG_FORCE_".length())
                        .replace("___", "\u0000")
                        .replace("__", "-")
                        .replace("_", ".")
                        .replace("\u0000", "_");
                forced.put(path, v);
            }
        });
        return ConfigFactory.parseMap(forced, "environment (CONFIG_FORCE_)");
    }

    private static void rejectUnknownKeys(Config user, Config defaults) {
        Set<String> unknown = new TreeSet<>();
        for (Map.Entry<String, ConfigValue> e : user.entrySet()) {
            String path = e.getKey();
            boolean known = path.startsWith("trueroi.")
                    && (defaults.hasPathOrNull(path)
                            || OPEN_MAPS.stream().anyMatch(m -> path.startsWith(m + "."))
                            || isOpenFeedPath(path, defaults));
            if (!known) {
                unknown.add(path + " (" + e.getValue().origin().description() + ")");
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigError("unknown configuration key(s): " + String.join(", ", unknown)
                    + "; every key is listed with its default in conf/application.conf");
        }
    }

    /** {@code trueroi.ingest.feeds.<feed>.header-aliases.*} and {@code .files} are free-form, for known feeds. */
    private static boolean isOpenFeedPath(String path, Config defaults) {
        String prefix = "trueroi.ingest.feeds.";
        if (!path.startsWith(prefix)) {
            return false;
        }
        String rest = path.substring(prefix.length());
        int dot = rest.indexOf('.');
        if (dot < 0) {
            return false;
        }
        String key = rest.substring(dot + 1);
        return defaults.hasPath(prefix + rest.substring(0, dot))
                && (key.startsWith("header-aliases.") || key.equals("files"));
    }
}
