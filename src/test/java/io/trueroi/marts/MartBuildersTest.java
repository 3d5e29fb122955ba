package io.trueroi.marts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.trueroi.catalog.ModelName;
import io.trueroi.testing.SharedSpark;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Each mart's {@code build} on a few hand-made rows, with every expected figure worked out in the
 * test from the rule in the mart's class comment (README, "Marts").
 */
@ExtendWith(SharedSpark.class)
class MartBuildersTest {
    static final LocalDate UP_TO = LocalDate.of(2026, 6, 30);

    static final StructType CREDITS = StructType.fromDDL("conversion_id STRING, conversion_date DATE, touch_date DATE, "
            + "model STRING, channel STRING, campaign_id STRING, conversion_credit DECIMAL(18,12), "
            + "revenue_credit DECIMAL(18,2)");
    static final StructType CONVERSIONS = StructType.fromDDL("conversion_id STRING, one_id STRING, "
            + "conversion_date DATE, is_first_purchase BOOLEAN, gross_revenue DECIMAL(18,2), refunds DECIMAL(18,2), "
            + "net_revenue DECIMAL(18,2)");
    static final StructType TOUCHPOINTS = StructType.fromDDL(
            "touch_type STRING, is_invalid BOOLEAN, touch_date DATE, " + "channel STRING, campaign_id STRING");
    static final StructType JOURNEYS = StructType.fromDDL("conversion_id STRING, converted BOOLEAN, "
            + "conversion_date DATE, net_revenue DECIMAL(18,2), path_length INT, days_to_convert INT, "
            + "touches ARRAY<STRUCT<channel: STRING>>");
    static final StructType CUSTOMERS = StructType.fromDDL("one_id STRING, acquisition_date DATE, "
            + "acquisition_channel STRING, ltv_90 DECIMAL(20,2), ltv_365 DECIMAL(20,2)");
    static final StructType ORDERS = StructType.fromDDL("one_id STRING, conversion_date DATE, "
            + "net_revenue DECIMAL(18,2), acquisition_date DATE, acquisition_channel STRING");

    static final StructType REPLICATES = StructType.fromDDL("model STRING, period_start DATE, channel STRING, "
            + "campaign_id STRING, replicate INT, conversions DECIMAL(24,6), net_revenue DECIMAL(18,2)");

    static Row replicate(String model, String month, String channel, String campaign, int b, String c, String r) {
        return RowFactory.create(model, d(month), channel, campaign, b, new BigDecimal(c), money(r));
    }

    static Date d(String iso) {
        return Date.valueOf(iso);
    }

    static BigDecimal money(String s) {
        return new BigDecimal(s);
    }

    static Dataset<Row> rows(SparkSession spark, StructType schema, Row... rows) {
        return spark.createDataFrame(List.of(rows), schema);
    }

