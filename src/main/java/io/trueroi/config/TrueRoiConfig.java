package io.trueroi.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The validated configuration of one run: the warehouse and raw exports, the business time zone
 * and reporting currency, and one settings type per section, each reading and checking its own
 * keys ({@link IngestSettings}, {@link IdentitySettings}, {@link JourneySettings},
 * {@link ChannelRule}s, {@link AttributionSettings}, {@link MartSettings}, {@link SparkSettings},
 * {@link RunSettings}, {@link QualitySettings}).
 * Layers are merged by {@link ConfigLayers}. Everything is checked before Spark starts: a bad
 * value fails with a {@link ConfigError} naming the key and the file and line it came from.
 *
 * <p>Secrets are read only from the environment: the PII hash key from the variable named by
 * {@code trueroi.security.hash-key-env}; S3 credentials by Hadoop's s3a credential providers.
 */
public final class TrueRoiConfig {
    /** Environment variables that override single keys, for schedulers that set paths per run. */
    public static final Map<String, String> ENV_OVERRIDES =
            Map.of("TRUEROI_WAREHOUSE", "trueroi.warehouse", "TRUEROI_RAW_ROOT", "trueroi.raw-root");

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
    private final Map<String, BigDecimal> fxRates;
    private final JourneySettings journeys;
    private final List<ChannelRule> channels;
    private final List<Experiment> experiments;
    private final AttributionSettings attribution;
    private final MartSettings marts;
    private final RunSettings runs;
    private final QualitySettings quality;
    private final ReportSettings report;

    private TrueRoiConfig(Config config, Map<String, String> env) {
        ConfigReader c = new ConfigReader(config);
        this.config = config;
        this.env = env;
        this.warehouse = c.nonBlank("trueroi.warehouse");
        this.rawRoot = c.nonBlank("trueroi.raw-root");
        this.businessTimeZone = c.zone("trueroi.business-time-zone", config.getString("trueroi.business-time-zone"));
        this.reportingCurrency =
                c.currency("trueroi.reporting-currency", config.getString("trueroi.reporting-currency"));
        this.spark = SparkSettings.read(c);
        this.ingest = IngestSettings.read(c);
        this.identity = IdentitySettings.read(c);
        this.fxRates = readFx(c);
        this.journeys = JourneySettings.read(c);
        this.channels = ChannelRule.readAll(c);
        this.experiments = Experiment.readAll(c, channels);
        this.attribution = AttributionSettings.read(c);
        this.marts = MartSettings.read(c);
        this.runs = RunSettings.read(c);
        this.quality = QualitySettings.read(c);
        this.report = ReportSettings.read(c, attribution);
        hashKey(); // fail at start-up, not at the first hashed column
    }

    /** Loads defaults, then the files in order, then the environment; validates everything. */
    public static TrueRoiConfig load(List<Path> files, Map<String, String> env) {
        Config resolved = ConfigLayers.merge(files, env);
        try {
            return new TrueRoiConfig(resolved, Map.copyOf(env));
        } catch (ConfigException e) {
            // Typesafe's message names the file, line and key: "x.conf: 1: trueroi.a has type STRING rather than
            // NUMBER".
            throw new ConfigError(e.getMessage(), e);
        }
    }

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
    public Map<String, BigDecimal> fxRates() {
        return fxRates;
    }

    public JourneySettings journeys() {
        return journeys;
    }

    /** The channel taxonomy, in order (first match wins). */
    public List<ChannelRule> channels() {
        return channels;
    }

    /** The lift experiments that calibrate the incremental model, in order. */
    public List<Experiment> experiments() {
        return experiments;
    }

    public AttributionSettings attribution() {
        return attribution;
    }

    public MartSettings marts() {
        return marts;
    }

    public ReportSettings report() {
        return report;
    }

    public RunSettings runs() {
        return runs;
    }

    public QualitySettings quality() {
        return quality;
    }

    /** The PII hash key from the environment; a dev key only where local config allows it. */
    public byte[] hashKey() {
        String var = new ConfigReader(config).nonBlank("trueroi.security.hash-key-env");
        String value = env.get(var);
        if (value != null && !value.isEmpty()) {
            if (value.length() < 16) {
                throw new ConfigError(
                        "environment variable " + var + " (trueroi.security.hash-key-env) must hold at least 16"
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

    /** {@code trueroi.fx-rates}: a positive rate for the reporting currency and every accepted one. */
    private Map<String, BigDecimal> readFx(ConfigReader c) {
        Map<String, BigDecimal> out = new TreeMap<>();
        c.stringMap("trueroi.fx-rates").forEach((cur, v) -> {
            String key = "trueroi.fx-rates." + cur;
            c.currency(key, cur);
            BigDecimal rate;
            try {
                rate = new BigDecimal(v);
            } catch (NumberFormatException e) {
                throw c.error(key, "must be a decimal number, cannot be: " + v);
            }
            if (rate.signum() <= 0) {
                throw c.error(key, "must be positive, cannot be: " + v);
            }
            out.put(cur, rate);
        });
        if (!out.containsKey(reportingCurrency)) {
            throw c.error("trueroi.fx-rates", "has no rate for the reporting currency " + reportingCurrency);
        }
        for (String cur : ingest.currencies()) {
            if (!out.containsKey(cur)) {
                throw c.error(
                        "trueroi.fx-rates", "has no rate for " + cur + ", which trueroi.ingest.currencies accepts");
            }
        }
        return Collections.unmodifiableMap(out);
    }
}
