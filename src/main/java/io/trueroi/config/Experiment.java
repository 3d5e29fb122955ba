package io.trueroi.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One lift experiment of {@code trueroi.experiments} ({@code conf/experiments.conf}): a randomized
 * holdout or geo test of one channel over a period, and what it measured. The incremental model
 * takes the measured lift, {@code incremental-conversions / treated-conversions}, as the part of the
 * channel's fitted effect that is causal (README, "Calibration by experiments").
 *
 * @param name unique, for logs and errors
 * @param channel a channel of {@code trueroi.channels}
 * @param from the first day of the test (business dates, inclusive)
 * @param to the last day of the test
 * @param design holdout or geo: how the groups were formed; both are read alike
 * @param treatedConversions the conversions the treated group (or region) booked in the period
 * @param incremental the conversions the test measured as caused by the channel
 * @param lo the lower bound of its interval
 * @param hi the upper bound
 * @param level the interval's coverage, in (0, 1)
 */
public record Experiment(
        String name,
        String channel,
        LocalDate from,
        LocalDate to,
        String design,
        double treatedConversions,
        double incremental,
        double lo,
        double hi,
        double level) {
    static final String KEY = "trueroi.experiments";
    static final Set<String> DESIGNS = Set.of("holdout", "geo");
    private static final Set<String> KEYS = Set.of(
            "name",
            "channel",
            "from",
            "to",
            "design",
            "treated-conversions",
            "incremental-conversions",
            "lo",
            "hi",
            "level");
    /** The interval's level when an experiment does not give one. */
    public static final double LEVEL_DEFAULT = 0.90;

    /** The measured relative lift: the share of the treated group's conversions the channel caused. */
    public double lift() {
        return incremental / treatedConversions;
    }

    /**
     * The standard error of {@link #lift()}, from the interval read as normal: half its width over
     * the two-sided normal quantile of the level.
     */
    public double liftStandardError() {
        return (hi - lo) / (2 * normalQuantile(level)) / treatedConversions;
    }

    /** The two-sided standard normal quantile of a central interval at {@code level}: 1.645 at 0.90. */
    public static double normalQuantile(double level) {
        return Math.sqrt(2) * org.hipparchus.special.Erf.erfInv(level);
    }

    static List<Experiment> readAll(ConfigReader c, List<ChannelRule> channels) {
        List<? extends ConfigObject> list;
        try {
            list = c.config().getObjectList(KEY);
        } catch (ConfigException.WrongType e) {
            throw c.error(KEY, "must be a list of { name, channel, from, to, ... } experiments");
        }
        Set<String> known = new TreeSet<>();
        channels.forEach(r -> known.add(r.channel()));
        Set<String> names = new HashSet<>();
        List<Experiment> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Experiment e = read(new Item(KEY + "[" + i + "]", list.get(i)), known);
            if (!names.add(e.name())) {
                throw new Item(KEY + "[" + i + "]", list.get(i)).error("name", "names another experiment already");
            }
            out.add(e);
        }
        return List.copyOf(out);
    }

    private static Experiment read(Item it, Set<String> channels) {
        for (String k : it.object().keySet()) {
            if (!KEYS.contains(k)) {
                throw it.error(k, "unknown key; expected one of " + new TreeSet<>(KEYS));
            }
        }
        String channel = it.string("channel");
        if (!channels.contains(channel)) {
            throw it.error("channel", "is no channel of trueroi.channels, cannot be: " + channel);
        }
        LocalDate from = it.date("from");
        LocalDate to = it.date("to");
        if (to.isBefore(from)) {
            throw it.error("to", "must not be before from (" + from + "), cannot be: " + to);
        }
        String design = it.has("design") ? it.string("design") : "holdout";
        if (!DESIGNS.contains(design)) {
            throw it.error("design", "must be one of " + new TreeSet<>(DESIGNS) + ", cannot be: " + design);
        }
        double treated = it.number("treated-conversions");
        if (!(treated > 0)) {
            throw it.error("treated-conversions", "must be above 0, cannot be: " + treated);
        }
        double incremental = it.number("incremental-conversions");
        double lo = it.number("lo");
        double hi = it.number("hi");
        if (!(lo <= incremental && incremental <= hi && lo < hi)) {
            throw it.error(
                    "lo",
                    "must be below hi with incremental-conversions between them, cannot be: [" + lo + ", " + hi
                            + "] around " + incremental);
        }
        double level = it.has("level") ? it.number("level") : LEVEL_DEFAULT;
        if (!(level > 0 && level < 1)) {
            throw it.error("level", "must be between 0 and 1, cannot be: " + level);
        }
        return new Experiment(it.string("name"), channel, from, to, design, treated, incremental, lo, hi, level);
    }

    /** One list element, with errors naming its key and where it was set. */
    private record Item(String key, ConfigObject object) {
        ConfigError error(String field, String problem) {
            return new ConfigError(
                    key + "." + field + ": " + problem + " (" + object.origin().description() + ")");
        }

        boolean has(String field) {
            return object.toConfig().hasPath(field);
        }

        String string(String field) {
            Config c = object.toConfig();
            try {
                String v = c.getString(field);
                if (v.isBlank()) {
                    throw error(field, "must not be empty");
                }
                return v.trim();
            } catch (ConfigException.Missing e) {
                throw error(field, "is required");
            } catch (ConfigException.WrongType e) {
                throw error(field, "must be a string");
            }
        }

        LocalDate date(String field) {
            String v = string(field);
            try {
                return LocalDate.parse(v);
            } catch (DateTimeParseException e) {
                throw error(field, "must be a date YYYY-MM-DD, cannot be: " + v);
            }
        }

        double number(String field) {
            double v;
            try {
                v = object.toConfig().getDouble(field);
            } catch (ConfigException.Missing e) {
                throw error(field, "is required");
            } catch (ConfigException.WrongType e) {
                throw error(field, "must be a number");
            }
            if (!Double.isFinite(v)) {
                throw error(field, "must be a finite number, cannot be: " + v);
            }
            return v;
        }
    }
}