    /**
     * Baidu spent 50.00 on 2026-06-01 and nothing was credited to it; WeChat OA, with no spend, was
     * credited one conversion of 100.00 (a first purchase). Baidu: ROAS 0 / 50 = 0, ROI (0 − 50) / 50
     * = −1, CPA and CAC null (no conversion). WeChat OA: spend 0, so ROAS and ROI are null (their
     * denominator is the spend), and CPA = CAC = 0 / 1 = 0.00.
     */
    @Test
    void aChannelWithNoSpendHasNoReturnRatiosAndSpendWithNoCreditLosesItAll(SparkSession spark) {
        Dataset<Row> credits = rows(
                spark,
                CREDITS,
                RowFactory.create(
                        "c1",
                        d("2026-06-02"),
                        d("2026-06-01"),
                        "linear",
                        "WeChat OA",
                        "menu",
                        new BigDecimal("1.000000000000"),
                        money("100.00")));
        Dataset<Row> conversions = rows(
                spark,
                CONVERSIONS,
                RowFactory.create("c1", "p1", d("2026-06-02"), true, money("100.00"), money("0.00"), money("100.00")));
        Dataset<Row> spend = rows(
                spark,
                Spend.SCHEMA,
                RowFactory.create(d("2026-06-01"), "Baidu SEM", "bd_1", money("50.00"), 1000L, 20L));
        Map<String, Row> byChannel = new HashMap<>();
        for (Row r : ChannelRoiDaily.build(
                        spark,
                        CreditTotals.build(credits, conversions, UP_TO),
                        rows(spark, TOUCHPOINTS),
                        spend,
                        List.of(ModelName.LINEAR),
                        UP_TO)
                .collectAsList()) {
            assertNull(byChannel.put(r.<String>getAs("channel"), r), "one row per channel: " + r);
        }
        assertEquals(2, byChannel.size(), byChannel.toString());
        Row baidu = byChannel.get("Baidu SEM");
        assertEquals(money("50.00"), baidu.getAs("spend"));
        assertEquals(money("0.00"), baidu.getAs("net_revenue"));
        assertEquals(new BigDecimal("0.0000"), baidu.getAs("roas"));
        assertEquals(new BigDecimal("-1.0000"), baidu.getAs("roi"));
        assertNull(baidu.getAs("cpa"));
        assertNull(baidu.getAs("cac"));
        assertEquals(20L, baidu.<Long>getAs("clicks"));
        Row wechat = byChannel.get("WeChat OA");
        assertEquals(money("0.00"), wechat.getAs("spend"));
        assertEquals(money("100.00"), wechat.getAs("net_revenue"));
        assertEquals(0, new BigDecimal("1").compareTo(wechat.getAs("new_customers")));
        assertNull(wechat.getAs("roas"));
        assertNull(wechat.getAs("roi"));
        assertEquals(money("0.00"), wechat.getAs("cpa"));
        assertEquals(money("0.00"), wechat.getAs("cac"));
    }

    /** A credit row: conversion, its date, the touch's date, model, channel, campaign, share, revenue. */
    static Row credit(
            String conversion,
            String date,
            String touchDate,
            String model,
            String channel,
            String campaign,
            String share,
            String revenue) {
        return RowFactory.create(
                conversion,
                d(date),
                touchDate == null ? null : d(touchDate),
                model,
                channel,
                campaign,
                new BigDecimal(share),
                money(revenue));
    }

