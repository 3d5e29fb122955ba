package io.trueroi.synthetic;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import io.trueroi.config.ConfigError;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A synthetic world as a file: its channels and their true effects, its people and days, and the
 * distortions that make observational attribution hard. Read from HOCON ({@code conf/worlds/}); every
 * number the simulation uses comes from here, so a spec no test has seen is simulated as faithfully
 * as a shipped one.
 *
 * <pre>
 * world {
 *   name = "default", description = "...", seed = 20261123
 *   from = "2026-09-01", to = "2026-10-30", people = 20000, mean-touches = 4
 *   baseline = 0.0008          # organic daily purchase probability
 *   lift-window-days = 30      # a touch lifts purchases on its day and the 29 after
 *   bot-every = 500            # one person in N is a click bot (0: none)
 *   channels = [ { name, group, platform, campaign-prefix, popularity, lift, half-life-days,
 *                  currency, cost-per-click }, ... ]
 *   distortions {              # each off unless set
 *     organic-sigma = 1.0      # σ of each person's lognormal organic multiplier (mean 1)
 *     targeting { "Channel" = 2.0 }   # its clicks drawn with weight multiplier^targeting
 *     saturation { "Channel" = 0.5 }  # a touch's lift × (1 + n)^-s, n its channel's earlier touches in the window
 *     synergy = [ { channels = ["A", "B"], lift = 0.004, half-life-days = 7 } ]
 *   }
 *   claims {                   # how each platform counts its own conversions (PlatformClaims.DEFAULTS)
 *     google_ads { click-window-days = 30, view-window-days = 1, view-rate = 0.3, sees = [ownsite] }
 *   }
 * }
 * </pre>
 *
 * <p>Cost: parsing one small file on the driver.
 */
