package io.trueroi.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Config layering and the start-up errors, each of which must name the key (and file). */
class TrueRoiConfigTest {
    static final Map<String, String> ENV = Map.of("TRUEROI_HASH_KEY", "a-test-key-of-enough-length");

    @TempDir
    Path tmp;

    Path conf(String text) throws Exception {
        Path p = tmp.resolve("c" + Math.abs(text.hashCode()) + ".conf");
        Files.writeString(p, text);
        return p;
    }

    String error(String text, Map<String, String> env) throws Exception {
        Path p = conf(text);
        return assertThrows(ConfigError.class, () -> TrueRoiConfig.load(List.of(p), env))
                .getMessage();
    }

    /** The start-up error of a file holding {@code text}, which must start with {@code prefix}. */
    String assertErrorStarts(String text, String prefix) throws Exception {
        String message = error(text, ENV);
        assertTrue(message.startsWith(prefix), message);
        return message;
    }

    @Test
    void defaultsLoadWithAKeyInTheEnvironment() {
        TrueRoiConfig c = TrueRoiConfig.load(List.of(), ENV);
        assertEquals("warehouse", c.warehouse());
        assertEquals(ZoneId.of("Asia/Shanghai"), c.businessTimeZone());
        assertEquals(0.05, c.ingest().maxRejectRate());
        assertEquals("GBK", c.ingest().feed("ecommerce_orders").files().get(0).encoding());
        assertArrayEquals("a-test-key-of-enough-length".getBytes(StandardCharsets.UTF_8), c.hashKey());
    }

    @Test
    void laterFilesAndEnvironmentWin() throws Exception {
        Path a = conf("trueroi.warehouse = \"/a\"\ntrueroi.raw-root = \"/raw-a\"");
        Path b = conf("trueroi.warehouse = \"/b\"");
        TrueRoiConfig c = TrueRoiConfig.load(List.of(a, b), ENV);
        assertEquals("/b", c.warehouse());
        assertEquals("/raw-a", c.rawRoot());
        Map<String, String> env = Map.of(
                "TRUEROI_HASH_KEY",
                "a-test-key-of-enough-length",
                "TRUEROI_WAREHOUSE",
                "s3a://w/x",
                "CONFIG_FORCE_trueroi_ingest_max__reject__rate",
                "0.2");
        TrueRoiConfig e = TrueRoiConfig.load(List.of(a, b), env);
        assertEquals("s3a://w/x", e.warehouse());
        assertEquals(0.2, e.ingest().maxRejectRate());
    }

    @Test
    void aLayeredSparkConfAddsToTheDefaultsSparkSettings() throws Exception {
        // conf/application.conf ships spark.sql.codegen.hugeMethodLimit = 8000 (README, Configuration:
        // "a spark.conf block in your own file adds to it"); HOCON merges the two objects.
        assertEquals(
                "8000", TrueRoiConfig.load(List.of(), ENV).spark().conf().get("spark.sql.codegen.hugeMethodLimit"));
        Path mine = conf("trueroi.spark.conf { \"spark.sql.shuffle.partitions\" = \"8\" }");
        Map<String, String> merged =
                TrueRoiConfig.load(List.of(mine), ENV).spark().conf();
        assertEquals("8", merged.get("spark.sql.shuffle.partitions"));
        assertEquals("8000", merged.get("spark.sql.codegen.hugeMethodLimit"));
        Path override = conf("trueroi.spark.conf = { \"spark.sql.codegen.hugeMethodLimit\" = \"65535\" }");
        assertEquals(
                "65535",
                TrueRoiConfig.load(List.of(mine, override), ENV)
                        .spark()
                        .conf()
                        .get("spark.sql.codegen.hugeMethodLimit"),
                "a later file still wins key by key");
    }

    @Test
    void wrongTypeNamesKeyAndFile() throws Exception {
        String msg = error("trueroi.ingest.max-reject-rate = lots", ENV);
        assertTrue(msg.contains("trueroi.ingest.max-reject-rate"), msg);
        assertTrue(msg.contains("STRING rather than NUMBER"), msg);
        assertTrue(msg.matches(".*c[0-9]+\\.conf: 1: .*"), msg);
    }

    @Test
    void outOfRangeNamesKey() throws Exception {
        String msg = error("trueroi.ingest.max-reject-rate = 1.5", ENV);
        assertTrue(msg.startsWith("trueroi.ingest.max-reject-rate: must be between 0 and 1, cannot be: 1.5"), msg);
    }