    /**
     * Per model and channel: linear splits c1 (100.00) 0.5/0.5 over Baidu and WeChat OA and gives
     * c2 (60.00) to Baidu; conversions 1.5 and 0.5 of 2, revenue 110.00 and 50.00 of 160.00. A
     * credit dated after the run's date is left out.
     */
    @Test
    void modelComparisonSharesSumToOnePerModel(SparkSession spark) {
        Dataset<Row> credits = rows(
                spark,
                CREDITS,
                credit("c1", "2026-06-02", "2026-06-01", "linear", "Baidu SEM", "bd", "0.500000000000", "50.00"),
                credit("c1", "2026-06-02", "2026-06-01", "linear", "WeChat OA", "m", "0.500000000000", "50.00"),
                credit("c2", "2026-06-03", "2026-06-03", "linear", "Baidu SEM", "bd", "1.000000000000", "60.00"),
                credit("c3", "2026-07-01", "2026-07-01", "linear", "WeChat OA", "m", "1.000000000000", "999.00"));
        Map<String, Row> byChannel = new HashMap<>();
        // Three replicates: Baidu SEM 1.5 / 2 / 1 conversions and 110 / 100 / 60.00, WeChat OA 0.5 / 0 /
        // 1 and 50 / 0 / 100.00, so Baidu's conversion shares 0.75, 1, 0.5 and revenue shares 0.6875,
        // 1, 0.375; July (after the run's date) is left out. The 90% interval's ends are the 5% and
        // 95% quantiles, at positions 0.1 and 1.9 of the three sorted values (linear between them):
        // Baidu conversions 0.5 + 0.1 × 0.25 = 0.525 and 0.75 + 0.9 × 0.25 = 0.975, revenue
        // 0.375 + 0.1 × 0.3125 = 0.40625 and 0.6875 + 0.9 × 0.3125 = 0.96875; WeChat OA conversions
        // 0.025 and 0.475.
        Dataset<Row> replicates = rows(
                spark,
                REPLICATES,
                replicate("linear", "2026-06-01", "Baidu SEM", "bd", 0, "1.5", "110.00"),
                replicate("linear", "2026-06-01", "Baidu SEM", "bd", 1, "1.5", "80.00"),
                replicate("linear", "2026-05-01", "Baidu SEM", "bd", 1, "0.5", "20.00"),
                replicate("linear", "2026-06-01", "Baidu SEM", "bd", 2, "1", "60.00"),
                replicate("linear", "2026-06-01", "WeChat OA", "m", 0, "0.5", "50.00"),
                replicate("linear", "2026-06-01", "WeChat OA", "m", 1, "0", "0.00"),
                replicate("linear", "2026-06-01", "WeChat OA", "m", 2, "1", "100.00"),
                replicate("linear", "2026-07-01", "WeChat OA", "m", 1, "9", "999.00"));
        for (Row r : ModelComparison.build(credits, replicates, 0.9, UP_TO).collectAsList()) {
            byChannel.put(r.<String>getAs("channel"), r);
        }
        assertEquals(
                0, new BigDecimal("1.5").compareTo(byChannel.get("Baidu SEM").getAs("conversions")));
        assertEquals(money("110.00"), byChannel.get("Baidu SEM").getAs("net_revenue"));
        assertEquals(0.75, byChannel.get("Baidu SEM").<Double>getAs("conversion_share"), 1e-12);
        assertEquals(110.0 / 160, byChannel.get("Baidu SEM").<Double>getAs("revenue_share"), 1e-12);
        assertEquals(money("50.00"), byChannel.get("WeChat OA").getAs("net_revenue"), "c3 is after the run's date");
        assertEquals(0.25, byChannel.get("WeChat OA").<Double>getAs("conversion_share"), 1e-12);
        Row baidu = byChannel.get("Baidu SEM");
        assertEquals(0.525, baidu.<Double>getAs("conversion_share_lo"), 1e-12);
        assertEquals(0.975, baidu.<Double>getAs("conversion_share_hi"), 1e-12);
        assertEquals(0.40625, baidu.<Double>getAs("revenue_share_lo"), 1e-12);
        assertEquals(0.96875, baidu.<Double>getAs("revenue_share_hi"), 1e-12);
        assertEquals(0.025, byChannel.get("WeChat OA").<Double>getAs("conversion_share_lo"), 1e-12);
        assertEquals(0.475, byChannel.get("WeChat OA").<Double>getAs("conversion_share_hi"), 1e-12);
        for (Row r :
                ModelComparison.build(credits, replicates.limit(0), 0.9, UP_TO).collectAsList()) {
            assertNull(r.getAs("conversion_share_lo"), "no replicates, no interval: " + r);
        }
    }

