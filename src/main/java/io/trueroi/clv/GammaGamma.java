package io.trueroi.clv;

import static org.hipparchus.special.Gamma.logGamma;

import java.io.Serializable;
import java.util.Arrays;
import java.util.function.ToDoubleFunction;

/**
 * The Gamma-Gamma model of spend per purchase (Fader, Hardie & Lee 2005, "RFM and CLV"; Colombo
 * & Jiang 1999): a customer's purchases are worth Gamma(p, ν) each, with ν ~ Gamma(q, v) across
 * customers; fitted on the repeat buyers' x and mean repeat value m_x. Customers with the same x
 * and the same total x·m_x contribute the same term, so the fit reads {@link Spends}, on the
 * driver or one partition at a time in Spark. It assumes spend independent of how often a
 * customer buys.
 *
 * <p>Cost of a log-likelihood: three log-gammas per distinct x and one logarithm per distinct
 * (x, total), summed in fixed chunks on the driver's cores.
 */
public final class GammaGamma {
    /** p (shape of a purchase's value), q and v (shape and rate of its scale across customers). */
    public record Params(double p, double q, double v) implements Serializable {}

    /**
     * Repeat buyers grouped by x and the total value of their repeat purchases (> 0; m_x = total /
     * x), with the number of customers in each group; sorted by x, so a chunk computes each x's
     * log-gammas once.
     */
    public record Spends(int[] x, double[] total, long[] customers) implements Serializable {
        public Spends {
            if (total.length != x.length || customers.length != x.length) {
                throw new IllegalArgumentException(String.format(
                        "arrays must have one length, cannot be: %s, %s, %s",
                        x.length, total.length, customers.length));
            }
        }

        public int size() {
            return x.length;
        }

        public long totalCustomers() {
            return Arrays.stream(customers).sum();
        }
    }

    /** The fitted parameters, the maximised log-likelihood, the customers, and whether it converged. */
    /**
     * The fitted parameters, the maximised log-likelihood, the customers, whether it converged, and
     * whether it did so at the limit of no heterogeneity across customers (see {@link #fit}).
     */
    public record Fit(
            Params params,
            double logLikelihood,
            long customers,
            int evaluations,
            boolean converged,
            boolean pooled,
            String problem) {}

    private GammaGamma() {}

    /** The log-likelihood of the mean repeat values in {@code data} under {@code params}. */
    public static double logLikelihood(Params params, Spends data) {
        double p = params.p();
        double q = params.q();
        double v = params.v();
        double constant = q * Math.log(v) - logGamma(q);
        return MaximumLikelihood.sumInChunks(data.size(), (from, to) -> {
            double s = 0;
            int lastX = -1;
            double perX = 0;
            for (int i = from; i < to; i++) {
                int x = data.x()[i];
                if (x != lastX) {
                    perX = logGamma(p * x + q) - logGamma(p * x) + p * x * Math.log(x);
                    lastX = x;
                }
                double total = data.total()[i];
                double mean = total / x;
                s += data.customers()[i]
                        * (constant + perX + (p * x - 1) * Math.log(mean) - (p * x + q) * Math.log(v + total));
            }
            return s;
        });
    }

    /** The maximum-likelihood fit on data held here, from p = q = 1 and v = the mean repeat value. */
    public static Fit fit(Spends data) {
        long customers = data.totalCustomers();
        double meanSum = 0;
        for (int i = 0; i < data.size(); i++) {
            meanSum += data.customers()[i] * data.total()[i] / data.x()[i];
        }
        return fit(params -> logLikelihood(params, data), customers, customers > 0 ? meanSum / customers : 1);
    }

    /**
     * The maximum-likelihood fit of a log-likelihood evaluated elsewhere (over data spread across
     * a cluster), from p = q = 1 and v = {@code meanValue}, the customers' mean repeat value.
     *
     * <p>Searched over p, q and v / q (the mean of the scale ν across customers, 1 / E[ν] up to
     * the factor q / (q − 1)): when the customers' spend differs no more than their purchases do,
     * the likelihood keeps rising as q → ∞ with v / q fixed — every customer's ν the same — and
     * the fit stops at the top of the search, q ≈ 1.6e5, which stands for that limit (every
     * customer's expected value the pooled p·v / q). Such a fit is {@link Fit#pooled()}; it is a
     * maximum, not a failure.
     */
    public static Fit fit(ToDoubleFunction<Params> logLikelihood, long customers, double meanValue) {
        MaximumLikelihood.Result m = MaximumLikelihood.maximise(
                w -> logLikelihood.applyAsDouble(new Params(w[0], w[1], w[1] * w[2])),
                new String[] {"p", "q", "v / q"},
                new double[] {1, 1, Math.max(meanValue, 1e-3)},
                1);
        double[] w = m.parameters();
        return new Fit(
                new Params(w[0], w[1], w[1] * w[2]),
                m.logLikelihood(),
                customers,
                m.evaluations(),
                m.converged(),
                m.atLimit(),
                m.problem());
    }

    /**
     * E[value of a purchase | x, m_x] = p(v + x·m_x) / (px + q − 1); for a customer with no
     * repeat purchase (x = 0) the population mean pv / (q − 1). Needs q > 1 (a finite mean).
     */
    public static double expectedValue(Params params, int x, double mean) {
        return params.p() * (params.v() + x * mean) / (params.p() * x + params.q() - 1);
    }
}
