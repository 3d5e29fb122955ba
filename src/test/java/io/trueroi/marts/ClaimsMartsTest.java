package io.trueroi.marts;

import static io.trueroi.marts.MartBuildersTest.credit;
import static io.trueroi.marts.MartBuildersTest.d;
import static io.trueroi.marts.MartBuildersTest.money;
import static io.trueroi.marts.MartBuildersTest.replicate;
import static io.trueroi.marts.MartBuildersTest.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.trueroi.catalog.ModelName;
import io.trueroi.testing.SharedSpark;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code mart.claimed_vs_real} and {@code mart.claims_reconciliation} on a few hand-made rows
 * (issue 42); every figure is worked out below from the rules in the marts' class comments.
 *
 * <p>The reports: Ocean Engine (channel Douyin) campaign oe_1 spent 100.00 on 06-01 and claims 3
 * conversions worth 600.00; oe_2 spent nothing on 06-02 and claims 1 worth 200.00 (claims, no
 * spend); Baidu bd_1 spent 50.00 on 06-01 and its report has no claim columns (spend, no claims).
 * The credits: last touch gives oe_1 two conversions of 06-01 (150.00 + 50.00) and one of 06-05
 * (50.00), and oe_9, which no report names, one of 06-03 (80.00); a WeChat OA credit (no ad
 * channel) and a credit after the run date are left out. The incremental model gives oe_1 0.5 ×
 * 150.00 = 75.00 and 0.25 × 50.00 = 12.50 on 06-01 (0.75 conversions, 87.50) and 0.25 × 50.00 =
 * 12.50 on 06-05: June's oe_1 total is 1.00 conversion and 100.00. Its two replicates for June
 * are 0.80/80.00 and 1.20/120.00, so the 90% percentile interval is 0.80 + 0.05 × 0.40 = 0.82 to
 * 0.80 + 0.95 × 0.40 = 1.18 (82.00 to 118.00).
 */
@ExtendWith(SharedSpark.class)
class ClaimsMartsTest {
    static final LocalDate UP_TO = LocalDate.of(2026, 6, 30);
    static final StructType CREDITS = MartBuildersTest.CREDITS;

    static Dataset<Row> reported;

    @BeforeAll
    static void reports(SparkSession spark) {
        reported = rows(
                spark,
                Spend.REPORTED,
                report("2026-06-01", "ocean_engine", "Douyin", "oe_1", "100.00", "3.00", "600.00"),
                report("2026-06-02", "ocean_engine", "Douyin", "oe_2", "0.00", "1.00", "200.00"),
                report("2026-06-01", "baidu_sem", "Baidu SEM", "bd_1", "50.00", null, null));
    }

    static Row report(
            String date, String platform, String channel, String campaign, String spend, String conv, String value) {
        return RowFactory.create(
                d(date),
                platform,
                channel,
                campaign,
                money(spend),
                10L,
                1L,
                conv == null ? null : money(conv),
                value == null ? null : money(value),
                null);
    }

    /** The mart's rows by "date model campaign". */
    static Map<String, Row> claimedVsReal(SparkSession spark) {
        String lt = ModelName.LAST_TOUCH.id();
        String inc = ModelName.INCREMENTAL.id();
        Dataset<Row> credits = rows(
                spark,
                CREDITS,
                credit("c1", "2026-06-01", "2026-05-30", lt, "Douyin", "oe_1", "1", "150.00"),
                credit("c2", "2026-06-01", "2026-05-31", lt, "Douyin", "oe_1", "1", "50.00"),
                credit("c5", "2026-06-05", "2026-06-04", lt, "Douyin", "oe_1", "1", "50.00"),
                credit("c4", "2026-06-03", "2026-06-02", lt, "Douyin", "oe_9", "1", "80.00"),
                credit("c7", "2026-06-03", "2026-06-02", lt, "WeChat OA", "menu", "1", "40.00"),
                credit("c6", "2026-07-01", "2026-06-29", lt, "Douyin", "oe_1", "1", "60.00"),
                credit("c1", "2026-06-01", "2026-05-30", inc, "Douyin", "oe_1", "0.5", "75.00"),
                credit("c1", "2026-06-01", null, inc, "(baseline)", null, "0.5", "75.00"),
                credit("c2", "2026-06-01", "2026-05-31", inc, "Douyin", "oe_1", "0.25", "12.50"),
                credit("c5", "2026-06-05", "2026-06-04", inc, "Douyin", "oe_1", "0.25", "12.50"),
                // A campaign the incremental model credits 0 for the month: no share, no interval, no error.
                credit("c8", "2026-06-02", "2026-06-01", inc, "Douyin", "oe_2", "0", "0.00"));
        Dataset<Row> replicates = rows(
                spark,
                MartBuildersTest.REPLICATES,
                replicate(inc, "2026-06-01", "Douyin", "oe_1", 0, "0.80", "80.00"),
                replicate(inc, "2026-06-01", "Douyin", "oe_1", 1, "1.20", "120.00"));
        Map<String, Row> byKey = new HashMap<>();
        // The credits' conversions, none a first purchase (claimed_vs_real does not count new customers).
        Dataset<Row> conversions = credits.select("conversion_id")
                .distinct()
                .withColumn("is_first_purchase", org.apache.spark.sql.functions.lit(false));
        for (Row r : ClaimedVsReal.build(
                        spark,
                        CreditTotals.build(credits, conversions, UP_TO),
                        ChannelIncrementality.intervals(credits, replicates, 0.9, UP_TO),
                        reported,
                        List.of(ModelName.LAST_TOUCH, ModelName.INCREMENTAL),
                        UP_TO)
                .collectAsList()) {
            String key = r.getAs("date") + " " + r.getAs("model") + " " + r.getAs("campaign_id");
            assertNull(byKey.put(key, r), "one row per key: " + key);
        }
        return byKey;
    }