public record WorldSpec(
        String name,
        String description,
        long seed,
        LocalDate from,
        LocalDate to,
        long people,
        double meanTouches,
        double baseline,
        int liftWindowDays,
        int botEvery,
        List<Channel> channels,
        double organicSigma,
        List<Synergy> synergies,
        Map<String, PlatformClaims.Rule> claimRules,
        List<Holdout> experiments,
        String text)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The ad platforms whose export formats the generator writes. */
    public static final List<String> PLATFORMS = List.of("baidu_sem", "ocean_engine", "tencent_ads", "google_ads");

    /** Worlds shipped inside the jar (conf/worlds/NAME.conf). */
    public static final List<String> SHIPPED =
            List.of("default", "many-channels", "retargeting", "saturation", "synergy");

    private static final String RESOURCE = "/io/trueroi/worlds/";
    private static final Set<String> WORLD_KEYS = Set.of(
            "name",
            "description",
            "seed",
            "from",
            "to",
            "people",
            "mean-touches",
            "baseline",
            "lift-window-days",
            "bot-every",
            "channels",
            "distortions",
            "claims",
            "experiments");
    private static final Set<String> CLAIM_KEYS = Set.of("click-window-days", "view-window-days", "view-rate", "sees");
    private static final Set<String> CHANNEL_KEYS = Set.of(
            "name",
            "group",
            "platform",
            "campaign-prefix",
            "popularity",
            "lift",
            "half-life-days",
            "currency",
            "cost-per-click");
    private static final Set<String> DISTORTION_KEYS = Set.of("organic-sigma", "targeting", "saturation", "synergy");

    /**
     * A paid channel: how its clicks look in the exports (platform, campaign prefix, currency, cost
     * per click), how often people prefer it, and what one click of it truly does (lift, decaying
     * with its half-life); targeting and saturation are 0 unless the spec's distortions set them.
     */
    public record Channel(
            String name,
            String group,
            String platform,
            String campaignPrefix,
            double popularity,
            double lift,
            double halfLifeDays,
            String currency,
            double costPerClick,
            double targeting,
            double saturation)
            implements Serializable {
        private static final long serialVersionUID = 1L;

        /** The campaign ids of this channel start with this, and no other channel's do. */
        public String campaignIdPrefix() {
            return campaignPrefix + "_cmp_";
        }
    }

    /**
     * A randomized holdout run in the world: of the people the channel (index) touches during the
     * test's days, a random {@code share} never see its ads on those days.
     */
    public record Holdout(int channel, LocalDate from, int days, double share) implements Serializable {
        private static final long serialVersionUID = 1L;

        /** The test's last day. */
        public LocalDate to() {
            return from.plusDays(days - 1L);
        }
    }

    /** Extra lift on days when both channels (indexes) have a touch in the window, decaying from the later one. */
    public record Synergy(int first, int second, double lift, double halfLifeDays) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** Reads a spec: an existing file, or the name of a shipped world. */
    public static WorldSpec load(String fileOrName) {
        Path file = Path.of(fileOrName);
        if (Files.isRegularFile(file)) {
            try {
                return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
            } catch (IOException e) {
                throw new ConfigError("world spec " + file + ": cannot read: " + e.getMessage(), e);
            }
        }
        if (SHIPPED.contains(fileOrName)) {
            return shipped(fileOrName);
        }
        throw new ConfigError("world spec " + fileOrName + ": no such file, and not a shipped world " + SHIPPED);
    }

    public static WorldSpec shipped(String name) {
        try (InputStream in = WorldSpec.class.getResourceAsStream(RESOURCE + name + ".conf")) {
            if (in == null) {
                throw new IllegalStateException("shipped world " + name + " is missing from the jar");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "conf/worlds/" + name + ".conf");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read shipped world " + name, e);
        }
    }

    /** Parses spec text; {@code origin} names it in every error. */
    public static WorldSpec parse(String text, String origin) {
        Config root;
        try {
            root = ConfigFactory.parseString(
                            text,
                            ConfigParseOptions.defaults()
                                    .setOriginDescription(origin)
                                    .setSyntax(ConfigSyntax.CONF))
                    .resolve();
        } catch (ConfigException e) {
            throw new ConfigError("world spec " + origin + ": " + e.getMessage(), e);
        }
        return new Reader(root, origin, text).read();
    }

    /** The same world with some of its size settings replaced (null: keep), and the text saying so. */
    public WorldSpec with(Long people, LocalDate from, LocalDate to, Long seed, Double meanTouches) {
        StringBuilder more = new StringBuilder();
        if (people != null) {
            more.append("world.people = ").append(people).append('\n');
        }
        if (from != null) {
            more.append("world.from = \"").append(from).append("\"\n");
        }
        if (to != null) {
            more.append("world.to = \"").append(to).append("\"\n");
        }
        if (seed != null) {
            more.append("world.seed = ").append(seed).append('\n');
        }
        if (meanTouches != null) {
            more.append("world.mean-touches = ").append(meanTouches).append('\n');
        }
        if (more.length() == 0) {
            return this;
        }
        return parse(text + "\n# set on the command line\n" + more, "world " + name + " with command-line settings");
    }

    /** How {@code platform} counts conversions in this world: the spec's rule, else the default. */
    public PlatformClaims.Rule claimRule(String platform) {
        return claimRules.getOrDefault(platform, PlatformClaims.DEFAULTS.get(platform));
    }

    public int days() {
        return (int) (to.toEpochDay() - from.toEpochDay()) + 1;
    }

    public int channelIndex(String channel) {
        for (int i = 0; i < channels.size(); i++) {
            if (channels.get(i).name().equals(channel)) {
                return i;
            }
        }
        throw new IllegalArgumentException("not a channel of world " + name + ", cannot be: " + channel);
    }

    /**
     * The channel rules ({@code trueroi.channels}) that map this world's clicks and spend to its
     * channels: each by platform and campaign-id prefix, then the owned WeChat touches the
     * generator also writes, as the shipped taxonomy names them.
     */
    public String channelRules() {
        StringBuilder b = new StringBuilder("# Channel rules of world " + name + " (written by generate; "
                + "layer with --conf so the night maps each generated channel)\ntrueroi.channels = [\n");
        b.append("  { channel = \"Offline store\", group = \"Offline\", when { code = [\"store_*\"] } }\n");
        for (Channel c : channels) {
            b.append(String.format(
                    Locale.ROOT,
                    "  { channel = %s, group = %s, when { source_system = [\"ads\"], platform = [\"%s\"], "
                            + "campaign_id = [\"%s*\"] } }%n",
                    quote(c.name()),
                    quote(c.group()),
                    c.platform(),
                    c.campaignIdPrefix()));
        }
        b.append("  { channel = \"WeChat OA\", group = \"Owned Social\", when { source_system = [\"wechat_oa\"] } }\n");
        b.append("  { channel = \"WeCom\", group = \"Owned CRM\", when { source_system = [\"wecom\"] } }\n");
        return b.append("]\n").toString();
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Typed reads with errors naming the spec and the key. */
    private record Reader(Config root, String origin, String text) {
        ConfigError error(String key, String problem) {
            return new ConfigError("world spec " + origin + ": " + key + ": " + problem);
        }

        WorldSpec read() {
            if (!root.hasPath("world")) {
                throw error("world", "is required (the spec is one object named world)");
            }
            Config w = object(root, "world");
            unknown(w, WORLD_KEYS, "world");
            LocalDate from = date(w, "world", "from");
            LocalDate to = date(w, "world", "to");
            if (to.isBefore(from)) {
                throw error("world.to", "must not be before world.from (" + from + "), cannot be: " + to);
            }
            List<Channel> channels = channels(w);
            Config d = w.hasPath("distortions") ? object(w, "distortions") : ConfigFactory.empty();
            unknown(d, DISTORTION_KEYS, "world.distortions");
            double sigma = d.hasPath("organic-sigma") ? number(d, "world.distortions", "organic-sigma", 0, 3, true) : 0;
            Map<String, Double> targeting = perChannel(d, "targeting", channels, 0, 10);
            Map<String, Double> saturation = perChannel(d, "saturation", channels, 0, 5);
            if (!targeting.isEmpty() && sigma == 0) {
                throw error(
                        "world.distortions.targeting",
                        "needs world.distortions.organic-sigma above 0: with every person's organic "
                                + "multiplier 1 there is nobody to target");
            }
            List<Channel> withDistortions = new ArrayList<>();
            for (Channel c : channels) {
                withDistortions.add(new Channel(
                        c.name(),
                        c.group(),
                        c.platform(),
                        c.campaignPrefix(),
                        c.popularity(),
                        c.lift(),
                        c.halfLifeDays(),
                        c.currency(),
                        c.costPerClick(),
                        targeting.getOrDefault(c.name(), 0.0),
                        saturation.getOrDefault(c.name(), 0.0)));
            }
            return new WorldSpec(
                    string(w, "world", "name"),
                    w.hasPath("description") ? w.getString("description") : "",
                    integer(w, "world", "seed", Long.MIN_VALUE, Long.MAX_VALUE),
                    from,
                    to,
                    integer(w, "world", "people", 1, Long.MAX_VALUE),
                    number(w, "world", "mean-touches", 0, 1_000, false),
                    number(w, "world", "baseline", 0, 1, true),
                    (int) (w.hasPath("lift-window-days") ? integer(w, "world", "lift-window-days", 1, 366) : 30),
                    (int) (w.hasPath("bot-every") ? integer(w, "world", "bot-every", 0, Integer.MAX_VALUE) : 500),
                    List.copyOf(withDistortions),
                    sigma,
                    synergies(d, channels),
                    claimRules(w),
                    experiments(w, channels, from, to),
                    text);
        }

        List<Channel> channels(Config w) {
            List<? extends ConfigObject> list;
            try {
                list = w.getObjectList("channels");
            } catch (ConfigException.Missing e) {
                throw error("world.channels", "is required: a list of channels");
            } catch (ConfigException.WrongType e) {
                throw error("world.channels", "must be a list of { name, platform, ... } objects");
            }
            if (list.isEmpty()) {
                throw error("world.channels", "must hold at least one channel");
            }
            List<Channel> out = new ArrayList<>();
            Set<String> names = new HashSet<>();
            Set<String> prefixes = new HashSet<>();
            for (int i = 0; i < list.size(); i++) {
                String at = "world.channels[" + i + "]";
                Config c = list.get(i).toConfig();
                unknown(c, CHANNEL_KEYS, at);
                String name = string(c, at, "name");
                if (!names.add(name)) {
                    throw error(at + ".name", "names another channel already, cannot be: " + name);
                }
                String platform = string(c, at, "platform");
                if (!PLATFORMS.contains(platform)) {
                    throw error(at + ".platform", "must be one of " + PLATFORMS + ", cannot be: " + platform);
                }
                String prefix = string(c, at, "campaign-prefix");
                if (!prefix.matches("[a-z0-9]{1,16}")) {
                    throw error(at + ".campaign-prefix", "must be 1 to 16 of a-z and 0-9, cannot be: " + prefix);
                }
                if (!prefixes.add(prefix)) {
                    throw error(at + ".campaign-prefix", "is another channel's already, cannot be: " + prefix);
                }
                String currency = string(c, at, "currency");
                if (!currency.matches("[A-Z]{3}")) {
                    throw error(at + ".currency", "must be an ISO 4217 code such as CNY, cannot be: " + currency);
                }
                out.add(new Channel(
                        name,
                        c.hasPath("group") ? string(c, at, "group") : "Paid",
                        platform,
                        prefix,
                        number(c, at, "popularity", 0, 1_000_000, false),
                        number(c, at, "lift", 0, 1, true),
                        c.hasPath("half-life-days") ? number(c, at, "half-life-days", 0, 10_000, false) : 7,
                        currency,
                        number(c, at, "cost-per-click", 0, 1_000_000, true),
                        0,
                        0));
            }
            return out;
        }

        Map<String, Double> perChannel(Config d, String key, List<Channel> channels, double min, double max) {
            Map<String, Double> out = new HashMap<>();
            if (!d.hasPath(key)) {
                return out;
            }
            String at = "world.distortions." + key;
            ConfigObject o = objectValue(d, key, at);
            Set<String> known = new HashSet<>();
            channels.forEach(c -> known.add(c.name()));
            for (Map.Entry<String, ConfigValue> e : o.entrySet()) {
                String k = at + ".\"" + e.getKey() + "\"";
                if (!known.contains(e.getKey())) {
                    throw error(k, "is not a channel of this world");
                }
                if (!(e.getValue().unwrapped() instanceof Number n)) {
                    throw error(
                            k, "must be a number, cannot be: " + e.getValue().render());
                }
                double v = n.doubleValue();
                if (!(v >= min && v <= max)) {
                    throw error(k, "must be between " + min + " and " + max + ", cannot be: " + v);
                }
                if (v > 0) {
                    out.put(e.getKey(), v);
                }
            }
            return out;
        }

        List<Synergy> synergies(Config d, List<Channel> channels) {
            if (!d.hasPath("synergy")) {
                return List.of();
            }
            List<? extends ConfigObject> list;
            try {
                list = d.getObjectList("synergy");
            } catch (ConfigException.WrongType e) {
                throw error("world.distortions.synergy", "must be a list of { channels = [A, B], lift } objects");
            }
            List<Synergy> out = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                String at = "world.distortions.synergy[" + i + "]";
                Config s = list.get(i).toConfig();
                unknown(s, Set.of("channels", "lift", "half-life-days"), at);
                List<String> pair;
                try {
                    pair = s.getStringList("channels");
                } catch (ConfigException e) {
                    throw error(at + ".channels", "must be a list of two channel names");
                }
                if (pair.size() != 2 || pair.get(0).equals(pair.get(1))) {
                    throw error(at + ".channels", "must name two different channels, cannot be: " + pair);
                }
                int[] idx = new int[2];
                for (int k = 0; k < 2; k++) {
                    idx[k] = -1;
                    for (int c = 0; c < channels.size(); c++) {
                        if (channels.get(c).name().equals(pair.get(k))) {
                            idx[k] = c;
                        }
                    }
                    if (idx[k] < 0) {
                        throw error(at + ".channels", "is not a channel of this world, cannot be: " + pair.get(k));
                    }
                }
                out.add(new Synergy(
                        idx[0],
                        idx[1],
                        number(s, at, "lift", 0, 1, true),
                        s.hasPath("half-life-days") ? number(s, at, "half-life-days", 0, 10_000, false) : 7));
            }
            return List.copyOf(out);
        }

        /** {@code world.experiments}: holdout tests, each of a channel over days of the world. */
        List<Holdout> experiments(Config w, List<Channel> channels, LocalDate from, LocalDate to) {
            if (!w.hasPath("experiments")) {
                return List.of();
            }
            List<? extends ConfigObject> list;
            try {
                list = w.getObjectList("experiments");
            } catch (ConfigException.WrongType e) {
                throw error("world.experiments", "must be a list of { channel, from, days, holdout } objects");
            }
            List<Holdout> out = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                String at = "world.experiments[" + i + "]";
                Config x = list.get(i).toConfig();
                unknown(x, Set.of("channel", "from", "days", "holdout"), at);
                String name = string(x, at, "channel");
                int c = -1;
                for (int k = 0; k < channels.size(); k++) {
                    c = channels.get(k).name().equals(name) ? k : c;
                }
                if (c < 0) {
                    throw error(at + ".channel", "is not a channel of this world, cannot be: " + name);
                }
                LocalDate start = date(x, at, "from");
                if (start.isBefore(from) || start.isAfter(to)) {
                    throw error(
                            at + ".from",
                            "must be a day of the world, " + from + " .. " + to + ", cannot be: " + start);
                }
                long days = integer(x, at, "days", 1, to.toEpochDay() - start.toEpochDay() + 1);
                double share = number(x, at, "holdout", 0, 1, false);
                if (share == 1) {
                    throw error(at + ".holdout", "must be below 1: a test needs a treated group, cannot be: 1");
                }
                out.add(new Holdout(c, start, (int) days, share));
            }
            return List.copyOf(out);
        }

        /** {@code world.claims}: per platform, the keys it sets over the platform's default rule. */
        Map<String, PlatformClaims.Rule> claimRules(Config w) {
            Map<String, PlatformClaims.Rule> out = new java.util.TreeMap<>();
            if (!w.hasPath("claims")) {
                return out;
            }
            Config all = object(w, "claims");
            unknown(all, new HashSet<>(PLATFORMS), "world.claims");
            for (String platform : all.root().keySet()) {
                String at = "world.claims." + platform;
                Config c = objectValue(all, platform, at).toConfig();
                unknown(c, CLAIM_KEYS, at);
                PlatformClaims.Rule d = PlatformClaims.DEFAULTS.get(platform);
                List<String> sees = d.sees();
                if (c.hasPath("sees")) {
                    try {
                        sees = List.copyOf(c.getStringList("sees"));
                    } catch (ConfigException e) {
                        throw error(at + ".sees", "must be a list of shops " + PlatformClaims.SHOPS);
                    }
                    for (String shop : sees) {
                        if (!PlatformClaims.SHOPS.contains(shop)) {
                            throw error(
                                    at + ".sees",
                                    "must name shops of " + PlatformClaims.SHOPS + ", cannot be: " + shop);
                        }
                    }
                }
                out.put(
                        platform,
                        new PlatformClaims.Rule(
                                (int)
                                        (c.hasPath("click-window-days")
                                                ? integer(c, at, "click-window-days", 1, 366)
                                                : d.clickWindowDays()),
                                (int)
                                        (c.hasPath("view-window-days")
                                                ? integer(c, at, "view-window-days", 0, 30)
                                                : d.viewWindowDays()),
                                c.hasPath("view-rate") ? number(c, at, "view-rate", 0, 1, true) : d.viewRate(),
                                sees));
            }
            return out;
        }

        void unknown(Config c, Set<String> allowed, String at) {
            for (String k : c.root().keySet()) {
                if (!allowed.contains(k)) {
                    throw error(at + "." + k, "unknown key; expected one of " + new java.util.TreeSet<>(allowed));
                }
            }
        }

        Config object(Config c, String key) {
            return objectValue(c, key, key).toConfig();
        }

        ConfigObject objectValue(Config c, String key, String at) {
            try {
                return c.getObject(key);
            } catch (ConfigException e) {
                throw error(at, "must be an object");
            }
        }

        String string(Config c, String at, String key) {
            try {
                String v = c.getString(key);
                if (v.isBlank()) {
                    throw error(at + "." + key, "must not be empty");
                }
                return v.trim();
            } catch (ConfigException.Missing e) {
                throw error(at + "." + key, "is required");
            } catch (ConfigException e) {
                throw error(at + "." + key, "must be a string");
            }
        }

        LocalDate date(Config c, String at, String key) {
            String v = string(c, at, key);
            try {
                return LocalDate.parse(v);
            } catch (DateTimeParseException e) {
                throw error(at + "." + key, "must be a date YYYY-MM-DD, cannot be: " + v);
            }
        }

        long integer(Config c, String at, String key, long min, long max) {
            long v;
            try {
                v = c.getLong(key);
            } catch (ConfigException.Missing e) {
                throw error(at + "." + key, "is required");
            } catch (ConfigException e) {
                throw error(at + "." + key, "must be a whole number");
            }
            if (v < min || v > max) {
                throw error(at + "." + key, "must be between " + min + " and " + max + ", cannot be: " + v);
            }
            return v;
        }

        /** A finite number in [min, max] ({@code minIncluded}) or (min, max]. */
        double number(Config c, String at, String key, double min, double max, boolean minIncluded) {
            double v;
            try {
                v = c.getDouble(key);
            } catch (ConfigException.Missing e) {
                throw error(at + "." + key, "is required");
            } catch (ConfigException e) {
                throw error(at + "." + key, "must be a number");
            }
            boolean ok = (minIncluded ? v >= min : v > min) && v <= max;
            if (!ok) {
                throw error(
                        at + "." + key,
                        "must be " + (minIncluded ? "at least " : "above ") + min + " and at most " + max
                                + ", cannot be: " + v);
            }
            return v;
        }
    }
}
