package io.trueroi.config;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValueType;
import java.nio.charset.Charset;
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
 * {@code trueroi.ingest}: the reject limit, line size, phone region, accepted currencies, till
 * time zones, the URL query parameters that carry personal data, the window of plausible business
 * times, and per silver table its feed (folder, file rules, header aliases).
 */
public record IngestSettings(
        double maxRejectRate,
        int maxLineBytes,
        String defaultPhoneRegion,
        List<String> currencies,
        Map<String, String> posStoreTimeZones,
        String posDefaultTimeZone,
        List<String> personalUrlParameters,
        int maxDaysAfterDelivery,
        java.time.Instant earliestTime,
        Map<String, FeedSettings> feeds) {

    /** Keys of a feed's file rule besides glob and encoding that readers understand. */
    public static final Set<String> FILE_RULE_KEYS = Set.of("glob", "encoding", "platform", "time-zone", "currency");

    /** The feed of a silver table, by the table's name. */
    public FeedSettings feed(String name) {
        FeedSettings f = feeds.get(name);
        if (f == null) {
            throw new ConfigError("trueroi.ingest.feeds." + name + " is missing");
        }
        return f;
    }

    /** Where one silver table's raw files are and how to read each kind of file. */
    public record FeedSettings(
            String name, String path, List<FileRule> files, Map<String, List<String>> headerAliases) {}

    /** A glob over file names with the file's encoding and reader attributes. */
    public record FileRule(String glob, String encoding, Map<String, String> attributes) {}

    static IngestSettings read(ConfigReader c) {
        String p = "trueroi.ingest.";
        Config config = c.config();
        double maxRejectRate = config.getDouble(p + "max-reject-rate");
        if (!(maxRejectRate >= 0 && maxRejectRate <= 1)) {
            throw c.error(p + "max-reject-rate", "must be between 0 and 1, cannot be: " + maxRejectRate);
        }
        int maxLineBytes = c.atLeast(p + "max-line-bytes", 1024);
        String region = config.getString(p + "default-phone-region").toUpperCase(Locale.ROOT);
        if (!PhoneNumberUtil.getInstance().getSupportedRegions().contains(region)) {
            throw c.error(
                    p + "default-phone-region", "must be an ISO 3166 region such as CN or HK, cannot be: " + region);
        }
        List<String> currencies = new ArrayList<>();
        for (String cur : config.getStringList(p + "currencies")) {
            currencies.add(c.currency(p + "currencies", cur));
        }
        Map<String, String> storeZones = new TreeMap<>();
        c.stringMap(p + "pos-store-time-zones")
                .forEach((store, z) -> storeZones.put(
                        store, c.zone(p + "pos-store-time-zones." + store, z).getId()));
        String posDefault = c.zone(p + "pos-default-time-zone", config.getString(p + "pos-default-time-zone"))
                .getId();
        List<String> urlParameters = new ArrayList<>();
        for (String name : config.getStringList(p + "personal-url-parameters")) {
            if (!name.matches("[A-Za-z0-9_.\\-\\[\\]]+")) {
                throw c.error(
                        p + "personal-url-parameters",
                        "must be query parameter names (letters, digits, _ . - [ ]), cannot be: '" + name + "'");
            }
            urlParameters.add(name.toLowerCase(Locale.ROOT));
        }
        int maxDaysAfter = c.atLeast(p + "max-days-after-delivery", 0);
        java.time.Instant earliest;
        try {
            earliest = java.time.Instant.parse(config.getString(p + "earliest-time"));
        } catch (java.time.format.DateTimeParseException e) {
            throw c.error(
                    p + "earliest-time",
                    "must be an ISO-8601 instant such as 2000-01-01T00:00:00Z, cannot be: '"
                            + config.getString(p + "earliest-time") + "'");
        }
        Map<String, FeedSettings> feeds = new LinkedHashMap<>();
        ConfigObject feedsObj = config.getObject(p + "feeds");
        for (String feed : new TreeSet<>(feedsObj.keySet())) {
            feeds.put(feed, readFeed(c, p + "feeds." + feed, feed));
        }
        return new IngestSettings(
                maxRejectRate,
                maxLineBytes,
                region,
                List.copyOf(currencies),
                Collections.unmodifiableMap(storeZones),
                posDefault,
                List.copyOf(urlParameters),
                maxDaysAfter,
                earliest,
                Collections.unmodifiableMap(feeds));
    }

    private static FeedSettings readFeed(ConfigReader c, String key, String feed) {
        String path = c.nonBlank(key + ".path");
        List<? extends ConfigObject> list;
        try {
            list = c.config().getObjectList(key + ".files");
        } catch (ConfigException.WrongType e) {
            throw c.error(key + ".files", "must be a list of objects like { glob = \"*.csv\" }");
        }
        if (list.isEmpty()) {
            throw c.error(key + ".files", "must list at least one file rule");
        }
        List<FileRule> rules = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            rules.add(readFileRule(c, key + ".files[" + i + "]", list.get(i).toConfig()));
        }
        Map<String, List<String>> aliases = new TreeMap<>();
        if (c.config().hasPath(key + ".header-aliases")) {
            ConfigObject obj = c.config().getObject(key + ".header-aliases");
            for (String column : obj.keySet()) {
                try {
                    aliases.put(
                            column, List.copyOf(c.config().getStringList(key + ".header-aliases." + quote(column))));
                } catch (ConfigException.WrongType e) {
                    throw c.error(key + ".header-aliases." + column, "must be a list of header names");
                }
            }
        }
        return new FeedSettings(feed, path, List.copyOf(rules), Collections.unmodifiableMap(aliases));
    }

    private static FileRule readFileRule(ConfigReader c, String ruleKey, Config rule) {
        for (String k : rule.root().keySet()) {
            if (!FILE_RULE_KEYS.contains(k)) {
                throw c.error(
                        ruleKey + "." + k, "unknown file-rule key; expected one of " + new TreeSet<>(FILE_RULE_KEYS));
            }
            if (rule.root().get(k).valueType() != ConfigValueType.STRING) {
                throw c.error(ruleKey + "." + k, "must be a string");
            }
        }
        if (!rule.hasPath("glob") || rule.getString("glob").isBlank()) {
            throw c.error(ruleKey + ".glob", "is required");
        }
        String encoding = rule.hasPath("encoding") ? rule.getString("encoding") : "UTF-8";
        try {
            Charset.forName(encoding);
        } catch (IllegalArgumentException e) {
            throw c.error(ruleKey + ".encoding", "must be a charset name such as UTF-8 or GBK, cannot be: " + encoding);
        }
        Map<String, String> attrs = new TreeMap<>();
        for (String k : rule.root().keySet()) {
            if (!k.equals("glob") && !k.equals("encoding")) {
                attrs.put(k, rule.getString(k));
            }
        }
        if (attrs.containsKey("time-zone")) {
            c.zone(ruleKey + ".time-zone", attrs.get("time-zone"));
        }
        if (attrs.containsKey("currency")) {
            c.currency(ruleKey + ".currency", attrs.get("currency"));
        }
        return new FileRule(rule.getString("glob"), encoding, Collections.unmodifiableMap(attrs));
    }

    private static String quote(String k) {
        return k.matches("[A-Za-z0-9_-]+") ? k : "\"" + k + "\"";
    }
}