    /** Issue 43: the report's settings, their defaults per file, and errors that name the key. */
    @Test
    void reportSettingsDefaultPerFileAndNameTheirKey() throws Exception {
        TrueRoiConfig defaults = TrueRoiConfig.load(List.of(), ENV);
        assertEquals(
                new ReportSettings(false, "reports", "zh-CN", io.trueroi.catalog.ModelName.MARKOV), defaults.report());
        assertTrue(TrueRoiConfig.load(List.of(Path.of("conf/local.conf")), ENV)
                .report()
                .enabled());
        assertEquals(
                false,
                TrueRoiConfig.load(List.of(Path.of("conf/local.conf"), Path.of("conf/production.conf")), ENV)
                        .report()
                        .enabled());
        // Without markov the page's model is the first one the night runs.
        assertEquals(
                io.trueroi.catalog.ModelName.LINEAR,
                TrueRoiConfig.load(List.of(conf("trueroi.attribution.models = [linear, last_touch]")), ENV)
                        .report()
                        .model());
        String locale = error("trueroi.report.locale = fr", ENV);
        assertTrue(locale.startsWith("trueroi.report.locale: must be one of [zh-CN, en], cannot be: fr"), locale);
        String model = error("trueroi.attribution.models = [linear]\ntrueroi.report.model = shapley", ENV);
        assertTrue(
                model.startsWith("trueroi.report.model: must be one of trueroi.attribution.models [linear], "
                        + "cannot be: shapley"),
                model);
    }

    @Test
    void intervalAndMarkovOrderSettingsAreCheckedAndNamed() throws Exception {
        TrueRoiConfig c = TrueRoiConfig.load(List.of(), ENV);
        assertEquals(100, c.attribution().intervalReplicates());
        assertEquals(0.9, c.attribution().intervalLevel());
        assertEquals(
                0,
                TrueRoiConfig.load(List.of(conf("trueroi.attribution.intervals.replicates = 0")), ENV)
                        .attribution()
                        .intervalReplicates());
        String few = error("trueroi.attribution.intervals.replicates = 5", ENV);
        assertTrue(
                few.startsWith("trueroi.attribution.intervals.replicates: must be 0 (no intervals) or between 10 and"
                        + " 1000, cannot be: 5"),
                few);
        assertTrue(TrueRoiConfig.load(List.of(conf("trueroi.attribution.markov.order = auto")), ENV)
                .attribution()
                .markovOrderAuto());
        assertEquals(
                3,
                TrueRoiConfig.load(List.of(conf("trueroi.attribution.markov.order = 3")), ENV)
                        .attribution()
                        .markovOrder());
        String order = error("trueroi.attribution.markov.order = 5", ENV);
        assertTrue(
                order.startsWith("trueroi.attribution.markov.order: must be auto or a whole number from 1 to 4, cannot"
                        + " be: 5"),
                order);
        String word = error("trueroi.attribution.markov.order = best", ENV);
        assertTrue(word.contains("cannot be: best"), word);
        String level = error("trueroi.attribution.intervals.level = 1", ENV);
        assertTrue(
                level.startsWith("trueroi.attribution.intervals.level: must be a coverage strictly between 0 and 1"),
                level);
    }

    /**
     * The incremental model's terms: auto by default with the configured half-life among the decay
     * bases (added when the list lacks it, kept in order); linear keeps one half-life; a bad value
     * names its key.
     */
    @Test
    void incrementalTermsAreCheckedByKey() throws Exception {
        IncrementalTerms auto = TrueRoiConfig.load(List.of(), ENV).attribution().incrementalTerms();
        assertTrue(auto.auto());
        assertEquals(List.of(1.0, 3.0, 7.0, 14.0, 30.0), auto.halfLivesDays());
        IncrementalTerms added = TrueRoiConfig.load(
                        List.of(conf(
                                "trueroi.attribution.incremental { half-life-days = 5, half-lives-days = [10, 2] }")),
                        ENV)
                .attribution()
                .incrementalTerms();
        assertEquals(List.of(2.0, 5.0, 10.0), added.halfLivesDays());
        IncrementalTerms linear = TrueRoiConfig.load(
                        List.of(conf("trueroi.attribution.incremental.terms = linear")), ENV)
                .attribution()
                .incrementalTerms();
        assertEquals(false, linear.auto());
        assertEquals(List.of(7.0), linear.halfLivesDays());
        assertErrorStarts(
                "trueroi.attribution.incremental.terms = all",
                "trueroi.attribution.incremental.terms: must be auto or linear, cannot be: all");
        assertErrorStarts(
                "trueroi.attribution.incremental.half-lives-days = [3, 0]",
                "trueroi.attribution.incremental.half-lives-days: must be positive");
        assertErrorStarts(
                "trueroi.attribution.incremental.synergy.ridges = [-1]",
                "trueroi.attribution.incremental.synergy.ridges: must be non-negative");
        assertErrorStarts(
                "trueroi.attribution.incremental.spec-tolerance = -2",
                "trueroi.attribution.incremental.spec-tolerance: must be a non-negative");
    }

