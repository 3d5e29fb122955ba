package io.trueroi.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueroi.catalog.Table;
import io.trueroi.spark.Warehouse;
import io.trueroi.testing.SharedSpark;
import io.trueroi.testing.TestWorld;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The marts on a world small enough to work out by hand, through the real {@code nightly} over
 * 2026-09-01..2026-10-01 (business zone Asia/Shanghai, reporting currency CNY, USD = 7.10):
 *
 * <pre>
 *  C1 (device d1): Google Ads click gg_1 09-01 10:00, Baidu SEM click bd_1 09-05 10:00,
 *      order O1 09-06 12:00 300.00 (first purchase), order O2 10-01 12:00 100.00 refunded 40.00.
 *  C2 (device d2): Baidu SEM click bd_1 09-10 10:00, order O3 09-10 20:00 200.00.
 *  C3 (device d3): no touch; order O4 09-01 15:00 50.00, order O5 10-01 15:00 70.00.
 *  A bot device d9 clicks gg_1 twice at 09-01 11:00 and 11:30 (max 1 click per device-hour): 2 invalid clicks.
 *  Spend: one Google Ads row, 09-01 gg_1, 1,000 impressions, 10 clicks, 15.00 USD = 106.50 CNY.
 * </pre>
 *
 * Journeys (lookback 30 days, touches after the previous conversion): O1 = gg_1, bd_1; O3 = bd_1;
 * O2, O4, O5 have no touch → one (none) credit each. Models first_touch and linear.
 * Then: a re-run leaves every table as it was; a failure injected into the marts stage (a file
 * where mart.path_summary's directory should be) fails the night at marts after the other stages
 * finished, and the re-run completes it.
 */
@ExtendWith(SharedSpark.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MartsTinyWorldTest {
    static final LocalDate FROM = LocalDate.of(2026, 9, 1);
    static final LocalDate TO = LocalDate.of(2026, 10, 1);

    @TempDir
    static Path tmp;

    TestWorld world;
    Path conf;
    Warehouse warehouse;
    Map<String, List<String>> firstRun;

    @BeforeAll
    void build(SparkSession spark) {
        world = new TestWorld(tmp);
        for (LocalDate d = FROM; !d.isAfter(TO); d = d.plusDays(1)) {
            world.day(d);
        }
        writeClicks(world);
        writeSpendOrdersAndRefunds(world);
        conf = world.confFile("trueroi.attribution.models = [\"first_touch\", \"linear\"]\n"
                + "trueroi.journeys.max-clicks-per-device-hour = 1\n"
                + "trueroi.spark.master = \"local[2]\"\n");
        assertEquals(0, nightly().code, "first run");
        warehouse = new Warehouse(spark, world.warehouse.toString());
        firstRun = snapshot();
    }

    /** The clicks: two devices over three days, one device clicking twice in an hour (a burst). */
    private static void writeClicks(TestWorld world) {
        world.file(
                "ad_clicks",
                LocalDate.of(2026, 9, 1),
                "clicks.jsonl",
                click(
                                "google_ads",
                                "g1",
                                "2026-09-01T10:00:00+08:00",
                                "gg_1",
                                "d1a11111-0000-4000-8000-000000000001",
                                "10.0.0.1")
                        + click(
                                "google_ads",
                                "g9a",
                                "2026-09-01T11:00:00+08:00",
                                "gg_1",
                                "d9a99999-0000-4000-8000-000000000009",
                                "10.0.0.9")
                        + click(
                                "google_ads",
                                "g9b",
                                "2026-09-01T11:30:00+08:00",
                                "gg_1",
                                "d9a99999-0000-4000-8000-000000000009",
                                "10.0.0.9"));
        world.file(
                "ad_clicks",
                LocalDate.of(2026, 9, 5),
                "clicks.jsonl",
                click(
                        "baidu_sem",
                        "b1",
                        "2026-09-05T10:00:00+08:00",
                        "bd_1",
                        "d1a11111-0000-4000-8000-000000000001",
                        "10.0.0.1"));
        world.file(
                "ad_clicks",
                LocalDate.of(2026, 9, 10),
                "clicks.jsonl",
                click(
                        "baidu_sem",
                        "b2",
                        "2026-09-10T10:00:00+08:00",
                        "bd_1",
                        "d2a22222-0000-4000-8000-000000000002",
                        "10.0.0.2"));
    }

    /** Spend of one day; five own-site orders over the month; one refund. */
    private static void writeSpendOrdersAndRefunds(TestWorld world) {
        world.file(
                "ad_spend",
                LocalDate.of(2026, 9, 1),
                "google_ads_spend.csv",
                "Day,Customer ID,Campaign ID,Campaign,Ad group ID,Impr.,Clicks,Cost,Currency code\n"
                        + "2026-09-01,acct_go,gg_1,Brand,gg_1_ag1,1000,10,15.00,USD\n");
        world.file(
                "ecommerce_orders",
                LocalDate.of(2026, 9, 1),
                "ownsite_orders.csv",
                orders(order("O4", "d3a33333-0000-4000-8000-000000000003", "2026-09-01T15:00:00+08:00", "50.00")));
        world.file(
                "ecommerce_orders",
                LocalDate.of(2026, 9, 6),
                "ownsite_orders.csv",
                orders(order("O1", "d1a11111-0000-4000-8000-000000000001", "2026-09-06T12:00:00+08:00", "300.00")));
        world.file(
                "ecommerce_orders",
                LocalDate.of(2026, 9, 10),
                "ownsite_orders.csv",
                orders(order("O3", "d2a22222-0000-4000-8000-000000000002", "2026-09-10T20:00:00+08:00", "200.00")));
        world.file(
                "ecommerce_orders",
                LocalDate.of(2026, 10, 1),
                "ownsite_orders.csv",
                orders(order("O2", "d1a11111-0000-4000-8000-000000000001", "2026-10-01T12:00:00+08:00", "100.00")
                        + order("O5", "d3a33333-0000-4000-8000-000000000003", "2026-10-01T15:00:00+08:00", "70.00")));
        world.file(
                "ecommerce_refunds",
                LocalDate.of(2026, 10, 1),
                "refunds.csv",
                "platform,refund_id,order_id,refund_amount,currency,refund_time,status,reason\n"
                        + "ownsite,R1,O2,40.00,CNY,2026-10-01T18:00:00+08:00,SUCCESS,size\n");
    }

    static String click(String platform, String id, String time, String campaign, String device, String ip) {
        long ms = java.time.OffsetDateTime.parse(time).toInstant().toEpochMilli();
        return "{\"platform\": \"" + platform + "\", \"click_id\": \"" + id + "\", \"click_time_ms\": " + ms
                + ", \"campaign_id\": \"" + campaign + "\", \"adgroup_id\": \"" + campaign + "_ag1\", \"device_id\": \""
                + device + "\", \"openid\": \"\", \"app_id\": \"\", \"ip\": \"" + ip
                + "\", \"landing_url\": \"https://shop.example.com/landing\"}\n";
    }

    static String orders(String rows) {
        return "order_id,email,phone,device_id,member_id,created_at,processed_at,total_price,total_discounts,shipping,"
                + "currency,financial_status,landing_site\n" + rows;
    }

    static String order(String id, String device, String time, String amount) {
        return id + ",,," + device + ",," + time + "," + time + "," + amount + ",0.00,0.00,CNY,paid,\n";
    }

    record Run(int code, String out, String err) {}

    Run nightly() {
        return nightly(conf);
    }

    Run nightly(Path conf) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = TrueRoi.run(
                new String[] {"nightly", "--from", FROM.toString(), "--to", TO.toString(), "--conf", conf.toString()},
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                TestWorld.ENV);
        return new Run(code, out.toString(), err.toString());
    }

    /**
     * Every table but ops.job_runs, as sorted row strings without run ids (which differ per run),
     * bytes in hex.
     */
    Map<String, List<String>> snapshot() {
        List<String> tables = new ArrayList<>();
        for (String layer : List.of("silver", "quarantine", "identity", "journey", "attribution", "mart")) {
            Path dir = world.warehouse.resolve(layer);
            if (Files.isDirectory(dir)) {
                Arrays.stream(dir.toFile().list()).sorted().forEach(t -> tables.add(layer + "." + t));
            }
        }
        return snapshot(warehouse, tables);
    }

    static Map<String, List<String>> snapshot(Warehouse warehouse, List<String> tables) {
        Map<String, List<String>> out = new TreeMap<>();
        for (String name : tables) {
            Dataset<Row> t = warehouse.read(Table.named(name));
            for (var f : t.schema().fields()) {
                if (f.name().contains("run_id")) {
                    t = t.drop(f.name());
                } else if (f.dataType() instanceof org.apache.spark.sql.types.BinaryType) {
                    // A byte array's toString is its identity, not its content.
                    t = t.withColumn(f.name(), org.apache.spark.sql.functions.hex(t.col(f.name())));
                }
            }
            out.put(name, t.collectAsList().stream().map(Row::toString).sorted().toList());
        }
        return out;
    }

    /** A mart's rows as "col=value" strings in a stable order. */
    List<String> rows(Table table, String orderBy) {
        Dataset<Row> t = warehouse.read(table).drop("as_of_date");
        // Bootstrap intervals are random draws, not figures by hand: MartBuildersTest works them from
        // given replicates and SampleDataNightlyTest checks the replicates against the journeys.
        for (String c : t.columns()) {
            if (c.endsWith("_lo") || c.endsWith("_hi")) {
                t = t.drop(c);
            }
        }
        List<String> out = new ArrayList<>();
        for (Row r : t.orderBy(Arrays.stream(orderBy.split(","))
                        .map(org.apache.spark.sql.functions::col)
                        .toArray(org.apache.spark.sql.Column[]::new))
                .collectAsList()) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < r.size(); i++) {
                Object v = r.get(i);
                b.append(i == 0 ? "" : " ")
                        .append(t.columns()[i])
                        .append('=')
                        .append(
                                v instanceof BigDecimal d
                                        ? d.stripTrailingZeros().toPlainString()
                                        : String.valueOf(v));
            }
            out.add(b.toString());
        }
        return out;
    }

    @Test
    @Order(1)
    void channelRoiDailyByHand() {
        List<String> rows = rows(Table.CHANNEL_ROI_DAILY, "model,date,channel");
        // first_touch: O1's credit (1, 300.00, new customer) on its first touch, Google 09-01, where
        // the spend is 106.50 CNY, 1,000 impressions, 10 clicks and the bot's 2 invalid clicks.
        // ROAS 300 / 106.50 = 2.81690 -> 2.8169; ROI 193.50 / 106.50 = 1.81690 -> 1.8169; CPA = CAC = 106.50.
        // Its Baidu touch 09-05 gets a 0 credit (a row, no spend: ratios null). O3 (200.00, new) on
        // Baidu 09-10. (none): O4 09-01 (50.00, C3's first purchase); O2 60.00 + O5 70.00 on 10-01,
        // both repeat purchases (new 0).
        // linear: O1 split 0.5 / 150.00 to each touch; Google ROAS 150 / 106.50 = 1.40845 -> 1.4085,
        // ROI 43.50 / 106.50 = 0.40845 -> 0.4085, CPA = CAC = 106.50 / 0.5 = 213.00.
        // A ratio is null only when its denominator is 0: organic rows have CPA 0 (no spend, a conversion).
        assertEquals(
                List.of(
                        "date=2026-09-01 model=first_touch channel=(none) campaign_id=null spend=0 impressions=0 clicks=0 invalid_clicks=0 conversions=1 net_revenue=50 new_customers=1 roas=null roi=null cpa=0 cac=0",
                        "date=2026-09-01 model=first_touch channel=Google Ads campaign_id=gg_1 spend=106.5 impressions=1000 clicks=10 invalid_clicks=2 conversions=1 net_revenue=300 new_customers=1 roas=2.8169 roi=1.8169 cpa=106.5 cac=106.5",
                        "date=2026-09-05 model=first_touch channel=Baidu SEM campaign_id=bd_1 spend=0 impressions=0 clicks=0 invalid_clicks=0 conversions=0 net_revenue=0 new_customers=0 roas=null roi=null cpa=null cac=null",
                        "date=2026-09-10 model=first_touch channel=Baidu SEM campaign_id=bd_1 spend=0 impressions=0 clicks=0 invalid_clicks=0 conversions=1 net_revenue=200 new_customers=1 roas=null roi=null cpa=0 cac=0",
                        "date=2026-10-01 model=first_touch channel=(none) campaign_id=null spend=0 impressions=0 clicks=0 invalid_clicks=0 conversions=2 net_revenue=130 new_customers=0 roas=null roi=null cpa=0 cac=null",
                        "date=2026-09-01 model=linear channel=(none) campaign_id=null spend=0 impressions=0 clicks=0 invalid_clicks=0 conversions=1 net_revenue=50 new_customers=1 roas=null roi=null cpa=0 cac=0",
                        "date=2026-09-01 model=linear channel=Google Ads campaign_id=gg_1 spend=106.5 impressions=1000 clicks=10 invalid_clicks=2 conversions=0.5 net_revenue=150 new_customers=0.5 roas=1.4085 roi=0.4085 cpa=213 cac=213",
                        "date=2026-09-05 model=linear channel=Baidu SEM campaign_id=bd_1 spend=0 impressions=0 clicks=0 invalid_clicks=0 conversions=0.5 net_revenue=150 new_customers=0.5 roas=null roi=null cpa=0 cac=0",
                        "date=2026-09-10 model=linear channel=Baidu SEM campaign_id=bd_1 spend=0 impressions=0 clicks=0 invalid_clicks=0 conversions=1 net_revenue=200 new_customers=1 roas=null roi=null cpa=0 cac=0",
                        "date=2026-10-01 model=linear channel=(none) campaign_id=null spend=0 impressions=0 clicks=0 invalid_clicks=0 conversions=2 net_revenue=130 new_customers=0 roas=null roi=null cpa=0 cac=null"),
                rows);
    }

    @Test
    @Order(2)
    void customerLtvByHand() {
        // C1: acquired 09-06 by O1, whose first touch is Google Ads; 2 orders, gross 400.00, refunds
        // 40.00, net 360.00; every LTV window (09-06 + 29 = 10-05 > 10-01) still open: null.
        // C2: 09-10, Baidu SEM, 1 order of 200.00. C3: 09-01, no touch -> (none); O4 50.00 in the
        // 30-day window 09-01..09-30 (elapsed: 09-30 <= 10-01), O5 on 10-01 outside it: ltv_30 = 50.00.
        List<String> rows = rows(Table.CUSTOMER_LTV, "acquisition_date").stream()
                .map(r -> r.replaceAll("one_id=\\S+ ", ""))
                .toList();
        assertEquals(
                List.of(
                        "acquisition_date=2026-09-01 acquisition_channel=(none) acquisition_conversion_id=ownsite|O4 orders=2 gross_revenue=120 refunds=0 net_revenue=120 ltv_30=50 ltv_90=null ltv_365=null last_order_date=2026-10-01",
                        "acquisition_date=2026-09-06 acquisition_channel=Google Ads acquisition_conversion_id=ownsite|O1 orders=2 gross_revenue=400 refunds=40 net_revenue=360 ltv_30=null ltv_90=null ltv_365=null last_order_date=2026-10-01",
                        "acquisition_date=2026-09-10 acquisition_channel=Baidu SEM acquisition_conversion_id=ownsite|O3 orders=1 gross_revenue=200 refunds=0 net_revenue=200 ltv_30=null ltv_90=null ltv_365=null last_order_date=2026-09-10"),
                rows);
    }

    @Test
    @Order(3)
    void cohortsPaybackPathsAndModelSharesByHand() {
        // Cohorts as of 10-01 (months 0 = September, 1 = October), one customer each:
        // Google (C1): Sep O1 300.00; Oct O2 60.00 -> cumulative 300.00, 360.00.
        // Baidu (C2): Sep O3 200.00; no October order -> active 0, cumulative stays 200.00.
        // (none) (C3): Sep O4 50.00; Oct O5 70.00 -> 50.00, 120.00.
        assertEquals(
                List.of(
                        "acquisition_month=2026-09-01 acquisition_channel=(none) months_since_acquisition=0 cohort_size=1 active_customers=1 retention_rate=1.0 cumulative_net_revenue_per_customer=50",
                        "acquisition_month=2026-09-01 acquisition_channel=(none) months_since_acquisition=1 cohort_size=1 active_customers=1 retention_rate=1.0 cumulative_net_revenue_per_customer=120",
                        "acquisition_month=2026-09-01 acquisition_channel=Baidu SEM months_since_acquisition=0 cohort_size=1 active_customers=1 retention_rate=1.0 cumulative_net_revenue_per_customer=200",
                        "acquisition_month=2026-09-01 acquisition_channel=Baidu SEM months_since_acquisition=1 cohort_size=1 active_customers=0 retention_rate=0.0 cumulative_net_revenue_per_customer=200",
                        "acquisition_month=2026-09-01 acquisition_channel=Google Ads months_since_acquisition=0 cohort_size=1 active_customers=1 retention_rate=1.0 cumulative_net_revenue_per_customer=300",
                        "acquisition_month=2026-09-01 acquisition_channel=Google Ads months_since_acquisition=1 cohort_size=1 active_customers=1 retention_rate=1.0 cumulative_net_revenue_per_customer=360"),
                rows(Table.COHORT_LTV, "acquisition_channel,months_since_acquisition"));
        // Google: 1 customer, spend 106.50 -> CAC 106.50; C1's 300.00 on day 0 covers it: payback 0.
        // Baidu and (none): no spend -> CAC 0.00, LTV/CAC and payback null. No 90-day window elapsed.
        // Two repeat buyers (C1, C3), fewer than trueroi.marts.clv.min-repeat-buyers (50): the
        // lifetime-value step was skipped and wrote nothing, so no predicted value either.
        assertFalse(warehouse.exists(Table.CUSTOMER_CLV), "no CLV table from a skipped fit");
        assertFalse(warehouse.exists(Table.CLV_MODEL), "no CLV table from a skipped fit");
        assertEquals(
                List.of(
                        "channel=(none) customers_acquired=1 spend=0 cac=0 avg_ltv_90=null avg_ltv_365=null ltv_cac_90=null ltv_cac_365=null payback_days=null avg_predicted_clv_365=null ltv_cac_predicted_365=null",
                        "channel=Baidu SEM customers_acquired=1 spend=0 cac=0 avg_ltv_90=null avg_ltv_365=null ltv_cac_90=null ltv_cac_365=null payback_days=null avg_predicted_clv_365=null ltv_cac_predicted_365=null",
                        "channel=Google Ads customers_acquired=1 spend=106.5 cac=106.5 avg_ltv_90=null avg_ltv_365=null ltv_cac_90=null ltv_cac_365=null payback_days=0 avg_predicted_clv_365=null ltv_cac_predicted_365=null"),
                rows(Table.CHANNEL_LTV_CAC, "channel"));
        // Paths: (none) x3 (O2, O4, O5), then ties of one journey by path: "Baidu SEM" (O3, 10 hours
        // = 0.42 days), "Google Ads > Baidu SEM" (O1, 09-01 10:00 to 09-06 12:00 = 5.08 days).
        assertEquals(
                List.of(
                        "rank=1 path=(none) path_length=0 journeys=3 conversions=3 conversion_rate=1.0 net_revenue=180 mean_days_to_convert=null",
                        "rank=2 path=Baidu SEM path_length=1 journeys=1 conversions=1 conversion_rate=1.0 net_revenue=200 mean_days_to_convert=0.42",
                        "rank=3 path=Google Ads > Baidu SEM path_length=2 journeys=1 conversions=1 conversion_rate=1.0 net_revenue=300 mean_days_to_convert=5.08"),
                rows(Table.PATH_SUMMARY, "rank"));
        // first_touch: Google 1 (300.00), Baidu 1 (200.00), (none) 3 (180.00) of 5 (680.00);
        // linear: Google 0.5 (150.00), Baidu 1.5 (350.00), (none) 3 (180.00).
        assertEquals(
                List.of(
                        "model=first_touch channel=(none) conversions=3 net_revenue=180 conversion_share=0.6 revenue_share="
                                + 180.0 / 680,
                        "model=first_touch channel=Baidu SEM conversions=1 net_revenue=200 conversion_share=0.2 revenue_share="
                                + 200.0 / 680,
                        "model=first_touch channel=Google Ads conversions=1 net_revenue=300 conversion_share=0.2 revenue_share="
                                + 300.0 / 680,
                        "model=linear channel=(none) conversions=3 net_revenue=180 conversion_share=0.6 revenue_share="
                                + 180.0 / 680,
                        "model=linear channel=Baidu SEM conversions=1.5 net_revenue=350 conversion_share=0.3 revenue_share="
                                + 350.0 / 680,
                        "model=linear channel=Google Ads conversions=0.5 net_revenue=150 conversion_share=0.1 revenue_share="
                                + 150.0 / 680),
                rows(Table.MODEL_COMPARISON, "model,channel"));
        for (Row r : warehouse
                .read(Table.MODEL_COMPARISON)
                .groupBy("model")
                .agg(
                        org.apache.spark.sql.functions.sum("conversion_share"),
                        org.apache.spark.sql.functions.sum("revenue_share"))
                .collectAsList()) {
            assertEquals(1.0, r.getDouble(1), 1e-12, r.getString(0) + " conversion shares sum to 1");
            assertEquals(1.0, r.getDouble(2), 1e-12, r.getString(0) + " revenue shares sum to 1");
        }
    }

    @Test
    @Order(4)
    void sqlCommandPrintsAMartAndNamesAFailingStatement() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = TrueRoi.run(
                new String[] {
                    "sql",
                    "--conf",
                    conf.toString(),
                    "SELECT channel, sum(spend) AS spend FROM mart.channel_roi_daily WHERE model = 'linear' "
                            + "GROUP BY channel ORDER BY channel; SELECT count(*) AS n FROM mart.customer_ltv"
                },
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                TestWorld.ENV);
        assertEquals(0, code, err.toString());
        assertEquals(
                """
        -- statement 1
        channel    | spend
        -----------+-------
        (none)     | 0.00
        Baidu SEM  | 0.00
        Google Ads | 106.50
        (3 rows)
        -- statement 2
        n
        -
        3
        (1 rows)
        """,
                out.toString());
        StringWriter err2 = new StringWriter();
        int bad = TrueRoi.run(
                new String[] {"sql", "--conf", conf.toString(), "SELECT 1; SELECT * FROM mart.nope"},
                new PrintWriter(new StringWriter(), true),
                new PrintWriter(err2, true),
                TestWorld.ENV);
        assertEquals(TrueRoi.EXIT_FAILED, bad);
        assertTrue(err2.toString().startsWith("trueroi: sql failed: statement 2 of 2: "), err2.toString());
        assertTrue(err2.toString().contains("`mart`.`nope`"), err2.toString());
        // Issue 28, defect 14: Spark's syntax error starts with a line break; the reason must survive.
        StringWriter err3 = new StringWriter();
        TrueRoi.run(
                new String[] {"sql", "--conf", conf.toString(), "SELEC 1"},
                new PrintWriter(new StringWriter(), true),
                new PrintWriter(err3, true),
                TestWorld.ENV);
        String syntax = err3.toString().strip();
        assertEquals(1, syntax.lines().count(), syntax);
        assertTrue(syntax.startsWith("trueroi: sql failed: statement 1 of 1: [PARSE_SYNTAX_ERROR]"), syntax);
        assertTrue(syntax.contains("'SELEC'"), syntax);
    }

    @Test
    @Order(6)
    void aFailureInTheMartsStageIsReportedAndTheRerunCompletesTheNight() throws Exception {
        // Also the re-run check: the failed night re-runs ingest to attribution over the first night's
        // tables and the last night re-runs everything, so the tables must still equal the first run's.
        // (A separate plain re-run would cost one more nightly and check nothing more.)
        // A file where mart.path_summary's directory goes: the storage refuses the marts' last write.
        Path summary = world.warehouse.resolve(Table.PATH_SUMMARY.layer().id()).resolve(Table.PATH_SUMMARY.tableName());
        Path aside = tmp.resolve("path_summary.moved");
        Files.move(summary, aside);
        Files.writeString(summary, "not a table");
        long before = warehouse.read(Table.JOB_RUNS).count();
        Run failed = nightly();
        assertEquals(TrueRoi.EXIT_FAILED, failed.code);
        String line = failed.err.strip();
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.startsWith("trueroi: nightly failed: stage marts: "), line);
        List<Row> runs = warehouse.read(Table.JOB_RUNS).orderBy("started_at").collectAsList();
        List<String> thisNight = runs.subList((int) before, runs.size()).stream()
                .map(r -> r.getAs("job") + ":" + r.getAs("status"))
                .sorted()
                .toList();
        assertEquals(
                List.of(
                        "attribution:SUCCEEDED",
                        "identity:SUCCEEDED",
                        "ingest:SUCCEEDED",
                        "journeys:SUCCEEDED",
                        "marts:FAILED",
                        "nightly:FAILED",
                        "nightly:STARTED"),
                thisNight);

        Files.delete(summary);
        Files.move(aside, summary);
        Run rerun = nightly();
        assertEquals(0, rerun.code, rerun.err);
        assertEquals(firstRun, snapshot(), "the re-run completes the night with no duplicates");
    }

    @Test
    @Order(7)
    void theSameNightOnS3aGivesTheSameTables(SparkSession spark) throws Exception {
        // Raw exports and the warehouse on s3a:// against an S3-compatible server on loopback; the
        // shared test session already exists, so the s3a settings a spark-submit run takes from
        // spark.hadoop.* (conf/production.conf) go straight into its Hadoop configuration.
        try (io.trueroi.testing.S3Server s3 = io.trueroi.testing.S3Server.start("trueroi")) {
            s3.configure(spark.sparkContext().hadoopConfiguration());
            org.apache.hadoop.fs.Path raw = new org.apache.hadoop.fs.Path("s3a://trueroi/raw");
            raw.getFileSystem(spark.sparkContext().hadoopConfiguration())
                    .copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(world.raw.toUri()), raw);
            Path s3conf = tmp.resolve("s3.conf");
            Files.writeString(
                    s3conf,
                    Files.readString(conf)
                            + "trueroi.warehouse = \"s3a://trueroi/warehouse\"\ntrueroi.raw-root = \"s3a://trueroi/raw\"\n");
            Run onS3 = nightly(s3conf);
            assertEquals(0, onS3.code, onS3.err);
            assertTrue(onS3.out.contains("s3a://trueroi/warehouse/mart/channel_roi_daily"), onS3.out);
            Map<String, List<String>> read =
                    snapshot(new Warehouse(spark, "s3a://trueroi/warehouse"), List.copyOf(firstRun.keySet()));
            // Source file paths are relative to the raw root, so even silver is identical.
            assertEquals(firstRun, read);
        }
    }
}