    /**
     * The incremental model credits Baidu campaign bd 0.6 of c1 (60.00) and 0.4 to (baseline)
     * (40.00) on 2026-06-02, and Baidu bd all of c2 (20.00) on 2026-05-31; c3 has no touch ((none),
     * left out); a linear credit is another model's (left out). Baidu bd spent 50.00 in June and
     * 10.00 in May; Google gg spent 30.00 in June and caused nothing. June: Baidu 0.6 conversions,
     * 60.00, iROAS 60 / 50 = 1.2000; (baseline) 0.4, 40.00, no spend, iROAS null; Google 0, 0.00 of
     * 30.00 spend, iROAS 0. May: Baidu 1, 20.00 / 10.00 = 2.0000. June ends on the run's date.
     */
    @Test
    void channelIncrementalityIsTheIncrementalModelsCreditsAgainstSpend(SparkSession spark) {
        Dataset<Row> credits = rows(
                spark,
                CREDITS,
                credit("c1", "2026-06-02", "2026-06-01", "incremental", "Baidu SEM", "bd", "0.600000000000", "60.00"),
                credit("c1", "2026-06-02", null, "incremental", "(baseline)", null, "0.400000000000", "40.00"),
                credit("c2", "2026-05-31", "2026-05-30", "incremental", "Baidu SEM", "bd", "1.000000000000", "20.00"),
                credit("c3", "2026-06-03", null, "incremental", "(none)", null, "1.000000000000", "5.00"),
                credit("c1", "2026-06-02", "2026-06-01", "linear", "Baidu SEM", "bd", "1.000000000000", "100.00"));
        Dataset<Row> spend = rows(
                spark,
                Spend.SCHEMA,
                RowFactory.create(d("2026-06-05"), "Baidu SEM", "bd", money("50.00"), 100L, 10L),
                RowFactory.create(d("2026-05-20"), "Baidu SEM", "bd", money("10.00"), 10L, 1L),
                RowFactory.create(d("2026-06-07"), "Google Ads", "gg", money("30.00"), 10L, 3L));
        Map<String, Row> byKey = new HashMap<>();
        // June Baidu bd in three replicates of the incremental model: 0.6 / 0.3 / 0.9 conversions and
        // 60 / 30 / 90.00; the quantiles at positions 0.1 and 1.9 of the sorted values: conversions
        // 0.33 and 0.87, revenue 33.00 and 87.00, so iROAS 33 / 50 = 0.66 and 87 / 50 = 1.74. Another
        // model's replicates do not count; Google Ads has none, so no interval.
        Dataset<Row> replicates = rows(
                spark,
                REPLICATES,
                replicate("incremental", "2026-06-01", "Baidu SEM", "bd", 0, "0.6", "60.00"),
                replicate("incremental", "2026-06-01", "Baidu SEM", "bd", 1, "0.3", "30.00"),
                replicate("incremental", "2026-06-01", "Baidu SEM", "bd", 2, "0.9", "90.00"),
                replicate("linear", "2026-06-01", "Baidu SEM", "bd", 3, "99", "9999.00"));
        for (Row r : ChannelIncrementality.build(credits, replicates, spend, 0.9, UP_TO)
                .collectAsList()) {
            byKey.put(r.getAs("period_start").toString() + " " + r.getAs("channel"), r);
            assertEquals(d("2026-06-30"), r.getAs("as_of_date"));
        }
        assertEquals(4, byKey.size(), byKey.toString());
        Row june = byKey.get("2026-06-01 Baidu SEM");
        assertEquals(d("2026-06-30"), june.getAs("period_end"));
        assertEquals(0, new BigDecimal("0.6").compareTo(june.getAs("incremental_conversions")));
        assertEquals(money("60.00"), june.getAs("incremental_net_revenue"));
        assertEquals(money("50.00"), june.getAs("spend"));
        assertEquals(new BigDecimal("1.2000"), june.getAs("iroas"));
        assertEquals(0, new BigDecimal("0.33").compareTo(june.getAs("incremental_conversions_lo")));
        assertEquals(0, new BigDecimal("0.87").compareTo(june.getAs("incremental_conversions_hi")));
        assertEquals(new BigDecimal("0.6600"), june.getAs("iroas_lo"));
        assertEquals(new BigDecimal("1.7400"), june.getAs("iroas_hi"));
        assertNull(june.getAs("spec_conversions_lo"), "no other specification kept");
        Row baseline = byKey.get("2026-06-01 (baseline)");
        assertEquals(money("40.00"), baseline.getAs("incremental_net_revenue"));
        assertEquals(money("0.00"), baseline.getAs("spend"));
        assertNull(baseline.getAs("iroas"), "no spend, no iROAS");
        Row google = byKey.get("2026-06-01 Google Ads");
        assertEquals(money("0.00"), google.getAs("incremental_net_revenue"));
        assertEquals(new BigDecimal("0.0000"), google.getAs("iroas"));
        assertNull(google.getAs("iroas_lo"));
        Row may = byKey.get("2026-05-01 Baidu SEM");
        assertEquals(d("2026-05-31"), may.getAs("period_end"));
        assertEquals(new BigDecimal("2.0000"), may.getAs("iroas"));
    }

