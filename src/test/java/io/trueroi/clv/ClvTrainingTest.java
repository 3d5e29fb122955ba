package io.trueroi.clv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueroi.ops.JobFailure;
import io.trueroi.testing.SharedSpark;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link ClvTraining} and {@link ClvPredictions} on summaries built by hand: the CDNOW sample's
 * published summary in days (t_x and T × 7, to the day), and degenerate ones, which must fail
 * with a message that says what is wrong, never crash.
 */
@ExtendWith(SharedSpark.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClvTrainingTest {
    static final StructType SUMMARY = StructType.fromDDL("one_id STRING, first_purchase_date DATE, frequency INT, "
            + "recency_days INT, age_days INT, repeat_value DECIMAL(18,2), realised_value DECIMAL(18,2)");

    static Row customer(String id, int x, int recencyDays, int ageDays, String repeat) {
        return RowFactory.create(
                id,
                Date.valueOf(LocalDate.of(1997, 9, 30).minusDays(ageDays)),
                x,
                recencyDays,
                ageDays,
                new BigDecimal(repeat),
                new BigDecimal(repeat).add(new BigDecimal("10.00")));
    }

    /** The published CDNOW summary, one row per customer, in days. */
    static List<Row> cdnow() throws IOException {
        List<Row> rows = new ArrayList<>();
        int i = 0;
        for (BgNbdTest.Customer c : BgNbdTest.summary()) {
            BigDecimal repeat = BigDecimal.valueOf(c.zbar()).multiply(BigDecimal.valueOf(c.x()));
            rows.add(customer(
                    "c" + i++,
                    c.x(),
                    (int) Math.round(c.recency() * 7),
                    (int) Math.round(c.age() * 7),
                    repeat.setScale(2, RoundingMode.HALF_UP).toPlainString()));
        }
        return rows;
    }

    @Test
    void aRepeatBuyerWhoseRefundsExceedTheirPurchasesIsLeftOutOfGammaGammaAndCounted(SparkSession spark)
            throws IOException {
        List<Row> rows = cdnow();
        rows.add(customer("refunder", 2, 70, 200, "-15.00"));
        ClvTraining.Fit fit = ClvTraining.fit(spark.createDataFrame(rows, SUMMARY), 7);
        assertEquals(2358, fit.customers());
        assertEquals(947, fit.repeatBuyers());
        assertEquals(1, fit.excludedFromGammaGamma());
        assertEquals(946, fit.gammaGamma().customers());
        assertEquals(2358, fit.bgNbd().customers(), "BG/NBD still counts their purchases");
    }

    @Test
    void noRepeatBuyerFailsSayingSo(SparkSession spark) {
        Dataset<Row> once = spark.createDataFrame(
                List.of(customer("a", 0, 0, 30, "0.00"), customer("b", 0, 0, 12, "0.00")), SUMMARY);
        JobFailure e = assertThrows(JobFailure.class, () -> ClvTraining.fit(once, 1));
        assertTrue(
                e.getMessage().contains("0 of the 2 customers bought on a second day, fewer than the 1 the fit needs"),
                e.getMessage());
    }

    @Test
    void fewerRepeatBuyersThanTheMinimumFailSayingSo(SparkSession spark) {
        Dataset<Row> two = spark.createDataFrame(
                List.of(
                        customer("a", 1, 3, 60, "5.00"),
                        customer("b", 2, 9, 40, "9.00"),
                        customer("c", 0, 0, 20, "0.00")),
                SUMMARY);
        JobFailure e = assertThrows(JobFailure.class, () -> ClvTraining.fit(two, 1, 50));
        assertTrue(
                e.getMessage()
                        .contains("2 of the 3 customers bought on a second day, fewer than the 50 the fit needs"
                                + " (trueroi.marts.clv.min-repeat-buyers)"),
                e.getMessage());
    }

    @Test
    void aHistoryShorterThanTheTimeUnitFailsSayingSo(SparkSession spark) {
        Dataset<Row> days =
                spark.createDataFrame(List.of(customer("a", 1, 3, 6, "5.00"), customer("b", 0, 0, 2, "0.00")), SUMMARY);
        JobFailure e = assertThrows(JobFailure.class, () -> ClvTraining.fit(days, 7));
        assertTrue(
                e.getMessage().contains("shorter than one time unit (7 days); set trueroi.marts.clv.time-unit to days"),
                e.getMessage());
    }

    @Test
    void onlyRefundedRepeatPurchasesFailSayingSo(SparkSession spark) {
        Dataset<Row> refunded = spark.createDataFrame(
                List.of(customer("a", 1, 3, 60, "-5.00"), customer("b", 0, 0, 20, "0.00")), SUMMARY);
        JobFailure e = assertThrows(JobFailure.class, () -> ClvTraining.fit(refunded, 1));
        assertTrue(e.getMessage().contains("worth nothing or less after refunds"), e.getMessage());
    }

    @Test
    void noCustomerFailsSayingSo(SparkSession spark) {
        JobFailure e = assertThrows(
                JobFailure.class, () -> ClvTraining.fit(spark.createDataFrame(List.<Row>of(), SUMMARY), 1));
        assertTrue(e.getMessage().contains("no customer"), e.getMessage());
    }

    /**
     * Everyone the same age (one cohort, acquired the same day: the CDNOW customers all aged 273
     * days, t_x capped there): the model is still identified by x and t_x, so the fit converges,
     * and to a maximum — no worse than the published CDNOW parameters on the same data.
     */
    @Test
    void customersAllOfOneAgeStillFit(SparkSession spark) throws IOException {
        List<Row> rows = new ArrayList<>();
        List<BgNbdTest.Customer> cohort = new ArrayList<>();
        for (Row r : cdnow()) {
            int recency = Math.min(r.getInt(3), 273);
            rows.add(RowFactory.create(r.get(0), r.get(1), r.get(2), recency, 273, r.get(5), r.get(6)));
            cohort.add(new BgNbdTest.Customer(r.getInt(2), recency / 7.0, 273 / 7.0, 0));
        }
        ClvTraining.Fit fit = ClvTraining.fit(spark.createDataFrame(rows, SUMMARY), 7);
        double published = BgNbd.logLikelihood(new BgNbd.Params(0.243, 4.414, 0.793, 2.426), BgNbdTest.triples(cohort));
        assertTrue(fit.bgNbd().logLikelihood() >= published, fit.bgNbd() + " vs published " + published);
    }

    /**
     * The predictions of customer 1 of the sample (x 2, t_x 213 days, T 272 days, repeat value
     * 44.70, 2 × the published mean 22.35) equal the model's functions: P(alive) and E[Y(t)] at 90 and 365 days (BG/NBD), the
     * Gamma-Gamma mean p(v + 44.70) / (2p + q − 1); without discounting the predicted value is
     * E[Y(365 days)] × that mean, to the cent. A customer who bought once has P(alive) 1 and the
     * population mean pv / (q − 1) per purchase.
     */
    @Test
    void predictionsPerCustomerAreTheModelsFunctions(SparkSession spark) throws IOException {
        Dataset<Row> summary = spark.createDataFrame(cdnow(), SUMMARY);
        ClvTraining.Fit fit = ClvTraining.fit(summary, 7);
        BgNbd.Params bg = fit.bgNbd().params();
        GammaGamma.Params gg = fit.gammaGamma().params();
        Row one = ClvPredictions.of(summary.filter("one_id = 'c0'"), fit, 0.0).first();
        assertEquals(2, one.<Integer>getAs("frequency"));
        double recency = 213 / 7.0;
        double age = 272 / 7.0;
        assertEquals(BgNbd.probabilityAlive(bg, 2, recency, age), one.<Double>getAs("p_alive"), 1e-12);
        double e90 = BgNbd.expectedPurchases(bg, 90 / 7.0, 2, recency, age);
        double e365 = BgNbd.expectedPurchases(bg, 365 / 7.0, 2, recency, age);
        assertEquals(e90, one.<Double>getAs("expected_purchases_90"), 1e-12);
        assertEquals(e365, one.<Double>getAs("expected_purchases_365"), 1e-12);
        double value = gg.p() * (gg.v() + 44.70) / (2 * gg.p() + gg.q() - 1);
        assertEquals(
                BigDecimal.valueOf(value).setScale(2, RoundingMode.HALF_EVEN),
                one.<BigDecimal>getAs("expected_value_per_purchase"));
        assertEquals(
                BigDecimal.valueOf(value * e365).setScale(2, RoundingMode.HALF_EVEN),
                one.<BigDecimal>getAs("predicted_clv_365"));

        Row once = ClvPredictions.of(summary.filter("frequency = 0").limit(1), fit, 0.0)
                .first();
        assertEquals(1.0, once.<Double>getAs("p_alive"));
        assertEquals(
                BigDecimal.valueOf(gg.p() * gg.v() / (gg.q() - 1)).setScale(2, RoundingMode.HALF_EVEN),
                once.<BigDecimal>getAs("expected_value_per_purchase"));

        // Discounting at 10% a year lowers the value, and by less than a year's full discount.
        Row discounted =
                ClvPredictions.of(summary.filter("one_id = 'c0'"), fit, 0.10).first();
        double undiscounted = one.<BigDecimal>getAs("predicted_clv_365").doubleValue();
        double d = discounted.<BigDecimal>getAs("predicted_clv_365").doubleValue();
        assertTrue(d < undiscounted && d > undiscounted / 1.10, d + " vs " + undiscounted);
    }
}
