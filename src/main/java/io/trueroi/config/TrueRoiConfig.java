package io.trueroi.config;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The validated configuration of one run.
 *
 * <p>Layers, later wins: {@code conf/application.conf} (shipped inside the jar), each {@code --conf}
 * file in the order given, the environment variables in {@link #ENV_OVERRIDES}, and finally
 * Typesafe's {@code CONFIG_FORCE_<path>} variables. Everything is checked here, before Spark
 * starts: a missing file, a syntax error, an unknown key, a value of the wrong type or outside its
 * range fails with a {@link ConfigError} naming the key and where it was set.
 *
 * <p>Secrets are read only from the environment: the PII hash key from the variable named by
 * {@code trueroi.security.hash-key-env}; S3 credentials by Hadoop's s3a credential providers.
 */
public final class TrueRoiConfig {
  static final String DEFAULTS_RESOURCE = "io/trueroi/config/application.conf";

  /** Environment variables that override single keys, for schedulers that set paths per run. */
  public static final Map<String, String> ENV_OVERRIDES =
      Map.of("TRUEROI_WAREHOUSE", "trueroi.warehouse", "TRUEROI_RAW_ROOT", "trueroi.raw-root");

  /** Subtrees whose keys are free-form (Spark settings, per-store zones, header names). */
  private static final List<String> OPEN_MAPS = List.of("trueroi.spark.conf", "trueroi.ingest.pos-store-time-zones",
      "trueroi.identity.max-links", "trueroi.fx-rates");

  /** Conditions a channel rule may test. */
  public static final Set<String> CHANNEL_FIELDS =
      Set.of("source_system", "platform", "touch_type", "utm_source", "utm_medium", "code");

  /** Keys of a feed's file rule besides glob and encoding that readers understand. */
  public static final Set<String> FILE_RULE_KEYS =
      Set.of("glob", "encoding", "platform", "time-zone", "currency");

  /** Development key used only when allow-dev-hash-key is true and the environment has none. */
  static final String DEV_HASH_KEY = "trueroi-local-development-key-not-secret";

  private final Config config;
  private final Map<String, String> env;
  private final String warehouse;
  private final String rawRoot;
  private final ZoneId businessTimeZone;
  private final String reportingCurrency;
  private final SparkSettings spark;
  private final IngestSettings ingest;
  private final IdentitySettings identity;
  private final Map<String, java.math.BigDecimal> fxRates;
  private final MartSettings marts;
  private final JourneySettings journeys;
  private final List<ChannelRule> channels;
  private final AttributionSettings attribution;

  private TrueRoiConfig(Config config, Map<String, String> env) {
    this.config = config;
    this.env = env;
    this.warehouse = nonBlank("trueroi.warehouse");
    this.rawRoot = nonBlank("trueroi.raw-root");
    this.businessTimeZone = zone("trueroi.business-time-zone", config.getString("trueroi.business-time-zone"));
    this.reportingCurrency = currency("trueroi.reporting-currency", config.getString("trueroi.reporting-currency"));
    this.spark = new SparkSettings(
        config.getString("trueroi.spark.master").trim(),
        nonBlank("trueroi.spark.app-name"),
        stringMap("trueroi.spark.conf"));
    this.ingest = readIngest();
    this.identity = readIdentity();
    this.fxRates = readFx();
    this.journeys = readJourneys();
    this.channels = readChannels();
    this.attribution = readAttribution();
    this.marts = new MartSettings(atLeast("trueroi.marts.top-paths", 1));
    hashKey(); // fail at start-up, not at the first hashed column
  }

  /** Loads defaults, then the files in order, then the environment; validates everything. */
  public static TrueRoiConfig load(List<Path> files, Map<String, String> env) {
    Config defaults = defaults();
    Config merged = ConfigFactory.empty();
    for (Path file : files) {
      if (!Files.isRegularFile(file)) {
        throw new ConfigError("config file " + file + " does not exist or is not a file");
      }
      Config parsed;
      try {
        parsed = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
      } catch (ConfigException e) {
        throw new ConfigError(e.getMessage(), e); // names the file and line
      }
      merged = parsed.withFallback(merged);
    }
    Map<String, Object> envValues = new TreeMap<>();
    ENV_OVERRIDES.forEach((var, key) -> {
      String v = env.get(var);
      if (v != null && !v.isBlank()) {
        envValues.put(key, v);
      }
    });
    Config user = ConfigFactory.parseMap(envValues, "environment").withFallback(merged);
    Config forced = forcedFromEnv(env);
    user = forced.withFallback(user);
    Config resolved;
    try {
      resolved = user.withFallback(defaults).resolve(ConfigResolveOptions.defaults().setAllowUnresolved(false));
    } catch (ConfigException e) {
      throw new ConfigError(e.getMessage(), e);
    }
    rejectUnknownKeys(user, defaults);
    try {
      resolved.checkValid(defaults, "trueroi");
    } catch (ConfigException.ValidationFailed e) {
      List<String> problems = new ArrayList<>();
      e.problems().forEach(p -> problems.add(p.path() + ": " + p.problem() + " (" + p.origin().description() + ")"));
      throw new ConfigError("invalid configuration: " + String.join("; ", problems), e);
    }
    try {
      return new TrueRoiConfig(resolved, Map.copyOf(env));
    } catch (ConfigException e) {
      // Typesafe's message names the file, line and key: "x.conf: 1: trueroi.a has type STRING rather than NUMBER".
      throw new ConfigError(e.getMessage(), e);
    }
  }

  static Config defaults() {
    Config d = ConfigFactory.parseResources(TrueRoiConfig.class.getClassLoader(), DEFAULTS_RESOURCE,
        ConfigParseOptions.defaults().setAllowMissing(false));
    return d.resolve();
  }

  private static Config forcedFromEnv(Map<String, String> env) {
    // Typesafe's own convention: CONFIG_FORCE_trueroi_warehouse=... ('_' for '.', '__' for '-').
    Map<String, Object> forced = new TreeMap<>();
    env.forEach((k, v) -> {
      if (k.startsWith("CONFIG_FORCE_")) {
        String path = k.substring("CONFIG_FORCE_".length()).replace("___", "\u0000").replace("__", "-")
            .replace("_", ".").replace("\u0000", "_");
        forced.put(path, v);
      }
    });
    return ConfigFactory.parseMap(forced, "environment (CONFIG_FORCE_)");
  }

  private static void rejectUnknownKeys(Config user, Config defaults) {
    Set<String> unknown = new TreeSet<>();
    for (Map.Entry<String, ConfigValue> e : user.entrySet()) {
      String path = e.getKey();
      if (!path.startsWith("trueroi.")) {
        unknown.add(path + " (" + e.getValue().origin().description() + ")");
        continue;
      }
      if (defaults.hasPathOrNull(path) || OPEN_MAPS.stream().anyMatch(m -> path.startsWith(m + "."))
          || isOpenFeedPath(path, defaults)) {
        continue;
      }
      unknown.add(path + " (" + e.getValue().origin().description() + ")");
    }
    if (!unknown.isEmpty()) {
      throw new ConfigError("unknown configuration key(s): " + String.join(", ", unknown)
          + "; every key is listed with its default in conf/application.conf");
    }
  }

  private static boolean isOpenFeedPath(String path, Config defaults) {
    // trueroi.ingest.feeds.<feed>.header-aliases.<column> and .files are free-form per feed,
    // but only for feeds that exist.
    String prefix = "trueroi.ingest.feeds.";
    if (!path.startsWith(prefix)) {
      return false;
    }
    String rest = path.substring(prefix.length());
    int dot = rest.indexOf('.');
    if (dot < 0) {
      return false;
    }
    String feed = rest.substring(0, dot);
    String key = rest.substring(dot + 1);
    return defaults.hasPath(prefix + feed) && (key.startsWith("header-aliases.") || key.equals("files"));
  }

  // ----------------------------------------------------------------------------------------------

  public Config raw() {
    return config;
  }

  public String warehouse() {
    return warehouse;
  }

  public String rawRoot() {
    return rawRoot;
  }

  public ZoneId businessTimeZone() {
    return businessTimeZone;
  }

  public String reportingCurrency() {
    return reportingCurrency;
  }

  public SparkSettings spark() {
    return spark;
  }

  public IngestSettings ingest() {
    return ingest;
  }

  public IdentitySettings identity() {
    return identity;
  }

  /** Units of the reporting currency per unit of each currency. */
  public Map<String, java.math.BigDecimal> fxRates() {
    return fxRates;
  }

  public JourneySettings journeys() {
    return journeys;
  }

  /** The channel taxonomy, in order (first match wins). */
  public List<ChannelRule> channels() {
    return channels;
  }

  /** The PII hash key from the environment; a dev key only where local config allows it. */
  public MartSettings marts() {
    return marts;
  }

  public AttributionSettings attribution() {
    return attribution;
  }

  public byte[] hashKey() {
    String var = nonBlank("trueroi.security.hash-key-env");
    String value = env.get(var);
    if (value != null && !value.isEmpty()) {
      if (value.length() < 16) {
        throw new ConfigError("environment variable " + var + " (trueroi.security.hash-key-env) must hold at least 16"
            + " characters, cannot be: " + value.length() + " characters");
      }
      return value.getBytes(StandardCharsets.UTF_8);
    }
    if (config.getBoolean("trueroi.security.allow-dev-hash-key")) {
      return DEV_HASH_KEY.getBytes(StandardCharsets.UTF_8);
    }
    throw new ConfigError("environment variable " + var + " (named by trueroi.security.hash-key-env) is not set: "
        + "it holds the HMAC key for phones and emails; set it, or allow the public development key with "
        + "trueroi.security.allow-dev-hash-key = true (local runs only)");
  }

  /** True when hashes are made with the public development key (logged loudly by jobs). */
  public boolean usesDevHashKey() {
    String value = env.get(config.getString("trueroi.security.hash-key-env"));
    return value == null || value.isEmpty();
  }

  // ----------------------------------------------------------------------------------------------

  private IngestSettings readIngest() {
    String p = "trueroi.ingest.";
    double maxRejectRate = config.getDouble(p + "max-reject-rate");
    if (!(maxRejectRate >= 0 && maxRejectRate <= 1)) {
      throw error(p + "max-reject-rate", "must be between 0 and 1, cannot be: " + maxRejectRate);
    }
    int maxLineBytes = atLeast(p + "max-line-bytes", 1024);
    String region = config.getString(p + "default-phone-region").toUpperCase(Locale.ROOT);
    if (!PhoneNumberUtil.getInstance().getSupportedRegions().contains(region)) {
      throw error(p + "default-phone-region", "must be an ISO 3166 region such as CN or HK, cannot be: " + region);
    }
    List<String> currencies = new ArrayList<>();
    for (String c : config.getStringList(p + "currencies")) {
      currencies.add(currency(p + "currencies", c));
    }
    Map<String, String> storeZones = new TreeMap<>();
    stringMap(p + "pos-store-time-zones").forEach((store, z) ->
        storeZones.put(store, zone(p + "pos-store-time-zones." + store, z).getId()));
    String posDefault = zone(p + "pos-default-time-zone", config.getString(p + "pos-default-time-zone")).getId();

    Map<String, FeedSettings> feeds = new LinkedHashMap<>();
    ConfigObject feedsObj = config.getObject(p + "feeds");
    for (String feed : new TreeSet<>(feedsObj.keySet())) {
      feeds.put(feed, readFeed(p + "feeds." + feed, feed));
    }
    return new IngestSettings(maxRejectRate, maxLineBytes, region, List.copyOf(currencies),
        Collections.unmodifiableMap(storeZones), posDefault, Collections.unmodifiableMap(feeds));
  }

  private Map<String, java.math.BigDecimal> readFx() {
    Map<String, java.math.BigDecimal> out = new TreeMap<>();
    stringMap("trueroi.fx-rates").forEach((cur, v) -> {
      String key = "trueroi.fx-rates." + cur;
      currency(key, cur);
      java.math.BigDecimal rate;
      try {
        rate = new java.math.BigDecimal(v);
      } catch (NumberFormatException e) {
        throw error(key, "must be a decimal number, cannot be: " + v);
      }
      if (rate.signum() <= 0) {
        throw error(key, "must be positive, cannot be: " + v);
      }
      out.put(cur, rate);
    });
    if (!out.containsKey(reportingCurrency)) {
      throw error("trueroi.fx-rates", "has no rate for the reporting currency " + reportingCurrency);
    }
    for (String c : ingest.currencies()) {
      if (!out.containsKey(c)) {
        throw error("trueroi.fx-rates", "has no rate for " + c + ", which trueroi.ingest.currencies accepts");
      }
    }
    return Collections.unmodifiableMap(out);
  }

  private JourneySettings readJourneys() {
    String p = "trueroi.journeys.";
    return new JourneySettings(atLeast(p + "lookback-days", 1), atLeast(p + "max-clicks-per-device-hour", 1),
        atLeast(p + "max-clicks-per-ip-hour", 1));
  }

  private AttributionSettings readAttribution() {
    String p = "trueroi.attribution.";
    List<String> models = config.getStringList(p + "models");
    for (String m : models) {
      if (!AttributionSettings.MODELS.contains(m)) {
        throw error(p + "models", "unknown model " + m + "; expected some of " + AttributionSettings.MODELS);
      }
    }
    if (models.isEmpty() || new TreeSet<>(models).size() != models.size()) {
      throw error(p + "models", "must list at least one model, each once, cannot be: " + models);
    }
    double first = fraction(p + "position-based.first-weight");
    double last = fraction(p + "position-based.last-weight");
    if (first + last > 1) {
      throw error(p + "position-based", "first-weight + last-weight must be at most 1, cannot be: " + (first + last));
    }
    double halfLife = config.getDouble(p + "time-decay.half-life-days");
    if (!(halfLife > 0) || Double.isInfinite(halfLife)) {
      throw error(p + "time-decay.half-life-days", "must be a positive number of days, cannot be: " + halfLife);
    }
    String m = p + "markov.";
    int order = atLeast(m + "order", 1);
    if (order > 4) {
      throw error(m + "order", "must be between 1 and 4, cannot be: " + order);
    }
    return new AttributionSettings(List.copyOf(models), List.copyOf(config.getStringList(p + "direct-channels")),
        first, last, halfLife, order, atLeast(m + "training-window-days", 1), config.getBoolean(m + "collapse-repeats"),
        config.getString(m + "segment-column").trim(), atLeast(m + "min-segment-journeys", 1),
        atLeast(m + "max-segments", 1));
  }

  private double fraction(String key) {
    double v = config.getDouble(key);
    if (!(v >= 0 && v <= 1)) {
      throw error(key, "must be between 0 and 1, cannot be: " + v);
    }
    return v;
  }

  private int atLeast(String key, int min) {
    int v = config.getInt(key);
    if (v < min) {
      throw error(key, "must be at least " + min + ", cannot be: " + v);
    }
    return v;
  }

  private List<ChannelRule> readChannels() {
    List<ChannelRule> rules = new ArrayList<>();
    List<? extends ConfigObject> list;
    try {
      list = config.getObjectList("trueroi.channels");
    } catch (ConfigException.WrongType e) {
      throw error("trueroi.channels", "must be a list of { channel, group, when { ... } } rules");
    }
    for (int i = 0; i < list.size(); i++) {
      String key = "trueroi.channels[" + i + "]";
      Config rule = list.get(i).toConfig();
      for (String k : rule.root().keySet()) {
        if (!Set.of("channel", "group", "when").contains(k)) {
          throw error(key + "." + k, "unknown key; a rule has channel, group and when");
        }
      }
      if (!rule.hasPath("channel") || rule.getString("channel").isBlank()) {
        throw error(key + ".channel", "is required");
      }
      Map<String, List<String>> when = new TreeMap<>();
      if (rule.hasPath("when")) {
        ConfigObject w = rule.getObject("when");
        for (String field : w.keySet()) {
          if (!CHANNEL_FIELDS.contains(field)) {
            throw error(key + ".when." + field, "unknown condition; expected one of " + new TreeSet<>(CHANNEL_FIELDS));
          }
          List<String> values;
          try {
            values = rule.getStringList("when." + field);
          } catch (ConfigException.WrongType e) {
            values = List.of(rule.getString("when." + field));
          }
          when.put(field, List.copyOf(values));
        }
      }
      if (when.isEmpty()) {
        throw error(key + ".when", "must hold at least one condition (a catch-all would hide unmapped touches)");
      }
      String group = rule.hasPath("group") ? rule.getString("group") : rule.getString("channel");
      rules.add(new ChannelRule(rule.getString("channel"), group, Collections.unmodifiableMap(when)));
    }
    return List.copyOf(rules);
  }

  private IdentitySettings readIdentity() {
    String p = "trueroi.identity.";
    Map<String, Integer> limits = new TreeMap<>();
    Set<String> types = Set.of("default", "openid", "unionid", "phone", "email", "member", "device", "wecom", "click",
        "buyer");
    for (Map.Entry<String, String> e : stringMap(p + "max-links").entrySet()) {
      String key = p + "max-links." + e.getKey();
      if (!types.contains(e.getKey())) {
        throw error(key, "unknown identifier type; expected one of " + new TreeSet<>(types));
      }
      int n;
      try {
        n = Integer.parseInt(e.getValue());
      } catch (NumberFormatException x) {
        throw error(key, "must be a whole number, cannot be: " + e.getValue());
      }
      if (n < 1) {
        throw error(key, "must be at least 1, cannot be: " + n);
      }
      limits.put(e.getKey(), n);
    }
    if (!limits.containsKey("default")) {
      throw error(p + "max-links.default", "is required");
    }
    String checkpoint = config.getString(p + "checkpoint");
    if (!checkpoint.equals("local") && !checkpoint.equals("reliable")) {
      throw error(p + "checkpoint", "must be local or reliable, cannot be: " + checkpoint);
    }
    String dir = config.getString(p + "checkpoint-dir").trim();
    if (checkpoint.equals("reliable") && dir.isEmpty()) {
      throw error(p + "checkpoint-dir", "is required when trueroi.identity.checkpoint = reliable");
    }
    List<String> eventLevel = config.getStringList(p + "event-level-types");
    for (String t : eventLevel) {
      if (!types.contains(t) || t.equals("default")) {
        throw error(p + "event-level-types", "unknown identifier type " + t);
      }
    }
    return new IdentitySettings(Collections.unmodifiableMap(limits), List.copyOf(eventLevel),
        checkpoint.equals("reliable"), dir);
  }

  private FeedSettings readFeed(String key, String feed) {
    String path = nonBlank(key + ".path");
    List<FileRule> rules = new ArrayList<>();
    List<? extends ConfigObject> list;
    try {
      list = config.getObjectList(key + ".files");
    } catch (ConfigException.WrongType e) {
      throw error(key + ".files", "must be a list of objects like { glob = \"*.csv\" }");
    }
    if (list.isEmpty()) {
      throw error(key + ".files", "must list at least one file rule");
    }
    for (int i = 0; i < list.size(); i++) {
      Config rule = list.get(i).toConfig();
      String ruleKey = key + ".files[" + i + "]";
      for (String k : rule.root().keySet()) {
        if (!FILE_RULE_KEYS.contains(k)) {
          throw error(ruleKey + "." + k, "unknown file-rule key; expected one of " + new TreeSet<>(FILE_RULE_KEYS));
        }
        if (rule.root().get(k).valueType() != ConfigValueType.STRING) {
          throw error(ruleKey + "." + k, "must be a string");
        }
      }
      if (!rule.hasPath("glob") || rule.getString("glob").isBlank()) {
        throw error(ruleKey + ".glob", "is required");
      }
      String encoding = rule.hasPath("encoding") ? rule.getString("encoding") : "UTF-8";
      try {
        Charset.forName(encoding);
      } catch (IllegalArgumentException e) {
        throw error(ruleKey + ".encoding", "must be a charset name such as UTF-8 or GBK, cannot be: " + encoding);
      }
      Map<String, String> attrs = new TreeMap<>();
      for (String k : rule.root().keySet()) {
        if (!k.equals("glob") && !k.equals("encoding")) {
          attrs.put(k, rule.getString(k));
        }
      }
      if (attrs.containsKey("time-zone")) {
        zone(ruleKey + ".time-zone", attrs.get("time-zone"));
      }
      if (attrs.containsKey("currency")) {
        currency(ruleKey + ".currency", attrs.get("currency"));
      }
      rules.add(new FileRule(rule.getString("glob"), encoding, Collections.unmodifiableMap(attrs)));
    }
    Map<String, List<String>> aliases = new TreeMap<>();
    if (config.hasPath(key + ".header-aliases")) {
      ConfigObject obj = config.getObject(key + ".header-aliases");
      for (String column : obj.keySet()) {
        try {
          aliases.put(column, List.copyOf(config.getStringList(key + ".header-aliases." + quote(column))));
        } catch (ConfigException.WrongType e) {
          throw error(key + ".header-aliases." + column, "must be a list of header names");
        }
      }
    }
    return new FeedSettings(feed, path, List.copyOf(rules), Collections.unmodifiableMap(aliases));
  }

  private static String quote(String k) {
    return k.matches("[A-Za-z0-9_-]+") ? k : "\"" + k + "\"";
  }

  private String nonBlank(String key) {
    String v = config.getString(key);
    if (v.isBlank()) {
      throw error(key, "must not be empty");
    }
    return v.trim();
  }

  private Map<String, String> stringMap(String key) {
    Map<String, String> out = new TreeMap<>();
    ConfigObject obj = config.getObject(key);
    for (Map.Entry<String, ConfigValue> e : obj.entrySet()) {
      ConfigValue v = e.getValue();
      if (v.valueType() == ConfigValueType.OBJECT || v.valueType() == ConfigValueType.LIST
          || v.valueType() == ConfigValueType.NULL) {
        throw error(key + "." + e.getKey(), "must be a string, number or boolean, cannot be: " + v.valueType());
      }
      out.put(e.getKey(), String.valueOf(v.unwrapped()));
    }
    return out;
  }

  private ZoneId zone(String key, String value) {
    try {
      return ZoneId.of(value);
    } catch (DateTimeException e) {
      throw error(key, "must be a time zone id such as Asia/Shanghai, cannot be: " + value);
    }
  }

  private String currency(String key, String value) {
    if (value == null || !value.matches("[A-Z]{3}")) {
      throw error(key, "must be an ISO 4217 code such as CNY, cannot be: " + value);
    }
    return value;
  }

  private ConfigError error(String key, String problem) {
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

  /** Spark settings: master (empty = from spark-submit), app name, extra conf. */
  public record SparkSettings(String master, String appName, Map<String, String> conf) {}

  /** Settings of the ingest job. */
  public record IngestSettings(double maxRejectRate, int maxLineBytes, String defaultPhoneRegion,
      List<String> currencies, Map<String, String> posStoreTimeZones, String posDefaultTimeZone,
      Map<String, FeedSettings> feeds) {

    public FeedSettings feed(String name) {
      FeedSettings f = feeds.get(name);
      if (f == null) {
        throw new ConfigError("trueroi.ingest.feeds." + name + " is missing");
      }
      return f;
    }
  }

  /** Settings of the attribution job (README, "Attribution"). */
  public record AttributionSettings(List<String> models, List<String> directChannels, double firstWeight,
      double lastWeight, double halfLifeDays, int markovOrder, int trainingWindowDays, boolean collapseRepeats,
      String segmentColumn, int minSegmentJourneys, int maxSegments) {
    public static final List<String> MODELS = List.of("first_touch", "last_touch", "last_non_direct", "linear",
        "position_based", "time_decay", "markov");
  }

  /** Settings of the marts job. */
  public record MartSettings(int topPaths) {}

  /** Settings of the journeys job. */
  public record JourneySettings(int lookbackDays, int maxClicksPerDeviceHour, int maxClicksPerIpHour) {}

  /** One channel rule: every condition (field in values) must hold. */
  public record ChannelRule(String channel, String group, Map<String, List<String>> when) {}

  /** Settings of the identity job. */
  public record IdentitySettings(Map<String, Integer> maxLinksByType, List<String> eventLevelTypes,
      boolean reliableCheckpoint,
      String checkpointDir) {
    /** The link limit for an identifier type (or the default). */
    public int maxLinks(String type) {
      return maxLinksByType.getOrDefault(type, maxLinksByType.get("default"));
    }
  }

  /** Where one silver table's raw files are and how to read each kind of file. */
  public record FeedSettings(String name, String path, List<FileRule> files, Map<String, List<String>> headerAliases) {}

  /** A glob over file names with the file's encoding and reader attributes. */
  public record FileRule(String glob, String encoding, Map<String, String> attributes) {}
}