    /**
     * The model doubt widens the interval. June Baidu bd as above (point 0.6, 60.00; replicates 0.6
     * / 0.3 / 0.9, sampling interval 0.33..0.87, 33.00..87.00), and two other specifications the fit
     * kept (replicates −1 and −2): 0.24 (24.00) and 0.96 (96.00). Each side adds the sampling
     * reach 0.27 and the specifications' 0.36 in quadrature: √(0.27² + 0.36²) = 0.45, so 0.15..1.05
     * conversions, 15.00..105.00 revenue and iROAS 0.3000..2.1000 on 50.00 of spend; both parts are
     * reported as they are. The other specifications are no replicates: the sampling interval is the
     * one of the example above.
     */
    @Test
    void otherSpecificationsWidenTheIntervalInQuadrature(SparkSession spark) {
        Dataset<Row> credits = rows(
                spark,
                CREDITS,
                credit("c1", "2026-06-02", "2026-06-01", "incremental", "Baidu SEM", "bd", "0.600000000000", "60.00"),
                credit("c1", "2026-06-02", null, "incremental", "(baseline)", null, "0.400000000000", "40.00"));
        Dataset<Row> spend = rows(
                spark, Spend.SCHEMA, RowFactory.create(d("2026-06-05"), "Baidu SEM", "bd", money("50.00"), 100L, 10L));
        Dataset<Row> replicates = rows(
                spark,
                REPLICATES,
                replicate("incremental", "2026-06-01", "Baidu SEM", "bd", 0, "0.6", "60.00"),
                replicate("incremental", "2026-06-01", "Baidu SEM", "bd", 1, "0.3", "30.00"),
                replicate("incremental", "2026-06-01", "Baidu SEM", "bd", 2, "0.9", "90.00"),
                replicate("incremental", "2026-06-01", "Baidu SEM", "bd", -1, "0.24", "24.00"),
                replicate("incremental", "2026-06-01", "Baidu SEM", "bd", -2, "0.96", "96.00"));
        Row june = ChannelIncrementality.build(credits, replicates, spend, 0.9, UP_TO)
                .filter("channel = 'Baidu SEM'")
                .first();
        assertEquals(0, new BigDecimal("0.15").compareTo(june.getAs("incremental_conversions_lo")), june.toString());
        assertEquals(0, new BigDecimal("1.05").compareTo(june.getAs("incremental_conversions_hi")));
        assertEquals(new BigDecimal("0.3000"), june.getAs("iroas_lo"));
        assertEquals(new BigDecimal("2.1000"), june.getAs("iroas_hi"));
        assertEquals(0, new BigDecimal("0.33").compareTo(june.getAs("sampling_conversions_lo")));
        assertEquals(0, new BigDecimal("0.87").compareTo(june.getAs("sampling_conversions_hi")));
        assertEquals(0, new BigDecimal("0.24").compareTo(june.getAs("spec_conversions_lo")));
        assertEquals(0, new BigDecimal("0.96").compareTo(june.getAs("spec_conversions_hi")));
    }

