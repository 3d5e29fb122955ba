package io.trueroi.attribution;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Which terms of {@link ExposureTerms} enter the incremental model, chosen on held-out persons,
 * and the fit of a choice from summed {@link PersonSums}. A specification takes, per channel,
 * either the decay at the configured half-life alone or the decay at every half-life; with or
 * without the saturation terms; with or without the synergy pairs at one of the ridge penalties.
 * Decay and saturation coefficients are non-negative ({@link Nnls}), so a channel's fitted curve
 * is increasing and concave or straight; synergy coefficients are free and ridge-penalised
 * ({@code ridge × G_tt} added to their diagonal, relative so that it does not depend on the
 * terms' scale).
 *
 * <p>Each specification is fitted on all folds but one and scored on the held-out fold, by its
 * squared error over the held-out exposed person-days, summed over the folds (cross-validation by a
 * hash of the person). Every score is a function of summed statistics, so choosing costs no pass
 * over the data. The specifications whose score is within {@code tolerance} of the best, in units
 * of the best one's residual variance (a difference in held-out deviance, as AIC differences
 * are read), are the ones the data cannot tell apart.
 *
 * <p>Cost on the driver: specifications × folds sign-constrained solves of up to F terms.
 */
final class IncrementalSpecs {
    /** Persons are split into this many folds by a hash of their key. */
    static final int FOLDS = 5;

    private IncrementalSpecs() {}

    /** One specification: the terms it takes, which are sign-constrained, the synergy ridge. */
    record Spec(String name, boolean[] terms, boolean[] constrained, double ridge) {}

    /** A specification's held-out score and its fit on all folds. */
    record Scored(Spec spec, double score, double deviance, IncrementalModel model) {}

    /** Today's one-half-life model: unconstrained least squares on the configured decay. */
    static Spec linear(ExposureTerms t) {
        boolean[] on = new boolean[t.size()];
        for (int c = 0; c < t.channels(); c++) {
            on[t.decayTerm(c, t.primary())] = true;
        }
        return new Spec("linear", on, new boolean[t.size()], 0);
    }

    /** Every candidate: decay one or all half-lives × saturation or not × synergy off or per ridge. */
    static List<Spec> candidates(ExposureTerms t, double[] ridges) {
        List<Spec> out = new ArrayList<>();
        for (boolean decay : new boolean[] {false, true}) {
            for (boolean saturation : new boolean[] {false, true}) {
                out.add(spec(t, decay, saturation, -1));
                for (int r = 0; r < ridges.length && t.pairCount() > 0; r++) {
                    out.add(spec(t, decay, saturation, ridges[r]));
                }
            }
        }
        return out;
    }

    private static Spec spec(ExposureTerms t, boolean allDecays, boolean saturation, double ridge) {
        boolean[] on = new boolean[t.size()];
        boolean[] constrained = new boolean[t.size()];
        for (int c = 0; c < t.channels(); c++) {
            for (int j = 0; j < t.halfLives().length; j++) {
                on[t.decayTerm(c, j)] = allDecays || j == t.primary();
            }
            on[t.saturationTerm(c)] = saturation;
        }
        for (int p = 0; p < t.pairCount(); p++) {
            on[t.synergyTerm(p)] = ridge >= 0;
        }
        for (int i = 0; i < on.length; i++) {
            constrained[i] = !t.isSynergy(i);
        }
        String name = (allDecays ? "decay" : "linear")
                + (saturation ? "+saturation" : "")
                + (ridge >= 0 ? "+synergy(ridge " + ridge + ")" : "");
        return new Spec(name, on, constrained, Math.max(0, ridge));
    }

    /** The sums of the given slots of {@code sums}, exactly, then rounded to doubles. */
    static double[] slotSums(ExactSums sums, int width, int... slots) {
        double[] out = new double[width];
        for (int e = 0; e < width; e++) {
            BigInteger s = BigInteger.ZERO;
            for (int slot : slots) {
                s = s.add(sums.exact(slot * width + e));
            }
            out[e] = Math.scalb(s.doubleValue(), -ExactSums.FRACTION_BITS);
        }
        return out;
    }

    /** The purchase rate of the unexposed days: the baseline every specification shares. */
    static double baseline(double[] s) {
        double unexposed = s[PersonSums.UNEXPOSED_DAYS];
        return unexposed > 0 ? (s[PersonSums.PURCHASES] - s[PersonSums.EXPOSED_PURCHASES]) / unexposed : 0;
    }

    /** The spec's coefficients (all F, 0 off the spec) fitted on summed statistics {@code s}. */
    static double[] fit(Spec spec, double[] s, int f) {
        double b = baseline(s);
        int[] at = indexes(spec.terms());
        int n = at.length;
        double[][] g = new double[n][n];
        double[] c = new double[n];
        boolean[] constrained = new boolean[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                g[i][j] = s[PersonSums.sumXx(f, at[i], at[j])];
            }
            if (!spec.constrained()[at[i]]) {
                g[i][i] *= 1 + spec.ridge();
            }
            c[i] = s[PersonSums.sumXy(f, at[i])] - b * s[PersonSums.sumX(at[i])];
            constrained[i] = spec.constrained()[at[i]];
        }
        double[] theta = new double[f];
        double[] solved = Nnls.solve(g, c, constrained);
        for (int i = 0; i < n; i++) {
            theta[at[i]] = solved[i];
        }
        return theta;
    }

    /** Σ(y − b − θᵀx)² over the exposed person-days summed in {@code s}. */
    static double squaredError(double[] s, int f, double b, double[] theta) {
        double e = s[PersonSums.PURCHASES_SQUARED]
                - 2 * b * s[PersonSums.EXPOSED_PURCHASES]
                + b * b * s[PersonSums.EXPOSED_DAYS];
        for (int i = 0; i < f; i++) {
            if (theta[i] == 0) {
                continue;
            }
            e -= 2 * theta[i] * (s[PersonSums.sumXy(f, i)] - b * s[PersonSums.sumX(i)]);
            for (int j = 0; j < f; j++) {
                if (theta[j] != 0) {
                    e += theta[i] * theta[j] * s[PersonSums.sumXx(f, i, j)];
                }
            }
        }
        return e;
    }

    /**
     * Each spec's held-out score from the folds' sums ({@code folds[k]} the sums of fold k), in the
     * order given: Σ over folds of the squared error on the fold of the fit on the others.
     */
    static double[] scores(List<Spec> specs, double[][] folds, double[] all, int f) {
        double[] scores = new double[specs.size()];
        for (int k = 0; k < folds.length; k++) {
            double[] train = new double[all.length];
            for (int e = 0; e < all.length; e++) {
                train[e] = all[e] - folds[k][e];
            }
            double b = baseline(train);
            for (int s = 0; s < specs.size(); s++) {
                scores[s] += squaredError(folds[k], f, b, fit(specs.get(s), train, f));
            }
        }
        return scores;
    }

    private static int[] indexes(boolean[] on) {
        int n = 0;
        for (boolean b : on) {
            n += b ? 1 : 0;
        }
        int[] at = new int[n];
        n = 0;
        for (int i = 0; i < on.length; i++) {
            if (on[i]) {
                at[n++] = i;
            }
        }
        return at;
    }
}
