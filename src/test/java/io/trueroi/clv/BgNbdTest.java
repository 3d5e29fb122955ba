package io.trueroi.clv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * BG/NBD and Gamma-Gamma against the published CDNOW figures (Fader, Hardie & Lee 2005; the
 * lifetimes package reproduces them), fitted on the published per-customer summary
 * ({@code src/test/resources/cdnow/}, weeks): r 0.243, α 4.414, a 0.793, b 2.426 with
 * log-likelihood −9582.4; p 6.25, q 3.74, v 15.44 on the 946 repeat buyers; 1.226 expected
 * purchases in 39 weeks for x 2, t_x 30.43, T 38.86. The pipeline's own summary of the raw
 * purchases is checked against the same figures in {@code CdnowClvTest}.
 */
class BgNbdTest {
    record Customer(int x, double recency, double age, double zbar) {}

    static List<Customer> summary() throws IOException {
        List<Customer> out = new ArrayList<>();
        try (InputStream in =
                BgNbdTest.class.getResourceAsStream("/cdnow/cdnow_customers_summary_with_transactions.csv")) {
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            for (int i = 1; i < lines.length; i++) {
                String[] f = lines[i].trim().split(",");
                out.add(new Customer(
                        Integer.parseInt(f[1]),
                        Double.parseDouble(f[2]),
                        Double.parseDouble(f[3]),
                        Double.parseDouble(f[4])));
            }
        }
        return out;
    }

    static BgNbd.Triples triples(List<Customer> customers) {
        Map<String, long[]> counts = new TreeMap<>();
        Map<String, Customer> first = new TreeMap<>();
        for (Customer c : customers) {
            String key = c.x() + "|" + c.recency() + "|" + c.age();
            counts.computeIfAbsent(key, k -> new long[1])[0]++;
            first.putIfAbsent(key, c);
        }
        int n = counts.size();
        int[] x = new int[n];
        double[] t = new double[n];
        double[] age = new double[n];
        long[] count = new long[n];
        int i = 0;
        for (Map.Entry<String, long[]> e : counts.entrySet()) {
            Customer c = first.get(e.getKey());
            x[i] = c.x();
            t[i] = c.recency();
            age[i] = c.age();
            count[i++] = e.getValue()[0];
        }
        return new BgNbd.Triples(x, t, age, count);
    }

    static void assertWithin(double expected, double actual, double relative, String what) {
        assertEquals(expected, actual, Math.abs(expected) * relative, what);
    }

    @Test
    void theFitOnThePublishedSummaryGivesThePublishedParameters() throws IOException {
        List<Customer> customers = summary();
        assertEquals(2357, customers.size());
        BgNbd.Fit fit = BgNbd.fit(triples(customers));
        assertTrue(fit.converged(), String.valueOf(fit.problem()));
        assertEquals(2357, fit.customers());
        assertWithin(0.243, fit.params().r(), 0.01, "r");
        assertWithin(4.414, fit.params().alpha(), 0.01, "alpha");
        assertWithin(0.793, fit.params().a(), 0.01, "a");
        assertWithin(2.426, fit.params().b(), 0.01, "b");
        assertEquals(-9582.4, fit.logLikelihood(), 0.5);
        assertEquals(1.226, BgNbd.expectedPurchases(fit.params(), 39, 2, 30.43, 38.86), 0.002);
    }

    /**
     * Customers whose purchases all come from one Gamma(4, 0.02) (mean 200, no customer spends more
     * than another but by chance): the likelihood rises as q → ∞ with v / q fixed, and the fit goes
     * far toward that limit and converges there, every customer's expected value near the pooled
     * mean 200.
     * 3,000 customers with 1–5 repeat purchases, each mean drawn as Gamma(4x, 0.02x).
     */
    @Test
    void spendWithoutHeterogeneityGivesThePooledLimit() {
        org.hipparchus.random.RandomDataGenerator random =
                org.hipparchus.random.RandomDataGenerator.of(new org.hipparchus.random.Well19937c(30));
        int n = 3000;
        int[] x = new int[n];
        double[] total = new double[n];
        long[] count = new long[n];
        for (int i = 0; i < n; i++) {
            x[i] = 1 + i % 5;
            total[i] = random.nextGamma(4.0 * x[i], 50.0);
            count[i] = 1;
        }
        GammaGamma.Fit fit = GammaGamma.fit(new GammaGamma.Spends(x, total, count));
        assertTrue(fit.converged(), String.valueOf(fit.problem()));
        GammaGamma.Params p = fit.params();
        // A spread of ν across customers with coefficient of variation 1/√q below 3%: no heterogeneity.
        assertTrue(p.q() > 1000, fit.toString());
        assertEquals(200, GammaGamma.expectedValue(p, 0, 0), 200 * 0.05);
        assertEquals(
                GammaGamma.expectedValue(p, 0, 0),
                GammaGamma.expectedValue(p, 5, 400),
                1.0,
                "one customer's mean hardly moves it");
    }

    @Test
    void gammaGammaOnTheRepeatBuyersGivesThePublishedParameters() throws IOException {
        Map<String, long[]> counts = new TreeMap<>();
        for (Customer c : summary()) {
            if (c.x() > 0) {
                counts.computeIfAbsent(String.format("%05d|%s", c.x(), c.zbar() * c.x()), k -> new long[1])[0]++;
            }
        }
        int n = counts.size();
        int[] x = new int[n];
        double[] total = new double[n];
        long[] count = new long[n];
        int i = 0;
        for (Map.Entry<String, long[]> e : counts.entrySet()) {
            String[] k = e.getKey().split("\\|");
            x[i] = Integer.parseInt(k[0]);
            total[i] = Double.parseDouble(k[1]);
            count[i++] = e.getValue()[0];
        }
        GammaGamma.Fit fit = GammaGamma.fit(new GammaGamma.Spends(x, total, count));
        assertTrue(fit.converged(), String.valueOf(fit.problem()));
        assertFalse(fit.pooled(), "CDNOW's customers differ in spend");
        assertEquals(946, fit.customers());
        assertWithin(6.25, fit.params().p(), 0.01, "p");
        assertWithin(3.74, fit.params().q(), 0.01, "q");
        assertWithin(15.44, fit.params().v(), 0.01, "v");
    }
}