    /**
     * Customer p1 buys 100.00 on 2026-01-10 and gets 150.00 back (a refund larger than the order:
     * net −50.00), then 80.00 on 2026-02-20. Up to 2026-06-30: orders 2, gross 180.00, refunds
     * 150.00, net 30.00; ltv_30 covers 01-10..02-08 (−50.00), ltv_90 01-10..04-09 (−50 + 80 =
     * 30.00), ltv_365 ends 2027-01-09, after the run's date, so it is null. The first purchase's
     * journey starts with Baidu SEM, the acquisition channel.
     */
    @Test
    void aRefundLargerThanTheOrderMakesLtvNegativeUntilTheNextOrder(SparkSession spark) {
        Dataset<Row> conversions = rows(
                spark,
                CONVERSIONS,
                RowFactory.create("c1", "p1", d("2026-01-10"), true, money("100.00"), money("150.00"), money("-50.00")),
                RowFactory.create("c2", "p1", d("2026-02-20"), false, money("80.00"), money("0.00"), money("80.00")));
        Dataset<Row> journeys = rows(
                spark,
                JOURNEYS,
                RowFactory.create(
                        "c1",
                        true,
                        d("2026-01-10"),
                        money("-50.00"),
                        2,
                        3,
                        List.of(RowFactory.create("Baidu SEM"), RowFactory.create("WeChat OA"))),
                RowFactory.create("c2", true, d("2026-02-20"), money("80.00"), 0, null, List.of()));
        List<Row> out = CustomerLtv.build(conversions, journeys, UP_TO).collectAsList();
        assertEquals(1, out.size());
        Row p1 = out.get(0);
        assertEquals("Baidu SEM", p1.getAs("acquisition_channel"));
        assertEquals(d("2026-01-10"), p1.getAs("acquisition_date"));
        assertEquals(2L, p1.<Long>getAs("orders"));
        assertEquals(money("180.00"), p1.getAs("gross_revenue"));
        assertEquals(money("150.00"), p1.getAs("refunds"));
        assertEquals(money("30.00"), p1.getAs("net_revenue"));
        assertEquals(money("-50.00"), p1.getAs("ltv_30"));
        assertEquals(money("30.00"), p1.getAs("ltv_90"));
        assertNull(p1.getAs("ltv_365"));
    }

    /**
     * A May cohort of one customer who bought once (40.00 on 2026-05-03) and never again: up to
     * 2026-06-30 it has months 0 and 1; month 0 has 1 active customer (retention 1), month 1 a row
     * with 0 active (retention 0); cumulative net revenue per customer stays 40.00.
     */
    @Test
    void aCohortMonthWithNoRepeatBuyerStillHasItsRow(SparkSession spark) {
        Dataset<Row> customers =
                rows(spark, CUSTOMERS, RowFactory.create("p2", d("2026-05-03"), "Douyin", money("40.00"), null));
        Dataset<Row> orders = rows(
                spark, ORDERS, RowFactory.create("p2", d("2026-05-03"), money("40.00"), d("2026-05-03"), "Douyin"));
        Map<Integer, Row> byMonth = new HashMap<>();
        for (Row r : CohortLtv.build(customers, orders, UP_TO).collectAsList()) {
            byMonth.put(r.<Integer>getAs("months_since_acquisition"), r);
        }
        assertEquals(2, byMonth.size(), byMonth.toString());
        assertEquals(d("2026-05-01"), byMonth.get(0).getAs("acquisition_month"));
        assertEquals(1L, byMonth.get(0).<Long>getAs("active_customers"));
        assertEquals(1.0, byMonth.get(0).<Double>getAs("retention_rate"));
        assertEquals(0L, byMonth.get(1).<Long>getAs("active_customers"));
        assertEquals(0.0, byMonth.get(1).<Double>getAs("retention_rate"));
        assertEquals(money("40.00"), byMonth.get(1).getAs("cumulative_net_revenue_per_customer"));
    }

