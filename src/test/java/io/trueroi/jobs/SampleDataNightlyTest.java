package io.trueroi.jobs;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trueroi.catalog.Layer;
import io.trueroi.catalog.Stage;
import io.trueroi.catalog.Table;
import io.trueroi.spark.Warehouse;
import io.trueroi.testing.SharedSpark;
import io.trueroi.testing.TestWorld;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, end to end: {@code nightly} over the whole of {@code sample-data/}
 * through the real command line, then every table's row count and every quarantine reason
 * checked against {@code sample-data/expected_counts.json}, which the generator computed from what
 * it planted (independently of this code).
 */
@ExtendWith(SharedSpark.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SampleDataNightlyTest {
    @TempDir
    static Path tmp;

    JsonNode expected;
    Warehouse warehouse;
    String stdout;
    int exitCode;

    @BeforeAll
    void runNightly(SparkSession spark) throws Exception {
        expected = new ObjectMapper().readTree(Files.readString(Path.of("sample-data/expected_counts.json")));
        Path conf = tmp.resolve("wh.conf");
        // conf/local.conf turns the report on: the night writes its page under tmp.
        Files.writeString(
                conf,
                "trueroi.warehouse = \"" + tmp.resolve("warehouse") + "\"\n" + "trueroi.report.out = \""
                        + tmp.resolve("reports") + "\"\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        exitCode = TrueRoi.run(
                new String[] {
                    "nightly",
                    "--from",
                    expected.get("first_day").asText(),
                    "--to",
                    expected.get("last_day").asText(),
                    "--conf",
                    "conf/local.conf",
                    "--conf",
                    conf.toString()
                },
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                TestWorld.ENV);
        stdout = out.toString();
        assertEquals(0, exitCode, err.toString());
        warehouse = new Warehouse(spark, tmp.resolve("warehouse").toString());
    }

    static Map<String, Long> longs(JsonNode node) {
        Map<String, Long> out = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), e.getValue().asLong());
        }
        return out;
    }

    /**
     * Issue 40: each stage's job_runs row records the version of every table it read, and on a
     * night from an empty warehouse it read every input its declaration names ({@link Stage#inputs()}),
     * each at the version its writing stage left (no later stage writes it).
     */
    @Test
    void eachStageReadEveryDeclaredInputAtTheVersionItsWriterLeft() {
        for (Stage stage : Stage.values()) {
            Row row = warehouse
                    .read(Table.JOB_RUNS)
                    .filter(col("job").equalTo(stage.id()).and(col("status").equalTo("SUCCEEDED")))
                    .first();
            Map<String, Long> inputs = scala.jdk.javaapi.CollectionConverters.asJava(
                    row.<scala.collection.Map<String, Long>>getAs("inputs"));
            for (Table t : stage.inputs()) {
                assertEquals(warehouse.version(t), inputs.get(t.qualifiedName()), stage + " read " + t);
            }
            assertTrue(
                    stage.readable().stream().map(Table::qualifiedName).toList().containsAll(inputs.keySet()),
                    stage + " " + inputs);
        }
    }

    @Test
    void everySilverTableHasTheExpectedRows() {
        Map<String, Long> rows = longs(expected.get("silver_rows"));
        assertEquals(9, rows.size());
        rows.forEach((table, n) -> {
            assertEquals(n, warehouse.read(Table.silver(table)).count(), table);
            assertTrue(
                    stdout.matches("(?s).*silver\\." + table + " +" + n + " .*"),
                    "summary line for " + table + ":\n" + stdout);
        });
    }

    /**
     * Issue 28, part 3: {@code DESCRIBE TABLE} shows every table's comment and every column's, the
     * text of {@code tables.conf}, and that file documents no column a table lacks.
     */
    @Test
    void everyTableAndColumnCarriesItsComment(SparkSession spark) {
        int tables = 0;
        for (Table t : Table.values()) {
            if (!warehouse.exists(t)) {
                continue;
            }
            tables++;
            Map<String, String> comments = new java.util.LinkedHashMap<>();
            String tableComment = null;
            for (Row r :
                    spark.sql("DESCRIBE TABLE EXTENDED " + t.qualifiedName()).collectAsList()) {
                String name = r.getString(0);
                if (name.equals("Comment")) {
                    tableComment = r.getString(1);
                } else if (!name.isBlank() && !name.startsWith("#")) {
                    comments.putIfAbsent(name, r.getString(2));
                }
            }
            assertEquals(io.trueroi.catalog.TableDocs.comment(t), tableComment, t.toString());
            java.util.List<String> columns =
                    java.util.Arrays.asList(warehouse.read(t).columns());
            assertEquals(
                    new java.util.ArrayList<>(
                            io.trueroi.catalog.TableDocs.columns(t).keySet()),
                    columns,
                    t + ": the documented columns, in order");
            for (String c : columns) {
                assertEquals(io.trueroi.catalog.TableDocs.columns(t).get(c), comments.get(c), t + "." + c);
            }
        }
        // The sample night writes every table of the catalogue (some empty, such as the merges).
        assertEquals(Table.values().length, tables);
    }

    /**
     * Issue 28, part 2: the night recorded one row per check, no error check failed (the run
     * succeeded), and every failed warn check is listed in the run's summary, in the words of its
     * row.
     */
    @Test
    void failedWarnChecksArePrintedInTheSummary() {
        Dataset<Row> checks = warehouse.read(Table.QUALITY_CHECKS);
        assertEquals(0, checks.filter("severity = 'error' AND NOT passed").count());
        List<Row> warned = checks.filter("NOT passed").collectAsList();
        // The sample's WeChat user and phone exports stop before its last days, so at least
        // freshness warns.
        assertFalse(warned.isEmpty());
        assertTrue(stdout.contains("quality warnings (" + warned.size() + "):"), stdout);
        for (Row r : warned) {
            String line =
                    r.<String>getAs("check") + " on " + r.<String>getAs("table") + ": " + r.<String>getAs("detail");
            assertTrue(stdout.contains(line), line + "\n" + stdout);
        }
    }

    @Test
    void everyPlantedBadLineIsQuarantinedWithItsReason() {
        Map<String, Long> actual = new HashMap<>();
        for (Row r : warehouse
                .read(Table.REJECTED_RECORDS)
                .groupBy("source", "reason_code")
                .count()
                .collectAsList()) {
            actual.put(r.getString(0) + "/" + r.getString(1), r.getLong(2));
        }
        Map<String, Long> want = new HashMap<>();
        expected.get("rejected").fields().forEachRemaining(t -> t.getValue()
                .fields()
                .forEachRemaining(c ->
                        want.put(t.getKey() + "/" + c.getKey(), c.getValue().asLong())));
        assertEquals(want, actual);
    }

    @Test
    void jobRunsRecordNightlyAndIngestWithPerSourceCounts() {
        // The nightly's STARTED row came first; the rest are end rows.
        assertEquals(
                List.of("nightly"),
                warehouse
                        .read(Table.JOB_RUNS)
                        .filter("status = 'STARTED'")
                        .select("job")
                        .as(org.apache.spark.sql.Encoders.STRING())
                        .collectAsList());
        List<Row> runs = warehouse
                .read(Table.JOB_RUNS)
                .filter("status <> 'STARTED'")
                .orderBy("started_at")
                .collectAsList();
        assertEquals(
                List.of("attribution", "identity", "ingest", "journeys", "marts", "nightly", "report"),
                runs.stream().map(r -> r.<String>getAs("job")).sorted().toList());
        Row ingest = runs.stream()
                .filter(r -> r.getAs("job").equals("ingest"))
                .findFirst()
                .orElseThrow();
        Row nightly = runs.stream()
                .filter(r -> r.getAs("job").equals("nightly"))
                .findFirst()
                .orElseThrow();
        assertEquals("SUCCEEDED", ingest.getAs("status"));
        assertTrue(runs.stream().allMatch(r -> "SUCCEEDED".equals(r.getAs("status"))), runs.toString());
        assertEquals("SUCCEEDED", nightly.getAs("status"));
        assertEquals(nightly.<String>getAs("run_id"), ingest.getAs("parent_run_id"));
        Map<String, Long> read = longs(expected.get("lines_read"));
        Map<String, Long> dups = longs(expected.get("duplicates"));
        List<Row> sources = ingest.getList(ingest.fieldIndex("sources"));
        assertEquals(9, sources.size());
        for (Row s : sources) {
            String table = s.getAs("table");
            assertEquals(read.get(table), s.<Long>getAs("rows_read"), table + " rows_read");
            assertEquals(dups.getOrDefault(table, 0L), s.<Long>getAs("rows_duplicate"), table + " rows_duplicate");
            if (!table.equals("wecom_contacts")) { // a WeCom line may hold several follow_user rows
                assertEquals(
                        s.<Long>getAs("rows_read"),
                        s.<Long>getAs("rows_written")
                                + s.<Long>getAs("rows_quarantined")
                                + s.<Long>getAs("rows_duplicate"),
                        table + ": read = written + quarantined + duplicate");
            }
        }
    }

    @Test
    void identityFindsTheOneIdsOfTheGeneratorsUnionFind() throws Exception {
        // expected_counts.json "identity" comes from generate.py's own union-find over the identifiers
        // of every good row, with the same rules (scoped openids, guard limits, clicks not counted).
        JsonNode want = expected.get("identity");
        Dataset<Row> map = warehouse.read(Table.IDENTITY_MAP);
        assertEquals(want.get("identifiers").asLong(), map.count());
        assertEquals(
                want.get("one_ids").asLong(), map.select("one_id").distinct().count());
        List<Row> ambiguous = warehouse.read(Table.AMBIGUOUS_IDENTIFIERS).collectAsList();
        assertEquals(want.get("ambiguous_identifiers").asLong(), ambiguous.size());
        // The planted hub: head office's landline typed at the tills for many members.
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(TestWorld.HASH_KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String phoneHash = HexFormat.of().formatHex(mac.doFinal("+862162888888".getBytes(StandardCharsets.UTF_8)));
        String idHash = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(("phone:" + phoneHash).getBytes(StandardCharsets.UTF_8)));
        assertEquals(idHash, ambiguous.get(0).getAs("id_value_hash"));
        assertEquals("member", ambiguous.get(0).getAs("neighbour_type"));
    }

    @Test
    void journeysFindEveryTouchAndConversionThatWasGenerated() {
        // expected_counts.json "journeys": touches = clicks + OA events + WeCom adds + utm landings
        // without a click id; conversions = paid, not cancelled/closed orders + till sales; the bot's
        // 60 clicks in one hour are the only invalid traffic.
        JsonNode want = expected.get("journeys");
        Dataset<Row> touchpoints = warehouse.read(Table.TOUCHPOINTS);
        assertEquals(want.get("touchpoints").asLong(), touchpoints.count());
        assertEquals(
                want.get("invalid_clicks").asLong(),
                touchpoints.filter("is_invalid").count());
        assertEquals(0, touchpoints.filter("channel = '(unmapped)'").count(), "every sample touch has a channel rule");
        Dataset<Row> conversions = warehouse.read(Table.CONVERSIONS);
        assertEquals(want.get("conversions").asLong(), conversions.count());
        Dataset<Row> journeys = warehouse.read(Table.JOURNEYS);
        assertEquals(
                conversions.filter("one_id IS NOT NULL").count(),
                journeys.filter("converted").count(),
                "one journey per conversion with a OneID");
        // Net revenue is carried unchanged from conversions to journeys.
        assertEquals(
                conversions
                        .filter("one_id IS NOT NULL")
                        .agg(org.apache.spark.sql.functions.sum("net_revenue"))
                        .first()
                        .get(0),
                journeys.agg(org.apache.spark.sql.functions.sum("net_revenue"))
                        .first()
                        .get(0));
    }

    @Test
    void everyModelCreditsEveryConversionExactly(SparkSession spark) {
        // Per model, each converting journey's credits sum to exactly 1 and to its net revenue, so
        // each model's totals are the journeys' totals (380 conversions, 377 with a OneID).
        // By name: other test classes in this session registered the same names for their own
        // warehouses, and registerAll must repoint them here.
        warehouse.registerAll();
        List<Row> totals = spark.sql(
                        """
        SELECT c.model, count(DISTINCT c.journey_id), sum(c.conversion_credit), sum(c.revenue_credit),
               count_if(c.channel = '(unmapped)')
        FROM attribution.credits c GROUP BY c.model ORDER BY c.model""")
                .collectAsList();
        assertEquals(
                List.of(
                        "first_touch",
                        "incremental",
                        "last_non_direct",
                        "last_touch",
                        "linear",
                        "markov",
                        "position_based",
                        "shapley",
                        "time_decay"),
                totals.stream().map(r -> r.getString(0)).toList());
        Row journeys = spark.sql("SELECT count(*), sum(net_revenue) FROM journey.journeys WHERE converted")
                .first();
        assertEquals(
                expected.get("journeys").get("conversions").asLong() - 3,
                journeys.getLong(0),
                "three sample conversions carry no usable identifier");
        for (Row r : totals) {
            assertEquals(journeys.getLong(0), r.getLong(1), r.getString(0));
            assertEquals(0, new java.math.BigDecimal(journeys.getLong(0)).compareTo(r.getDecimal(2)), r.getString(0));
            assertEquals(journeys.getDecimal(1), r.getDecimal(3), r.getString(0));
        }
        assertEquals(
                0,
                spark.sql(
                                """
        SELECT journey_id, model FROM attribution.credits c JOIN journey.journeys j USING (journey_id)
        GROUP BY journey_id, model, j.net_revenue
        HAVING sum(conversion_credit) != 1 OR sum(revenue_credit) != j.net_revenue""")
                        .count());
        // The Markov fit of the last date: the global model and both order channels (local.conf lets
        // them fit with 50 journeys in the window).
        List<Row> fits = spark.sql("SELECT DISTINCT segment, fitted_on FROM attribution.markov_removal_effects"
                        + " WHERE as_of_date = DATE'2026-10-31' ORDER BY 1")
                .collectAsList();
        assertEquals("[[(all),(all)], [offline,offline], [online,online]]", fits.toString());
        // A fit per date from the first journey's: on the world's first day (320 people over 120
        // days) no order channel has 50 journeys in its window yet, so each one seen uses the global fit.
        List<Row> first = spark.sql("SELECT DISTINCT fitted_on FROM attribution.markov_removal_effects"
                        + " WHERE as_of_date = DATE'2026-07-04' AND segment != '(all)'")
                .collectAsList();
        assertEquals("[[(all)]]", first.toString());
        assertEquals(
                1.0,
                spark.sql("SELECT sum(share) FROM attribution.markov_removal_effects WHERE segment = '(all)'"
                                + " AND as_of_date = DATE'2026-10-31'")
                        .first()
                        .getDouble(0),
                1e-9);
    }

    @Test
    void tablesAreQueryableByName(SparkSession spark) {
        warehouse.registerAll();
        assertEquals(
                expected.get("silver_rows").get("ecommerce_orders").asLong(),
                spark.sql("SELECT count(*) FROM silver.ecommerce_orders")
                        .first()
                        .getLong(0));
    }

    /**
     * Issue 42: the claims of the sample's spend reports, as {@code generate.py} counted them
     * ({@code expected_counts.json}, "claims"), reach silver exactly, and the marts carry them: per
     * platform on each model's rows of {@code mart.claimed_vs_real} (USD at 7.10, rounded per row),
     * and summed per day in {@code mart.claims_reconciliation} beside every order booked.
     */
    @Test
    void theSamplesClaimsReachSilverAndTheMarts(SparkSession spark) {
        warehouse.registerAll();
        String latest = "(SELECT *, ROW_NUMBER() OVER (PARTITION BY platform, report_date, account_id, campaign_id,"
                + " adgroup_id ORDER BY dt DESC, source_file DESC, source_line DESC) rn FROM silver.ad_spend"
                + " WHERE report_date <= DATE'" + expected.get("last_day").asText() + "')";
        long total = 0;
        for (var e : (Iterable<Map.Entry<String, JsonNode>>)
                () -> expected.get("claims").fields()) {
            JsonNode want = e.getValue();
            Row got = spark.sql(
                            "SELECT SUM(claimed_conversions), SUM(claimed_value), COALESCE(SUM(claimed_view_through),"
                                    + " 0), SUM(BROUND(claimed_value * CASE currency WHEN 'USD' THEN 7.10 ELSE 1 END, 2)) FROM "
                                    + latest + " WHERE rn = 1 AND platform = '" + e.getKey() + "'")
                    .first();
            assertEquals(want.get("conversions").asLong(), got.getDecimal(0).longValueExact(), e.getKey());
            assertEquals(new java.math.BigDecimal(want.get("value").asText()), got.getDecimal(1), e.getKey());
            assertEquals(want.get("view_through").asLong(), got.getDecimal(2).longValueExact(), e.getKey());
            Row mart = spark.sql("SELECT SUM(claimed_conversions), SUM(claimed_value) FROM mart.claimed_vs_real"
                            + " WHERE model = 'last_touch' AND platform = '" + e.getKey() + "' AND date <= DATE'"
                            + expected.get("last_day").asText() + "'")
                    .first();
            assertEquals(want.get("conversions").asLong(), mart.getDecimal(0).longValueExact(), e.getKey());
            assertEquals(got.getDecimal(3), mart.getDecimal(1), e.getKey() + ": the reporting currency, per row");
            total += want.get("conversions").asLong();
        }
        Row day = spark.sql("SELECT SUM(claimed_conversions), SUM(orders) FROM mart.claims_reconciliation WHERE date <="
                        + " DATE'" + expected.get("last_day").asText() + "'")
                .first();
        assertEquals(total, day.getDecimal(0).longValueExact());
        assertTrue(
                stdout.contains("claims, 7 days to " + expected.get("last_day").asText() + ": the ad platforms claim"),
                "the nightly summary gives the week's claims against the ledger: " + stdout);
        assertEquals(
                spark.sql("SELECT COUNT(*) FROM journey.conversions WHERE conversion_date <= DATE'"
                                + expected.get("last_day").asText() + "'")
                        .first()
                        .getLong(0),
                day.getLong(1));
    }

    @Test
    void martsAgreeWithTheCreditsAndTheSpendTheyAreBuiltFrom(SparkSession spark) {
        warehouse.registerAll(); // other tests' worlds may have pointed the mart.* names elsewhere
        for (Table t : Table.of(Layer.MART)) {
            assertTrue(warehouse.read(t).count() > 0, t + " has rows");
        }
        // Per model, the daily mart's conversions and revenue are the credits' totals, and its spend
        // is every spend row once (USD at 7.10, rounded per row, as the mart documents).
        List<Row> bad = spark.sql(
                        """
        WITH mart AS (SELECT model, SUM(conversions) c, SUM(net_revenue) r, SUM(spend) s
                      FROM mart.channel_roi_daily GROUP BY model),
             credits AS (SELECT model, SUM(conversion_credit) c, SUM(revenue_credit) r
                         FROM attribution.credits GROUP BY model),
             spend AS (SELECT SUM(BROUND(cost * CASE currency WHEN 'USD' THEN 7.10 ELSE 1 END, 2)) s
                       FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY platform, report_date, account_id, campaign_id,
                                 adgroup_id ORDER BY dt DESC, source_file DESC, source_line DESC) rn
                             FROM silver.ad_spend) WHERE rn = 1)
        SELECT * FROM mart JOIN credits USING (model) CROSS JOIN spend
        WHERE mart.c != credits.c OR mart.r != credits.r OR mart.s != spend.s""")
                .collectAsList();
        assertEquals(List.of(), bad);
        assertEquals(
                0,
                spark.sql("SELECT DISTINCT currency FROM silver.ad_spend WHERE currency NOT IN ('CNY', 'USD')")
                        .count(),
                "the check above knows every spend currency of the sample");
        for (Row r : spark.sql("SELECT model, SUM(conversion_share), SUM(revenue_share) FROM mart.model_comparison "
                        + "GROUP BY model")
                .collectAsList()) {
            assertEquals(1.0, r.getDouble(1), 1e-9, r.getString(0));
            assertEquals(1.0, r.getDouble(2), 1e-9, r.getString(0));
        }
        // One customer_ltv row per OneID that bought; their net revenue is the conversions'.
        Row ltv = spark.sql("SELECT COUNT(*), SUM(net_revenue) FROM mart.customer_ltv")
                .first();
        Row conv = spark.sql("SELECT COUNT(DISTINCT one_id), SUM(net_revenue) FROM journey.conversions "
                        + "WHERE one_id IS NOT NULL")
                .first();
        assertEquals(conv.getLong(0), ltv.getLong(0));
        assertEquals(0, conv.getDecimal(1).compareTo(ltv.getDecimal(1)));
    }

    /**
     * Each replicate counts each converting journey as often as the bootstrap counts its person, and
     * every model (refitted or not) splits a journey into credits that sum to 1: so in replicate b
     * every model's conversions add up to Σ w_b(person) over the converting journeys, computed here
     * from the journeys, the identity map (a person's key is its smallest identifier hash) and
     * {@link io.trueroi.attribution.Bootstrap}'s counts; the incremental model's other kept
     * specifications (negative replicates) count each journey once. The marts' intervals are
     * there for every channel and ordered.
     */
    @Test
    void everyReplicateCountsEachJourneyAsOftenAsItsPerson(SparkSession spark) {
        int replicates = 100;
        io.trueroi.attribution.Bootstrap bootstrap = io.trueroi.attribution.Bootstrap.poisson(replicates);
        double[] counted = new double[replicates];
        int[] w = new int[replicates];
        // The counts are drawn for each person's smallest identifier hash, not the OneID label.
        Map<String, String> key = new java.util.HashMap<>();
        for (Row k : warehouse
                .read(Table.IDENTITY_MAP)
                .groupBy("one_id")
                .agg(org.apache.spark.sql.functions.min("id_value_hash"))
                .collectAsList()) {
            key.put(k.getString(0), k.getString(1));
        }
        for (Row j : warehouse
                .read(Table.JOURNEYS)
                .filter("converted")
                .select("one_id")
                .collectAsList()) {
            bootstrap.weights(key.get(j.getString(0)), w);
            for (int b = 0; b < replicates; b++) {
                counted[b] += w[b];
            }
        }
        List<Row> totals = warehouse
                .read(Table.CREDIT_REPLICATES)
                .groupBy("model", "replicate")
                .agg(org.apache.spark.sql.functions.sum("conversions"))
                .collectAsList();
        long converting = warehouse.read(Table.JOURNEYS).filter("converted").count();
        int alternatives = 0;
        for (Row r : totals) {
            if (r.getInt(1) < 0) {
                // Another specification the incremental fit kept: every journey split once.
                assertEquals("incremental", r.getString(0), r.toString());
                assertEquals(converting, r.getDecimal(2).doubleValue(), 1e-4, r.toString());
                alternatives++;
            } else {
                assertEquals(counted[r.getInt(1)], r.getDecimal(2).doubleValue(), 1e-4, r.toString());
            }
        }
        assertEquals(9 * replicates, totals.size() - alternatives, "every model, every replicate");
        for (Row r : warehouse.read(Table.MODEL_COMPARISON).collectAsList()) {
            Double lo = r.getAs("conversion_share_lo");
            Double hi = r.getAs("conversion_share_hi");
            assertTrue(lo != null && hi != null && lo <= hi, r.toString());
        }
        long paid = warehouse
                .read(Table.CHANNEL_INCREMENTALITY)
                .filter("spend > 0 AND incremental_conversions > 0")
                .filter("iroas_lo IS NULL OR iroas_hi IS NULL OR iroas_lo > iroas_hi")
                .count();
        assertEquals(0, paid, "every paid row the model credited has an ordered iROAS interval");
    }

    /** Every SQL statement of every notebook (its spark.sql triple-quoted blocks) runs on the sample marts. */
    @Test
    void everyNotebookQueryRunsOnTheSampleMarts(SparkSession spark) throws Exception {
        warehouse.registerAll();
        java.util.regex.Pattern sql =
                java.util.regex.Pattern.compile("spark\\.sql\\(\"\"\"(.*?)\"\"\"", java.util.regex.Pattern.DOTALL);
        List<Path> notebooks;
        try (var files = Files.list(Path.of("notebooks"))) {
            notebooks =
                    files.filter(f -> f.toString().endsWith(".ipynb")).sorted().toList();
        }
        assertTrue(notebooks.size() >= 2, notebooks.toString());
        int statements = 0;
        for (Path nb : notebooks) {
            for (JsonNode cell : new ObjectMapper().readTree(nb.toFile()).get("cells")) {
                if (!cell.get("cell_type").asText().equals("code")) {
                    continue;
                }
                StringBuilder source = new StringBuilder();
                cell.get("source").forEach(line -> source.append(line.asText()));
                java.util.regex.Matcher m = sql.matcher(source);
                while (m.find()) {
                    List<Row> rows = spark.sql(m.group(1)).collectAsList();
                    // A filter for losers may rightly find none; every other query has rows on the sample.
                    if (!m.group(1).contains("HAVING")) {
                        assertTrue(!rows.isEmpty(), nb + ": no rows from\n" + m.group(1));
                    }
                    statements++;
                }
            }
        }
        assertTrue(statements >= 9, "notebook statements found: " + statements);
    }

    // ---- The night's report (issue 43) ----

    Path report() {
        return tmp.resolve("reports/trueroi-report-" + expected.get("last_day").asText() + ".html");
    }

    /** The page's data island, parsed with exact decimals. */
    JsonNode island() throws Exception {
        String html = Files.readString(report(), StandardCharsets.UTF_8);
        String open = "<script type=\"application/json\" id=\"trueroi-data\">";
        int from = html.indexOf(open) + open.length();
        return new ObjectMapper()
                .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .readTree(html.substring(from, html.indexOf("</script>", from)));
    }

    static java.math.BigDecimal sum(Dataset<Row> rows, String column) {
        Row r = rows.agg(org.apache.spark.sql.functions.sum(column)).first();
        return r.isNullAt(0) ? null : r.getDecimal(0);
    }

    static void assertMoney(java.math.BigDecimal want, JsonNode got, String what) {
        if (want == null) { // nothing in the window: the page shows null, or 0 for a sum it coalesces
            assertTrue(got.isNull() || got.decimalValue().signum() == 0, what + ": " + got);
        } else {
            assertEquals(0, want.compareTo(got.decimalValue()), what + ": " + want + " vs " + got);
        }
    }

    /**
     * The headline of every period equals the marts summed here with the Dataset API, to the cent;
     * iROAS is the caused net revenue over the paid spend, rounded half up to 4 places.
     */
    @Test
    void theReportsHeadlineEqualsTheMartsToTheCent() throws Exception {
        JsonNode headline = island().get("headline");
        java.time.LocalDate day =
                java.time.LocalDate.parse(expected.get("last_day").asText());
        int checked = 0;
        for (JsonNode row : headline.get("rows")) {
            Map<String, JsonNode> r = new HashMap<>();
            for (int i = 0; i < headline.get("columns").size(); i++) {
                r.put(headline.get("columns").get(i).asText(), row.get(i));
            }
            int days = r.get("days").asInt();
            java.time.LocalDate last = r.get("span").asText().equals("current") ? day : day.minusDays(days);
            String window = "date BETWEEN DATE'" + last.minusDays(days - 1) + "' AND DATE'" + last + "'";
            String what = days + " days, " + r.get("span").asText();
            Dataset<Row> roi = warehouse.read(Table.CHANNEL_ROI_DAILY).filter(window + " AND model = 'markov'");
            Dataset<Row> claims = warehouse.read(Table.CLAIMED_VS_REAL).filter(window);
            assertMoney(sum(roi, "spend"), r.get("spend"), what + " spend");
            assertMoney(
                    sum(warehouse.read(Table.CLAIMS_RECONCILIATION).filter(window), "net_revenue"),
                    r.get("net_revenue"),
                    what + " net revenue");
            assertMoney(
                    sum(claims.filter("model = 'markov'"), "credited_net_revenue"),
                    r.get("credited_net_revenue"),
                    what + " credited");
            java.math.BigDecimal caused = sum(claims.filter("model = 'incremental'"), "caused_net_revenue");
            assertMoney(caused, r.get("caused_net_revenue"), what + " caused");
            java.math.BigDecimal paid = sum(claims.filter("model = 'markov'"), "spend");
            if (caused != null && paid.signum() > 0) {
                assertMoney(
                        caused.divide(paid, 12, java.math.RoundingMode.HALF_UP)
                                .setScale(4, java.math.RoundingMode.HALF_UP),
                        r.get("iroas"),
                        what + " iROAS");
            }
            long acquired = warehouse
                    .read(Table.CUSTOMER_LTV)
                    .filter(window.replace("date BETWEEN", "acquisition_date BETWEEN"))
                    .count();
            assertEquals(acquired, r.get("new_customers").asLong(), what + " new customers");
            checked++;
        }
        assertEquals(8, checked, "four periods, each with the one before");
    }

    /** Every panel has as many rows as the marts have keys for it, counted here independently. */
    @Test
    void everyPanelOfTheReportHasTheMartsRowCount() throws Exception {
        JsonNode island = island();
        java.time.LocalDate day =
                java.time.LocalDate.parse(expected.get("last_day").asText());
        long claims = 0;
        long channels = 0;
        for (int days : List.of(1, 7, 30, 90)) {
            Dataset<Row> w = warehouse
                    .read(Table.CLAIMED_VS_REAL)
                    .filter("date BETWEEN DATE'" + day.minusDays(days - 1) + "' AND DATE'" + day + "'");
            claims += w.select("platform").distinct().count();
            channels += w.select("channel").distinct().count();
        }
        Map<String, Long> want = new java.util.LinkedHashMap<>();
        want.put("claims", claims);
        want.put("channels", channels);
        want.put("models", warehouse.read(Table.MODEL_COMPARISON).count());
        want.put(
                "daily",
                warehouse
                        .read(Table.CHANNEL_ROI_DAILY)
                        .filter("model = 'markov' AND date > DATE'" + day.minusDays(90) + "'")
                        .select("date", "channel")
                        .distinct()
                        .count());
        want.put(
                "cohorts",
                warehouse
                        .read(Table.COHORT_LTV)
                        .select("acquisition_month", "months_since_acquisition")
                        .distinct()
                        .count());
        want.put("clv", warehouse.read(Table.CHANNEL_LTV_CAC).count());
        want.put("paths", Math.min(20, warehouse.read(Table.PATH_SUMMARY).count()));
        want.put(
                "quarantine",
                warehouse
                        .read(Table.REJECTED_RECORDS)
                        .filter("dt > DATE'" + day.minusDays(90) + "'") // delivered in the 90 days
                        .select("source", "reason_code")
                        .distinct()
                        .count());
        want.put(
                "freshness",
                warehouse.read(Table.INGESTED_FILES).select("feed").distinct().count());
        want.put(
                "warnings",
                warehouse.read(Table.QUALITY_CHECKS).filter("NOT passed").count());
        Map<String, Long> got = new java.util.LinkedHashMap<>();
        want.keySet().forEach(k -> got.put(k, (long) island.get(k).get("rows").size()));
        assertEquals(want, got);
        assertTrue(want.values().stream().allMatch(n -> n > 0), "the sample has rows for every panel: " + want);
        // Coverage: every conversion to the date, split by what the model credits to touches.
        JsonNode coverage = island.get("coverage").get("rows").get(0);
        Dataset<Row> markov = warehouse.read(Table.MODEL_COMPARISON).filter("model = 'markov'");
        assertMoney(sum(markov.filter("channel <> '(none)'"), "net_revenue"), coverage.get(2), "with touches");
        assertMoney(sum(markov.filter("channel = '(none)'"), "net_revenue"), coverage.get(3), "no touch");
        assertMoney(sum(warehouse.read(Table.CLAIMS_RECONCILIATION), "net_revenue"), coverage.get(1), "booked");
    }

    /**
     * The night's page in Chromium: no console error, a drawn canvas in every chart container,
     * the period buttons redraw the headline, and a screenshot of the whole page for the README.
     */
    @Test
    void theReportDrawsEveryPanelInARealBrowser() throws Exception {
        assertTrue(stdout.contains("report: " + report().toAbsolutePath()), stdout);
        assertTrue(Files.size(report()) < 2_000_000, "size " + Files.size(report()));
        try (io.trueroi.testing.Browser browser = io.trueroi.testing.Browser.start(tmp.resolve("chromium"))) {
            browser.open(report());
            assertEquals(List.of(), browser.errors());
            assertEquals(
                    List.of(
                            "claims",
                            "channels",
                            "models",
                            "daily-spend",
                            "daily-revenue",
                            "cohorts",
                            "clv",
                            "paths",
                            "quarantine",
                            "coverage"),
                    browser.drawnCharts());
            JsonNode headline = island().get("headline");
            // The 30-day spend, as the page writes money: two decimals and thousands separators.
            String spend30 = String.format(
                    java.util.Locale.ROOT,
                    "%,.2f",
                    headline.get("rows").get(4).get(2).decimalValue());
            assertEquals("30", headline.get("rows").get(4).get(0).asText() + "");
            browser.js("document.querySelector('nav.periods button[data-days=\"30\"]').click();");
            String card = (String) browser.js(
                    "return document.querySelector('#headline [data-figure=\"spend\"] .value').textContent;");
            assertTrue(card.contains(spend30), card + " shows " + spend30);
            assertEquals(List.of(), browser.errors());
            System.out.printf(
                    "report: first chart drawn %.0f ms after navigation (headless Chromium)%n",
                    ((Number) browser.js("return window.trueroiReport.firstChartMs;")).doubleValue());
            browser.screenshot(Path.of("target/report/trueroi-report-sample.png"));
        }
    }

    /** A date no marts run covers: exit 1, naming the last date that has marts. */
    @Test
    void aReportForADateWithNoRunFailsNamingTheLastDateWithMarts() {
        StringWriter err = new StringWriter();
        int code = TrueRoi.run(
                new String[] {
                    "report",
                    "--date",
                    "2027-01-15",
                    "--conf",
                    "conf/local.conf",
                    "--conf",
                    tmp.resolve("wh.conf").toString()
                },
                new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true),
                TestWorld.ENV);
        assertEquals(1, code, err.toString());
        assertTrue(
                err.toString()
                        .contains("no marts run covers 2027-01-15: the last date with marts is "
                                + expected.get("last_day").asText()),
                err.toString());
    }
}
