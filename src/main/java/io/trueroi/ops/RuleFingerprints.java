package io.trueroi.ops;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import io.trueroi.catalog.Stage;
import io.trueroi.catalog.Table;
import io.trueroi.config.TrueRoiConfig;
import io.trueroi.spark.Warehouse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code ops.rule_fingerprints}: the settings each stage built the warehouse with (for ingest, the
 * fingerprint of the PII hash key, never the key), one
 * row per stage (the settings as JSON and their SHA-256). A night keeps earlier rows and adds or
 * replaces only what its data touches, so a night run with other rules (a changed
 * {@code conf/channels.conf}, over-merge guard, lookback or model list) would leave old and new
 * rules mixed in one table. Such a run fails before its first stage, naming the keys that changed,
 * and asks for {@code --full-refresh}, which rebuilds with the new rules and records them.
 *
 * <p>Settings that change how a stage runs but not what it writes (checkpoint kind and folder,
 * Spark settings), and those of tables rebuilt whole every run ({@link #REBUILT_WHOLE}), are not
 * part of a fingerprint.
 *
 * <p>Cost: one read of a table of at most one row per stage per run ({@link #read}); one small
 * write after a stage whose settings were not recorded yet.
 */
public final class RuleFingerprints {
    /** The fingerprint of the PII hash key ({@link #keyFingerprint}), recorded as if a setting. */
    static final String KEY_FINGERPRINT = Stage.HASH_KEY_FINGERPRINT;

    /**
     * Paths under a stage's {@link Stage#settings()} that decide only tables every run rebuilds whole (the bootstrap's
     * {@code attribution.credit_replicates} and the intervals the marts take from it; the lifetime
     * value's {@code mart.customer_clv} and {@code mart.channel_predicted_clv}, and the run date's
     * own rows of {@code mart.clv_model}, which say their time unit): a night with other values
     * cannot mix them with old ones, so they are left out of the fingerprint.
     */
    static final List<String> REBUILT_WHOLE = List.of("trueroi.attribution.intervals", "trueroi.marts.clv");

    static final StructType SCHEMA = new StructType()
            .add("stage", DataTypes.StringType, false)
            .add("fingerprint", DataTypes.StringType, false)
            .add("settings", DataTypes.StringType, false)
            .add("run_id", DataTypes.StringType, false)
            .add("recorded_at", DataTypes.TimestampType, false);

    /** The recorded rows by stage, as read once and then kept up to date by {@link #record}. */
    private final Map<String, Row> recorded;

    private RuleFingerprints(Map<String, Row> recorded) {
        this.recorded = recorded;
    }

    /** The warehouse's recorded settings (none for a new warehouse). */
    public static RuleFingerprints read(Warehouse warehouse) {
        Map<String, Row> rows = new LinkedHashMap<>();
        if (warehouse.exists(Table.RULE_FINGERPRINTS)) {
            for (Row r : warehouse
                    .read(Table.RULE_FINGERPRINTS)
                    .select("stage", "fingerprint", "settings", "run_id", "recorded_at")
                    .collectAsList()) {
                rows.put(r.getString(0), r);
            }
        }
        return new RuleFingerprints(rows);
    }

    /**
     * Fails when any of these stages has recorded settings that differ from the config's; a stage
     * with none recorded (a new warehouse, or one built before fingerprints) passes.
     */
    public void check(TrueRoiConfig config, List<Stage> stages) {
        List<String> changes = new ArrayList<>();
        for (Stage stage : stages) {
            String before =
                    recorded.containsKey(stage.id()) ? recorded.get(stage.id()).getString(2) : null;
            if (before != null) {
                List<String> keys = changedKeys(before, settings(config, stage));
                if (!keys.isEmpty()) {
                    changes.add(stage + " (" + String.join(", ", keys) + ")");
                }
            }
        }
        if (!changes.isEmpty()) {
            String key = changes.stream().anyMatch(c -> c.contains(KEY_FINGERPRINT))
                    ? "; the PII hash key is not the one the warehouse was built with: no new hash would match an"
                            + " old one and every identity would split; set the same key, or"
                    : ";";
            throw new JobFailure("the rules changed since the warehouse was built: " + String.join("; ", changes) + key
                    + " a night would mix old and new rules in one table: run with --full-refresh to rebuild "
                    + "every table with the new rules");
        }
    }

    /** Records the stage's settings, unless the same are recorded already. */
    public void record(Warehouse warehouse, TrueRoiConfig config, Stage stage, RunContext run) {
        String now = settings(config, stage);
        if (recorded.containsKey(stage.id())
                && recorded.get(stage.id()).getString(2).equals(now)) {
            return;
        }
        recorded.put(
                stage.id(),
                RowFactory.create(
                        stage.id(),
                        sha256(now),
                        now,
                        run.runId(),
                        new Timestamp(run.startedAt().toEpochMilli())));
        warehouse.overwrite(
                warehouse.spark().createDataFrame(new ArrayList<>(recorded.values()), SCHEMA), Table.RULE_FINGERPRINTS);
    }

    /** The stage's settings as JSON with sorted keys: the same settings always render the same. */
    static String settings(TrueRoiConfig config, Stage stage) {
        Config picked = picked(config, stage);
        for (String path : REBUILT_WHOLE) {
            picked = picked.withoutPath(path);
        }
        return picked.root().render(ConfigRenderOptions.concise());
    }

    /**
     * The SHA-256 of every setting that decides what the stage writes, those of the tables rebuilt
     * whole included: two runs with the same one, on the same inputs, write the same rows.
     */
    public static String stateOfRules(TrueRoiConfig config, Stage stage) {
        return sha256(picked(config, stage).root().render(ConfigRenderOptions.concise()));
    }

    private static Config picked(TrueRoiConfig config, Stage stage) {
        Config picked = ConfigFactory.empty();
        for (String path : stage.settings()) {
            if (path.equals(KEY_FINGERPRINT)) {
                picked = picked.withValue(path, ConfigValueFactory.fromAnyRef(keyFingerprint(config.hashKey())));
            } else if (config.raw().hasPath(path) && !isEmptyList(config.raw().getValue(path))) {
                // An empty list (no lift experiments) is recorded as no setting, so a warehouse
                // recorded before the setting existed reads as built with the same rules.
                picked = picked.withValue(path, config.raw().getValue(path));
            }
        }
        return picked;
    }

    private static boolean isEmptyList(ConfigValue v) {
        return v instanceof com.typesafe.config.ConfigList list && list.isEmpty();
    }

    /** The leaf keys whose values differ between two renderings, with both values. */
    static List<String> changedKeys(String before, String now) {
        Map<String, ConfigValue> a = leaves(before);
        Map<String, ConfigValue> b = leaves(now);
        TreeSet<String> keys = new TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        List<String> changed = new ArrayList<>();
        for (String k : keys) {
            Object x = a.containsKey(k) ? a.get(k).unwrapped() : null;
            Object y = b.containsKey(k) ? b.get(k).unwrapped() : null;
            if (!Objects.equals(x, y)) {
                changed.add(k + ": " + brief(a.get(k)) + " -> " + brief(b.get(k)));
            }
        }
        return changed;
    }

    private static Map<String, ConfigValue> leaves(String json) {
        Map<String, ConfigValue> out = new LinkedHashMap<>();
        ConfigFactory.parseString(json).entrySet().forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /** A value as it reads in a message: short values whole, long ones (a channel list) by size. */
    private static String brief(ConfigValue v) {
        if (v == null) {
            return "(unset)";
        }
        String text = v.render(ConfigRenderOptions.concise());
        return text.length() <= 60 ? text : "(" + text.length() + " characters)";
    }

    /**
     * 16 hex digits of HMAC-SHA-256 under the key of a fixed label: the same key always gives the
     * same fingerprint, and the fingerprint gives nothing back of the key.
     */
    static String keyFingerprint(byte[] key) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of()
                    .formatHex(mac.doFinal("trueroi hash key fingerprint".getBytes(StandardCharsets.UTF_8)))
                    .substring(0, 16);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