    @Test
    void claimsCreditsAndCausedMeetPerDayAndCampaign(SparkSession spark) {
        Map<String, Row> byKey = claimedVsReal(spark);
        // oe_1 and oe_2 and bd_1 on both models' rows, oe_1 on 06-05 on both, oe_9 on last touch only.
        assertEquals(9, byKey.size(), byKey.keySet().toString());
        Row oe1 = byKey.get("2026-06-01 last_touch oe_1");
        assertEquals("ocean_engine", oe1.getAs("platform"));
        assertEquals(money("100.00"), oe1.getAs("spend"));
        assertEquals(money("3.00"), oe1.getAs("claimed_conversions"));
        assertEquals(money("600.00"), oe1.getAs("claimed_value"));
        assertNull(oe1.getAs("claimed_view_through"));
        assertEquals(0, BigDecimal.valueOf(2).compareTo(oe1.getAs("credited_conversions")));
        assertEquals(money("200.00"), oe1.getAs("credited_net_revenue"));
        assertEquals(0, new BigDecimal("0.75").compareTo(oe1.getAs("caused_conversions")));
        assertEquals(money("87.50"), oe1.getAs("caused_net_revenue"));
        // The day's share of June's caused value (0.75 of 1.00 conversions, 87.50 of 100.00) of the month's interval.
        assertEquals(0.82 * 0.75, oe1.<BigDecimal>getAs("caused_conversions_lo").doubleValue(), 1e-9);
        assertEquals(1.18 * 0.75, oe1.<BigDecimal>getAs("caused_conversions_hi").doubleValue(), 1e-9);
        assertEquals(money("71.75"), oe1.getAs("caused_net_revenue_lo"));
        assertEquals(money("103.25"), oe1.getAs("caused_net_revenue_hi"));
        assertEquals(new BigDecimal("6.0000"), oe1.getAs("claimed_roas"), "600 / 100");
        assertEquals(new BigDecimal("2.0000"), oe1.getAs("real_roas"), "200 / 100");
        assertEquals(new BigDecimal("0.8750"), oe1.getAs("iroas"), "87.50 / 100");
        assertEquals(new BigDecimal("0.7175"), oe1.getAs("iroas_lo"));
        assertEquals(new BigDecimal("1.0325"), oe1.getAs("iroas_hi"));
        assertEquals(new BigDecimal("3.0000"), oe1.getAs("overclaim"), "600 / 200");

        Row oe1Inc = byKey.get("2026-06-01 incremental oe_1");
        assertEquals(money("87.50"), oe1Inc.getAs("credited_net_revenue"));
        assertEquals(money("600.00"), oe1Inc.getAs("claimed_value"), "claims repeat on every model's row");
        assertEquals(new BigDecimal("6.8571"), oe1Inc.getAs("overclaim"), "600 / 87.50");
    }

    @Test
    void claimsWithoutSpendSpendWithoutClaimsAndCreditsWithoutReportsKeepTheirRows(SparkSession spark) {
        Map<String, Row> byKey = claimedVsReal(spark);

        Row claimsOnly = byKey.get("2026-06-02 last_touch oe_2");
        assertEquals(money("200.00"), claimsOnly.getAs("claimed_value"));
        assertEquals(money("0.00"), claimsOnly.getAs("credited_net_revenue"));
        assertNull(claimsOnly.getAs("claimed_roas"), "no spend");
        assertNull(claimsOnly.getAs("overclaim"), "no credit");
        assertEquals(0, BigDecimal.ZERO.compareTo(claimsOnly.getAs("caused_conversions")), "credited 0 that month");
        assertNull(claimsOnly.getAs("caused_conversions_lo"), "a month caused 0 has no day's share");
        assertNull(byKey.get("2026-06-01 last_touch bd_1").getAs("caused_conversions"), "no incremental credit");

        Row spendOnly = byKey.get("2026-06-01 incremental bd_1");
        assertEquals("baidu_sem", spendOnly.getAs("platform"));
        assertEquals(money("50.00"), spendOnly.getAs("spend"));
        assertNull(spendOnly.getAs("claimed_conversions"), "a report without claims says nothing, not zero");

        Row unreported = byKey.get("2026-06-03 last_touch oe_9");
        assertEquals("ocean_engine", unreported.getAs("platform"), "the one platform of its channel");
        assertEquals(money("0.00"), unreported.getAs("spend"));
        assertEquals(money("80.00"), unreported.getAs("credited_net_revenue"));

        Row later = byKey.get("2026-06-05 last_touch oe_1");
        assertEquals(money("0.00"), later.getAs("spend"));
        assertEquals(
                0.82 * 0.25, later.<BigDecimal>getAs("caused_conversions_lo").doubleValue(), 1e-9);
        assertEquals(money("10.25"), later.getAs("caused_net_revenue_lo"), "82.00 x 12.50 / 100.00");
    }