    /**
     * A lift experiment reads with its lift and error (z of 90% = 1.6449: (70 − 10) / (2 × 1.6449)
     * / 400 = 0.045597 by hand); each bad field names the list element's key and its file.
     */
    @Test
    void experimentsAreCheckedByKey() throws Exception {
        assertEquals(List.of(), TrueRoiConfig.load(List.of(), ENV).experiments(), "shipped: none");
        String ok = "trueroi.experiments = [ { name = t1, channel = \"Baidu SEM\", from = \"2026-09-01\","
                + " to = \"2026-09-14\", treated-conversions = 400, incremental-conversions = 40, lo = 10,"
                + " hi = 70 } ]";
        Experiment e = TrueRoiConfig.load(List.of(conf(ok)), ENV).experiments().get(0);
        assertEquals("Baidu SEM", e.channel());
        assertEquals("holdout", e.design());
        assertEquals(0.90, e.level());
        assertEquals(0.1, e.lift(), 1e-15);
        assertEquals(0.045597, e.liftStandardError(), 5e-7);
        Map<String, String> cases = Map.of(
                ok.replace("Baidu SEM", "Baidu"), "channel: is no channel of trueroi.channels, cannot be: Baidu",
                ok.replace("2026-09-14", "2026-08-30"), "to: must not be before from",
                ok.replace("lo = 10", "lo = 50"), "lo: must be below hi with incremental-conversions between",
                ok.replace("treated-conversions = 400", "treated-conversions = 0"),
                        "treated-conversions: must be above 0",
                ok.replace("hi = 70", "hi = 70, level = 90"), "level: must be between 0 and 1",
                ok.replace("hi = 70", "hi = 70, colour = red"), "colour: unknown key",
                ok.replace("name = t1, ", ""), "name: is required",
                ok.replace("2026-09-01", "Sept 1"), "from: must be a date YYYY-MM-DD");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            String message = assertErrorStarts(c.getKey(), "trueroi.experiments[0]." + c.getValue());
            assertTrue(message.contains(".conf: 1"), "names the file and line: " + message);
        }
        assertErrorStarts(
                ok.replace("} ]", "}, " + ok.substring(ok.indexOf('{'))),
                "trueroi.experiments[1].name: names another experiment already");
    }

    /** Lifetime value: days by default, weeks as seven days; a unit or rate out of range names its key. */
    @Test
    void clvSettingsAreCheckedByKey() throws Exception {
        TrueRoiConfig c = TrueRoiConfig.load(List.of(), ENV);
        assertEquals(1, c.marts().clv().unitDays());
        assertEquals(0.10, c.marts().clv().annualDiscountRate());
        assertTrue(c.marts().clv().enabled());
        assertEquals(50, c.marts().clv().minRepeatBuyers());
        String min = error("trueroi.marts.clv.min-repeat-buyers = 0", ENV);
        assertTrue(min.startsWith("trueroi.marts.clv.min-repeat-buyers: must be at least 1, cannot be: 0"), min);
        assertEquals(
                7,
                TrueRoiConfig.load(List.of(conf("trueroi.marts.clv.time-unit = weeks")), ENV)
                        .marts()
                        .clv()
                        .unitDays());
        String unit = error("trueroi.marts.clv.time-unit = months", ENV);
        assertTrue(unit.startsWith("trueroi.marts.clv.time-unit: must be days or weeks, cannot be: months"), unit);
        String rate = error("trueroi.marts.clv.annual-discount-rate = 1.5", ENV);
        assertTrue(rate.startsWith("trueroi.marts.clv.annual-discount-rate: must be between 0 and 1"), rate);
    }

    @Test
    void unknownKeyIsRejected() throws Exception {
        String msg = error("trueroi.warehose = \"/typo\"", ENV);
        assertTrue(msg.contains("unknown configuration key(s): trueroi.warehose"), msg);
    }

    @Test
    void personalUrlParametersAreNamesOnly() throws Exception {
        assertTrue(TrueRoiConfig.load(List.of(), ENV)
                .ingest()
                .personalUrlParameters()
                .contains("mobile"));
        String msg = error("trueroi.ingest.personal-url-parameters = [\"mobile\", \"e mail=\"]", ENV);
        assertTrue(
                msg.startsWith("trueroi.ingest.personal-url-parameters: must be query parameter names"
                        + " (letters, digits, _ . - [ ]), cannot be: 'e mail='"),
                msg);
    }

    @Test
    void badTimeZoneNamesKey() throws Exception {
        String msg = error("trueroi.ingest.pos-store-time-zones { SH009 = \"Mars/Olympus\" }", ENV);
        assertTrue(msg.startsWith("trueroi.ingest.pos-store-time-zones.SH009: must be a time zone id"), msg);
    }

    @Test
    void badEncodingInFileRuleNamesKey() throws Exception {
        String msg =
                error("trueroi.ingest.feeds.wechat_events.files = [{ glob = \"*\", encoding = \"KLINGON\" }]", ENV);
        assertTrue(msg.startsWith("trueroi.ingest.feeds.wechat_events.files[0].encoding: must be a charset name"), msg);
    }

    @Test
    void qualitySettingsAreCheckedAndNamed() throws Exception {
        QualitySettings q = TrueRoiConfig.load(List.of(), ENV).quality();
        assertTrue(q.enabled());
        assertEquals(QualitySettings.Severity.ERROR, q.severity("unique"));
        assertEquals(QualitySettings.Severity.WARN, q.severity("volume"));
        assertEquals(14, q.volumeNights());
        String severity = error("trueroi.quality.severity.sums = fatal", ENV);
        assertTrue(
                severity.startsWith("trueroi.quality.severity.sums: must be error or warn, cannot be: fatal"),
                severity);
        String factor = error("trueroi.quality.volume.factor = 1", ENV);
        assertTrue(factor.startsWith("trueroi.quality.volume.factor: must be more than 1, cannot be: 1.0"), factor);
        String table = error("trueroi.quality.freshness-lag-days.wechat_evnts = 1", ENV);
        assertTrue(
                table.contains("unknown configuration key(s): trueroi.quality.freshness-lag-days.wechat_evnts"), table);
    }

    @Test
    void missingFileIsNamed() {
        Path missing = tmp.resolve("nope.conf");
        String msg = assertThrows(ConfigError.class, () -> TrueRoiConfig.load(List.of(missing), ENV))
                .getMessage();
        assertTrue(msg.contains("nope.conf") && msg.contains("does not exist"), msg);
    }

    @Test
    void syntaxErrorNamesFileAndLine() throws Exception {
        String msg = error("trueroi {\n  warehouse = \n", ENV);
        // The value is missing at the end of the file: line 3.
        assertTrue(msg.matches(".*c[0-9]+\\.conf: 3: .*"), msg);
    }

    @Test
    void hashKeyComesOnlyFromTheEnvironment() {
        String msg = assertThrows(ConfigError.class, () -> TrueRoiConfig.load(List.of(), Map.of()))
                .getMessage();
        assertTrue(msg.contains("TRUEROI_HASH_KEY") && msg.contains("trueroi.security.hash-key-env"), msg);
        String shortKey = assertThrows(
                        ConfigError.class, () -> TrueRoiConfig.load(List.of(), Map.of("TRUEROI_HASH_KEY", "short")))
                .getMessage();
        assertTrue(shortKey.contains("at least 16"), shortKey);
    }

    @Test
    void localConfigMayUseTheDevelopmentKey() throws Exception {
        TrueRoiConfig c = TrueRoiConfig.load(List.of(conf("trueroi.security.allow-dev-hash-key = true")), Map.of());
        assertTrue(c.usesDevHashKey());
        assertArrayEquals(TrueRoiConfig.DEV_HASH_KEY.getBytes(StandardCharsets.UTF_8), c.hashKey());
    }

    @Test
    void shippedConfFilesAreValid() {
        // Each file loads, and its own values (not the defaults') are the ones in force.
        TrueRoiConfig local = TrueRoiConfig.load(List.of(Path.of("conf/local.conf")), ENV);
        assertEquals("warehouse", local.warehouse());
        assertEquals("sample-data", local.rawRoot());
        assertEquals("local[*]", local.spark().master());
        assertEquals("32", local.spark().conf().get("spark.sql.shuffle.partitions"));
        assertEquals(
                "io.trueroi.local.NoForkLocalFileSystem", local.spark().conf().get("spark.hadoop.fs.file.impl"));
        TrueRoiConfig production = TrueRoiConfig.load(List.of(Path.of("conf/production.conf")), ENV);
        assertEquals("s3a://trueroi-warehouse/prod", production.warehouse());
        assertEquals("", production.spark().master(), "the master comes from spark-submit");
        assertFalse(production.raw().getBoolean("trueroi.security.allow-dev-hash-key"));
        assertFalse(production.spark().conf().containsKey("spark.hadoop.fs.file.impl"));
    }
}