    /**
     * Douyin acquired two customers (ltv_90 40.00 and 20.00) for 30.00 of spend: CAC 15.00, average
     * LTV 30.00, LTV/CAC 2.0000. Their orders: 10.00 on day 0, 25.00 on day 5: cumulative 10, 35, so
     * the spend is paid back on day 5. Baidu spent 50.00 and acquired no one: CAC null, no payback.
     * Their predicted 365-day values, 100.00 and 50.00, average 75.00: 5.0000 times CAC. Without a
     * prediction (the night fitted no lifetime-value model) both predicted columns are null.
     */
    @Test
    void ltvCacAndPaybackPerChannel(SparkSession spark) {
        Dataset<Row> customers = rows(
                spark,
                CUSTOMERS,
                RowFactory.create("p3", d("2026-03-01"), "Douyin", money("40.00"), null),
                RowFactory.create("p4", d("2026-03-02"), "Douyin", money("20.00"), null));
        Dataset<Row> orders = rows(
                spark,
                ORDERS,
                RowFactory.create("p3", d("2026-03-01"), money("10.00"), d("2026-03-01"), "Douyin"),
                RowFactory.create("p4", d("2026-03-07"), money("25.00"), d("2026-03-02"), "Douyin"));
        Dataset<Row> spend = rows(
                spark,
                Spend.SCHEMA,
                RowFactory.create(d("2026-02-28"), "Douyin", "dy", money("30.00"), 0L, 0L),
                RowFactory.create(d("2026-02-28"), "Baidu SEM", "bd", money("50.00"), 0L, 0L));
        Dataset<Row> predicted = rows(
                spark,
                new StructType().add("one_id", "string").add("predicted_clv_365", "decimal(18,2)"),
                RowFactory.create("p3", money("100.00")),
                RowFactory.create("p4", money("50.00")));
        Map<String, Row> byChannel = new HashMap<>();
        for (Row r :
                ChannelLtvCac.build(customers, orders, spend, predicted, UP_TO).collectAsList()) {
            byChannel.put(r.<String>getAs("channel"), r);
        }
        Row unpredicted = ChannelLtvCac.build(customers, orders, spend, null, UP_TO)
                .filter("channel = 'Douyin'")
                .first();
        assertNull(unpredicted.getAs("avg_predicted_clv_365"));
        assertNull(unpredicted.getAs("ltv_cac_predicted_365"));
        assertEquals(money("75.00"), byChannel.get("Douyin").getAs("avg_predicted_clv_365"));
        assertEquals(new BigDecimal("5.0000"), byChannel.get("Douyin").getAs("ltv_cac_predicted_365"));
        Row douyin = byChannel.get("Douyin");
        assertEquals(2L, douyin.<Long>getAs("customers_acquired"));
        assertEquals(money("15.00"), douyin.getAs("cac"));
        assertEquals(money("30.00"), douyin.getAs("avg_ltv_90"));
        assertEquals(new BigDecimal("2.0000"), douyin.getAs("ltv_cac_90"));
        assertEquals(5, douyin.<Integer>getAs("payback_days"));
        Row baidu = byChannel.get("Baidu SEM");
        assertEquals(0L, baidu.<Long>getAs("customers_acquired"));
        assertNull(baidu.getAs("cac"));
        assertNull(baidu.getAs("payback_days"));
    }

