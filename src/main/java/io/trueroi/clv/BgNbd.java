package io.trueroi.clv;

import static org.hipparchus.special.Gamma.logGamma;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The BG/NBD model of repeat buying (Fader, Hardie & Lee 2005, "Counting your customers the easy
 * way"): while alive, a customer buys at a Poisson rate λ ~ Gamma(r, α); after each purchase they
 * drop out with probability p ~ Beta(a, b). A customer is summarised by x (repeat purchases), t_x
 * (the time of the last purchase since the first) and T (the time since the first purchase), in
 * the model's time unit; customers with the same triple contribute the same likelihood term, so
 * the fit reads {@link Triples}, not customers.
 *
 * <p>Cost of a log-likelihood: four log-gammas per distinct x and three logarithms and one
 * exponential per distinct triple, summed in fixed chunks on the driver's cores.
 */
public final class BgNbd {
    /** r, α (Gamma shape and rate of the purchase rate), a, b (Beta of the drop-out probability). */
    public record Params(double r, double alpha, double a, double b) implements Serializable {
        double[] array() {
            return new double[] {r, alpha, a, b};
        }
    }

    /** Distinct (x, t_x, T) in model time units and the number of customers with each. */
    public record Triples(int[] x, double[] recency, double[] age, long[] customers) {
        public Triples {
            int n = x.length;
            if (recency.length != n || age.length != n || customers.length != n) {
                throw new IllegalArgumentException(String.format(
                        "arrays must have one length, cannot be: %s, %s, %s, %s",
                        n, recency.length, age.length, customers.length));
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
    public record Fit(
            Params params, double logLikelihood, long customers, int evaluations, boolean converged, String problem) {}

    private BgNbd() {}

    /** The log-likelihood of every customer in {@code data} under {@code p}. */
    public static double logLikelihood(Params p, Triples data) {
        double r = p.r();
        double alpha = p.alpha();
        double a = p.a();
        double b = p.b();
        int maxX = 0;
        for (int x : data.x()) {
            maxX = Math.max(maxX, x);
        }
        // The terms that depend on x alone, once per x rather than once per triple.
        double[] common = new double[maxX + 1];
        double[] dropOut = new double[maxX + 1];
        double constant = -logGamma(r) + r * Math.log(alpha) + logGamma(a + b) - logGamma(b);
        boolean[] seen = new boolean[maxX + 1];
        for (int x : data.x()) {
            seen[x] = true;
        }
        for (int x = 0; x <= maxX; x++) {
            if (seen[x]) {
                common[x] = constant + logGamma(r + x) + logGamma(b + x) - logGamma(a + b + x);
                dropOut[x] = x > 0 ? Math.log(a) - Math.log(b + x - 1) : 0;
            }
        }
        return MaximumLikelihood.sumInChunks(data.size(), (from, to) -> {
            double s = 0;
            for (int i = from; i < to; i++) {
                int x = data.x()[i];
                double still = -(r + x) * Math.log(alpha + data.age()[i]);
                double term = still;
                if (x > 0) {
                    double gone = dropOut[x] - (r + x) * Math.log(alpha + data.recency()[i]);
                    term = Math.max(still, gone) + Math.log1p(Math.exp(-Math.abs(still - gone)));
                }
                s += data.customers()[i] * (common[x] + term);
            }
            return s;
        });
    }

    /**
     * The maximum-likelihood fit. Starts from r = a = b = 1 and α = the mean age (a purchase
     * rate of one per lifetime so far), which puts the search within a few trust radii of the
     * maxima real data have.
     */
    public static Fit fit(Triples data) {
        long customers = data.totalCustomers();
        double ageSum = 0;
        for (int i = 0; i < data.size(); i++) {
            ageSum += data.customers()[i] * data.age()[i];
        }
        double meanAge = customers > 0 ? Math.max(ageSum / customers, 1e-3) : 1;
        MaximumLikelihood.Result m = MaximumLikelihood.maximise(
                v -> logLikelihood(new Params(v[0], v[1], v[2], v[3]), data),
                new String[] {"r", "alpha", "a", "b"},
                new double[] {1, meanAge, 1, 1},
                -1);
        double[] v = m.parameters();
        return new Fit(
                new Params(v[0], v[1], v[2], v[3]),
                m.logLikelihood(),
                customers,
                m.evaluations(),
                m.converged(),
                m.problem());
    }

    /** P(alive at T | x, t_x, T): 1 for a customer who has not bought again (they cannot have dropped out). */
    public static double probabilityAlive(Params p, int x, double recency, double age) {
        if (x == 0) {
            return 1;
        }
        return 1 / (1 + p.a() / (p.b() + x - 1) * Math.pow((p.alpha() + age) / (p.alpha() + recency), p.r() + x));
    }

    /** E[purchases in (T, T + t] | x, t_x, T] (FHL 2005, eq. 10). */
    public static double expectedPurchases(Params p, double t, int x, double recency, double age) {
        if (t <= 0) {
            return 0;
        }
        double r = p.r();
        double alpha = p.alpha();
        double a = p.a();
        double b = p.b();
        double z = t / (alpha + age + t);
        double hyper = Hypergeometric.f21(r + x, b + x, a + b + x - 1, z);
        double tail = 1 - Math.pow((alpha + age) / (alpha + age + t), r + x) * hyper;
        return (a + b + x - 1) / (a - 1) * tail * probabilityAlive(p, x, recency, age);
    }
}