    static final StructType CONVERSIONS = StructType.fromDDL("conversion_id STRING, conversion_date DATE, "
            + "platform STRING, order_channel STRING, gross_revenue DECIMAL(18,2), net_revenue DECIMAL(18,2)");

    /**
     * 06-01 booked own site 100.00 gross, 80.00 net (a refund); Tmall 50.00; a till sale 70.00; a
     * Douyin shop order (other) 30.00: 4 orders, gross 250.00, net 230.00, online net 160.00. The
     * platforms claim 3 conversions worth 600.00 (Baidu's report has no claims): 3 / 4 = 0.75 of the
     * orders, 600 / 230 = 2.6087 of the net revenue, 600 / 160 = 3.75 of what was sold online.
     * 06-02 has claims and no sales; 06-03 a JD sale of 40.00 and no report.
     */
    @Test
    void theLedgerAgainstTheSumOfClaimsPerDay(SparkSession spark) {
        Dataset<Row> conversions = rows(
                spark,
                CONVERSIONS,
                RowFactory.create("o1", d("2026-06-01"), "ownsite", "online", money("100.00"), money("80.00")),
                RowFactory.create("o2", d("2026-06-01"), "tmall", "online", money("50.00"), money("50.00")),
                RowFactory.create("s1", d("2026-06-01"), "store", "offline", money("70.00"), money("70.00")),
                RowFactory.create("o3", d("2026-06-01"), "douyin_shop", "online", money("30.00"), money("30.00")),
                RowFactory.create("o4", d("2026-06-03"), "jd", "online", money("40.00"), money("40.00")),
                RowFactory.create("o5", d("2026-07-02"), "jd", "online", money("40.00"), money("40.00")));
        Map<String, Row> byDate = new HashMap<>();
        for (Row r : ClaimsReconciliation.build(conversions, reported, UP_TO).collectAsList()) {
            assertNull(byDate.put(r.getAs("date").toString(), r));
        }
        assertEquals(3, byDate.size(), byDate.keySet().toString());
        Row first = byDate.get("2026-06-01");
        assertEquals(4L, first.<Long>getAs("orders"));
        assertEquals(money("250.00"), first.getAs("gross_revenue"));
        assertEquals(money("230.00"), first.getAs("net_revenue"));
        assertEquals(money("160.00"), first.getAs("online_net_revenue"));
        assertEquals(money("80.00"), first.getAs("ownsite_net_revenue"));
        assertEquals(1L, first.<Long>getAs("tmall_orders"));
        assertEquals(0L, first.<Long>getAs("jd_orders"));
        assertEquals(money("70.00"), first.getAs("store_net_revenue"));
        assertEquals(1L, first.<Long>getAs("other_orders"));
        assertEquals(money("30.00"), first.getAs("other_net_revenue"));
        assertEquals(money("150.00"), first.getAs("spend"));
        assertEquals(money("3.00"), first.getAs("claimed_conversions"));
        assertEquals(money("600.00"), first.getAs("claimed_value"));
        assertNull(first.getAs("claimed_view_through"));
        assertEquals(new BigDecimal("0.7500"), first.getAs("claims_to_orders"));
        assertEquals(new BigDecimal("2.6087"), first.getAs("claims_to_net_revenue"));
        assertEquals(new BigDecimal("3.7500"), first.getAs("claims_to_online_net_revenue"));
        Row claimsOnly = byDate.get("2026-06-02");
        assertEquals(0L, claimsOnly.<Long>getAs("orders"));
        assertEquals(money("200.00"), claimsOnly.getAs("claimed_value"));
        assertNull(claimsOnly.getAs("claims_to_net_revenue"), "nothing booked");
        Row salesOnly = byDate.get("2026-06-03");
        assertEquals(money("40.00"), salesOnly.getAs("jd_net_revenue"));
        assertEquals(money("0.00"), salesOnly.getAs("spend"));
        assertNull(salesOnly.getAs("claimed_value"), "no report that day");
    }
}