    /**
     * Predicted value split by each model's credits of first purchases, to the cent. Customer p1
     * (predicted 100.00) first bought after touches a, b, c; linear credits them 1/3 each: by
     * cumulative rounding round(100 × 1/3) = 33.33, round(100 × 2/3) − 33.33 = 33.34, 100 − 66.67
     * = 33.33, so a 33.33, b 33.34, c 33.33, summing to 100.00 (rounding each share alone would
     * give 99.99). Last touch credits c alone. Customer p2 (predicted 10.01, no touch) is (none)
     * under both. p3 bought twice; only the first purchase counts. Each model's channels sum to
     * 110.01, the customers' total; b's spend 20.00 over 1/3 of a customer: CAC 60.00.
     */
    @Test
    void predictedValueIsSplitByEachModelsCreditsToTheCent(SparkSession spark) {
        StructType credits = StructType.fromDDL(
                "model STRING, conversion_id STRING, touch_index INT, channel STRING, conversion_credit DECIMAL(24,12)");
        BigDecimal third = new BigDecimal("0.333333333333");
        BigDecimal lastThird = new BigDecimal("0.333333333334");
        Dataset<Row> credited = rows(
                spark,
                credits,
                RowFactory.create("linear", "o1", 0, "a", third),
                RowFactory.create("linear", "o1", 1, "b", third),
                RowFactory.create("linear", "o1", 2, "c", lastThird),
                RowFactory.create("last_touch", "o1", 2, "c", BigDecimal.ONE),
                RowFactory.create("linear", "o2", 0, "(none)", BigDecimal.ONE),
                RowFactory.create("last_touch", "o2", 0, "(none)", BigDecimal.ONE),
                RowFactory.create("linear", "o3", 0, "a", BigDecimal.ONE),
                RowFactory.create("last_touch", "o3", 0, "a", BigDecimal.ONE));
        Dataset<Row> conversions = rows(
                spark,
                StructType.fromDDL(
                        "conversion_id STRING, one_id STRING, is_first_purchase BOOLEAN, conversion_date DATE"),
                RowFactory.create("o1", "p1", true, d("2026-06-01")),
                RowFactory.create("o2", "p2", true, d("2026-06-02")),
                RowFactory.create("o3", "p2", false, d("2026-06-03")));
        Dataset<Row> predicted = rows(
                spark,
                new StructType().add("one_id", "string").add("predicted_clv_365", "decimal(18,2)"),
                RowFactory.create("p1", money("100.00")),
                RowFactory.create("p2", money("10.01")));
        Dataset<Row> spend =
                rows(spark, Spend.SCHEMA, RowFactory.create(d("2026-05-30"), "b", "b1", money("20.00"), 0L, 0L));
        Map<String, BigDecimal> value = new HashMap<>();
        Map<String, BigDecimal> totals = new HashMap<>();
        Map<String, Row> byKey = new HashMap<>();
        for (Row r : ChannelPredictedClv.build(credited, conversions, predicted, spend, UP_TO)
                .collectAsList()) {
            String key = r.<String>getAs("model") + "/" + r.<String>getAs("channel");
            value.put(key, r.getAs("predicted_clv_365"));
            byKey.put(key, r);
            totals.merge(r.<String>getAs("model"), r.<BigDecimal>getAs("predicted_clv_365"), BigDecimal::add);
        }
        assertEquals(money("33.33"), value.get("linear/a"));
        assertEquals(money("33.34"), value.get("linear/b"));
        assertEquals(money("33.33"), value.get("linear/c"));
        assertEquals(money("100.00"), value.get("last_touch/c"));
        assertEquals(money("10.01"), value.get("linear/(none)"));
        assertEquals(money("110.01"), totals.get("linear"));
        assertEquals(money("110.01"), totals.get("last_touch"));
        assertEquals(money("20.00"), byKey.get("linear/b").getAs("spend"));
        assertEquals(money("60.00"), byKey.get("linear/b").getAs("cac"));
        assertEquals(new BigDecimal("1.000000"), byKey.get("last_touch/c").getAs("customers_acquired"));
    }

    /**
     * Three journeys: two on "Baidu SEM > WeChat OA" (one converting, 90.00, 4 days), one with no
     * touch that converted (30.00). Top 1 keeps the most travelled path: 2 journeys, 1 conversion,
     * rate 0.5, mean days to convert 4.00.
     */
    @Test
    void pathSummaryRanksByJourneysAndKeepsTheTop(SparkSession spark) {
        List<Row> baiduWechat = List.of(RowFactory.create("Baidu SEM"), RowFactory.create("WeChat OA"));
        Dataset<Row> journeys = rows(
                spark,
                JOURNEYS,
                RowFactory.create("c1", true, d("2026-06-01"), money("90.00"), 2, 4, baiduWechat),
                RowFactory.create(null, false, null, money("0.00"), 2, null, baiduWechat),
                RowFactory.create("c2", true, d("2026-06-02"), money("30.00"), 0, null, List.of()));
        List<Row> top = PathSummary.build(journeys, 1, UP_TO).collectAsList();
        assertEquals(1, top.size());
        Row r = top.get(0);
        assertEquals("Baidu SEM > WeChat OA", r.getAs("path"));
        assertEquals(2L, r.<Long>getAs("journeys"));
        assertEquals(1L, r.<Long>getAs("conversions"));
        assertEquals(0.5, r.<Double>getAs("conversion_rate"));
        assertEquals(money("90.00"), r.getAs("net_revenue"));
        assertEquals(new BigDecimal("4.00"), r.getAs("mean_days_to_convert"));
    }
}
