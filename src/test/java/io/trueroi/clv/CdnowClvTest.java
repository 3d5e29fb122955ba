package io.trueroi.clv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueroi.catalog.Table;
import io.trueroi.jobs.TrueRoiAccess;
import io.trueroi.spark.SparkSessions;
import io.trueroi.testing.SharedSpark;
import io.trueroi.testing.TestWorld;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CDNOW sample (2,357 customers, {@code src/test/resources/cdnow/}) through the pipeline's own
 * steps: its purchases turned into own-site order exports (one order per customer and date, the
 * dollars as the amount, the customer as the member id, noon in the business zone, {@link #FROM
 * moved to 2025}) in one export of the 39-week calibration period 1997-01-01..1997-09-30 delivered
 * on its last day, the real {@code ingest}, {@code identity} and {@code journeys} of that night
 * (which build every conversion up to it), then {@link ClvSummary} and {@link ClvTraining} in
 * weeks. The summary must equal the published one customer for customer (as a multiset of x, t_x,
 * T, zbar to the published two decimals), and the fits the published parameters: BG/NBD r 0.243,
 * α 4.414, a 0.793, b 2.426 within 1%, log-likelihood −9582.4 within 0.5; Gamma-Gamma p 6.25,
 * q 3.74, v 15.44 within 1%; 1.226 ± 0.002 expected purchases in the next 39 weeks for x 2,
 * t_x 30.43, T 38.86 (Fader, Hardie & Lee 2005; lifetimes reproduces them).
 */
@ExtendWith(SharedSpark.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CdnowClvTest {
    /**
     * The calibration period, 1997-01-01..1997-09-30, moved 28 years on: ingest refuses times
     * before 2000 (a unit error, usually), and 2025 has 1997's calendar (neither is a leap year),
     * so every day count is the published one.
     */
    static final LocalDate FROM = LocalDate.of(2025, 1, 1);

    static final LocalDate TO = LocalDate.of(2025, 9, 30);

    static final long SHIFT_DAYS = LocalDate.of(1997, 1, 1).until(FROM, java.time.temporal.ChronoUnit.DAYS);

    @TempDir
    static Path tmp;

    Dataset<Row> summary;
    ClvTraining.Fit fit;

    @BeforeAll
    void run(SparkSession spark) throws IOException {
        TestWorld world = new TestWorld(tmp);
        world.day(TO);
        // Customer-date → dollars, in the calibration period.
        Map<LocalDate, Map<String, BigDecimal>> byDate = new TreeMap<>();
        try (InputStream in = getClass().getResourceAsStream("/cdnow/CDNOW_sample.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 5) {
                    continue;
                }
                LocalDate day = LocalDate.parse(
                                f[2].substring(0, 4) + "-" + f[2].substring(4, 6) + "-" + f[2].substring(6, 8))
                        .plusDays(SHIFT_DAYS);
                if (!day.isAfter(TO)) {
                    byDate.computeIfAbsent(day, d -> new TreeMap<>())
                            .merge(f[1], new BigDecimal(f[4]), BigDecimal::add);
                }
            }
        }
        StringBuilder csv = new StringBuilder(
                "order_id,email,phone,device_id,member_id,created_at,processed_at,total_price,total_discounts,"
                        + "shipping,currency,financial_status,landing_site\n");
        byDate.forEach((day, customers) -> {
            customers.forEach((id, dollars) -> {
                String time = day + "T12:00:00+08:00";
                csv.append("CD")
                        .append(id)
                        .append('-')
                        .append(day)
                        .append(",,,,M")
                        .append(id)
                        .append(',')
                        .append(time)
                        .append(',')
                        .append(time)
                        .append(',')
                        .append(dollars.toPlainString())
                        .append(",0.00,0.00,CNY,paid,\n");
            });
        });
        // One export of the whole history, delivered on the last day: a night that backfills.
        world.file("ecommerce_orders", TO, "ownsite_orders.csv", csv.toString());
        Path conf = world.confFile("");
        for (String stage : List.of("ingest", "identity", "journeys")) {
            assertEquals(
                    0,
                    TrueRoiAccess.run(stage, "--from", TO.toString(), "--to", TO.toString(), "--conf", conf.toString()),
                    stage);
        }
        var warehouse = SparkSessions.warehouse(world.config(""));
        summary = ClvSummary.build(warehouse.read(Table.CONVERSIONS), TO).cache();
        fit = ClvTraining.fit(summary, 7);
    }

    @Test
    void theSummaryIsThePublishedOne() throws IOException {
        List<String> published = new ArrayList<>();
        for (BgNbdTest.Customer c : BgNbdTest.summary()) {
            published.add(String.format("%d %.2f %.2f %.2f", c.x(), c.recency(), c.age(), c.zbar()));
        }
        List<String> ours = new ArrayList<>();
        for (Row r : summary.collectAsList()) {
            int x = r.getInt(r.fieldIndex("frequency"));
            BigDecimal repeat = r.getDecimal(r.fieldIndex("repeat_value"));
            // The mean to two places, half up: 622.55 / 10 = 62.255 is published as 62.26.
            BigDecimal zbar = x == 0
                    ? new BigDecimal("0.00")
                    : repeat.divide(BigDecimal.valueOf(x), 2, java.math.RoundingMode.HALF_UP);
            ours.add(String.format(
                    "%d %.2f %.2f %s",
                    x,
                    r.getInt(r.fieldIndex("recency_days")) / 7.0,
                    r.getInt(r.fieldIndex("age_days")) / 7.0,
                    zbar.toPlainString()));
        }
        assertEquals(2357, ours.size());
        List<String> missing = new ArrayList<>(published);
        ours.forEach(missing::remove);
        List<String> extra = new ArrayList<>(ours);
        published.forEach(extra::remove);
        Collections.sort(missing);
        Collections.sort(extra);
        assertEquals(List.of(), extra, "ours, not published; published, not ours: " + missing);
    }

    @Test
    void theFitsGiveThePublishedParameters() {
        assertEquals(2357, fit.customers());
        assertEquals(946, fit.repeatBuyers());
        assertEquals(0, fit.excludedFromGammaGamma());
        BgNbd.Params p = fit.bgNbd().params();
        BgNbdTest.assertWithin(0.243, p.r(), 0.01, "r");
        BgNbdTest.assertWithin(4.414, p.alpha(), 0.01, "alpha");
        BgNbdTest.assertWithin(0.793, p.a(), 0.01, "a");
        BgNbdTest.assertWithin(2.426, p.b(), 0.01, "b");
        assertEquals(-9582.4, fit.bgNbd().logLikelihood(), 0.5);
        assertEquals(1.226, BgNbd.expectedPurchases(p, 39, 2, 30.43, 38.86), 0.002);
        GammaGamma.Params g = fit.gammaGamma().params();
        assertEquals(946, fit.gammaGamma().customers());
        BgNbdTest.assertWithin(6.25, g.p(), 0.01, "p");
        BgNbdTest.assertWithin(3.74, g.q(), 0.01, "q");
        BgNbdTest.assertWithin(15.44, g.v(), 0.01, "v");
        assertTrue(fit.triples() < 2357, "the fit reads groups, fewer than the customers: " + fit.triples());
    }
}
