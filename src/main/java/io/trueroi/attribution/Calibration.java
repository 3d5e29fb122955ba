package io.trueroi.attribution;

import io.trueroi.config.Experiment;
import java.io.Serializable;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The lift experiments ({@code trueroi.experiments}) that calibrate the incremental model. Observed
 * data fit each channel's association with purchases, {@code θ_c·x_c}; a channel that is shown to
 * people who would buy anyway (retargeting) has an association far above its effect, and no
 * observational fit can tell the two apart. A randomized test can: it measures the lift {@code r},
 * the share of the treated group's conversions the channel caused. Calibration keeps the fitted
 * probability and the channel's shape (decay, saturation) and sets its level so that the model's
 * own incremental conversions in the test equal {@code r} times the conversions of the model's
 * people the test treated: the channel's causal coefficients are {@code φ_c = k_c·θ_c},
 * {@code k_c = Σ_e r_e·B_e / Σ_e θ_c·a_e}, and the rest of its association, {@code (θ_c − φ_c)·x_c},
 * is organic demand (credited to the baseline). A constraint, not a prior: the observational fit
 * has far more data than any test, so a prior would barely move it, yet its bias does not shrink
 * with data.
 *
 * <p>The sums {@code B_e} (purchases of the test's days by the people the fit sees touched by the
 * channel during the test) and {@code a_e} (per own term of the channel, the terms of those days
 * minus the same without the channel's touches of the test's days) come from the same persons
 * as the fit they calibrate ({@link PersonSums}); each bootstrap replicate draws its lift from the
 * test's normal interval, so the model's interval carries the test's uncertainty. Synergy terms
 * stay as fitted. Cost: per person touched during a test, the test's days × the channel's touches.
 */
final class Calibration implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final long DRAW_SALT = 0xCA11B8A7E5L;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("io.trueroi");

    /** One usable experiment: channel index, test days (epoch, inclusive), lift and its error. */
    record Test(String name, int channel, int from, int to, double lift, double standardError) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    private final List<Test> tests;
    private final int halfLives;

    private Calibration(List<Test> tests, int halfLives) {
        this.tests = List.copyOf(tests);
        this.halfLives = halfLives;
    }

    static Calibration none(ExposureTerms terms) {
        return new Calibration(List.of(), terms.halfLives().length);
    }

    /**
     * The experiments whose channel the fit knows and whose days overlap the training window
     * {@code [from, to]}; the others are logged and left out (a test of a channel without touches
     * in the window has nothing to calibrate).
     */
    static Calibration of(
            List<Experiment> experiments, List<String> channels, ExposureTerms terms, LocalDate from, LocalDate to) {
        List<Test> tests = new ArrayList<>();
        for (Experiment e : experiments) {
            int c = channels.indexOf(e.channel());
            if (c < 0 || e.to().isBefore(from) || e.from().isAfter(to)) {
                LOG.warn(
                        "incremental fit: experiment {} left out: {}",
                        e.name(),
                        c < 0
                                ? "no touch of " + e.channel() + " in the window"
                                : "its days " + e.from() + " .. " + e.to() + " are outside the training window " + from
                                        + " .. " + to);
                continue;
            }
            tests.add(new Test(
                    e.name(),
                    c,
                    (int) e.from().toEpochDay(),
                    (int) e.to().toEpochDay(),
                    e.lift(),
                    e.liftStandardError()));
        }
        return new Calibration(tests, terms.halfLives().length);
    }

    List<Test> tests() {
        return tests;
    }

    int size() {
        return tests.size();
    }

    /** A channel's own terms a test sums: its decays, then its saturation. */
    int ownTerms() {
        return halfLives + 1;
    }

    /** Entries per slot: per test, B then a over the own terms. */
    int width() {
        return tests.size() * (ownTerms() + 1);
    }

    /** Where test e's block starts in a slot whose main layout holds {@code f} terms. */
    int offset(int f, int e) {
        return PersonSums.width(f) + e * (ownTerms() + 1);
    }

    /** The slot's term index of own term j of channel c: decay j, or the saturation for j = |H|. */
    static int ownTerm(ExposureTerms t, int c, int j) {
        return j < t.halfLives().length ? t.decayTerm(c, j) : t.saturationTerm(c);
    }

    /**
     * The causal coefficients for the fit {@code theta} on the slot sums {@code s}: θ off the
     * tested channels, {@code k_c·θ_c} on them. {@code replicate} −1 takes each test's lift as
     * measured; replicate b ≥ 0 draws it from the test's normal interval, the same for every fit of
     * b. A channel fitted with no effect gets the tests' effect on its configured decay term alone;
     * a lift below 0 counts as 0, as the fit's effects are sign-constrained.
     */
    double[] causal(ExposureTerms t, double[] theta, double[] s, int replicate) {
        double[] phi = theta.clone();
        int f = theta.length;
        double[] target = new double[t.channels()];
        double[] implied = new double[t.channels()];
        double[] primary = new double[t.channels()];
        boolean[] tested = new boolean[t.channels()];
        SplittableRandom draw =
                replicate < 0 ? null : new SplittableRandom(DRAW_SALT ^ (replicate * 0x9E3779B97F4A7C15L));
        for (int e = 0; e < tests.size(); e++) {
            Test test = tests.get(e);
            double lift = draw == null ? test.lift() : test.lift() + test.standardError() * draw.nextGaussian();
            int at = offset(f, e);
            int c = test.channel();
            tested[c] = true;
            target[c] += Math.max(0, lift) * s[at];
            implied[c] += ownSum(t, theta, s, e);
            primary[c] += s[at + 1 + t.primary()];
        }
        for (int c = 0; c < tested.length; c++) {
            if (!tested[c]) {
                continue;
            }
            if (implied[c] > 0) {
                double k = target[c] / implied[c];
                for (int j = 0; j < ownTerms(); j++) {
                    phi[ownTerm(t, c, j)] = k * theta[ownTerm(t, c, j)];
                }
            } else if (primary[c] > 0) {
                phi[t.decayTerm(c, t.primary())] = target[c] / primary[c];
            }
        }
        return phi;
    }

    /**
     * Test e's incremental conversions under coefficients {@code coef}: the tested channel's own
     * coefficients times the test's sums a_e.
     */
    private double ownSum(ExposureTerms t, double[] coef, double[] s, int e) {
        int at = offset(coef.length, e);
        double sum = 0;
        for (int j = 0; j < ownTerms(); j++) {
            sum += coef[ownTerm(t, tests.get(e).channel(), j)] * s[at + 1 + j];
        }
        return sum;
    }

    /** Logs, per test, the lift it measured against the lift the fitted association implies. */
    void log(ExposureTerms t, IncrementalModel model, double[] s) {
        double[] theta = model.coefficients();
        double[] phi = model.causalCoefficients();
        for (int e = 0; e < tests.size(); e++) {
            Test test = tests.get(e);
            int at = offset(theta.length, e);
            double associated = ownSum(t, theta, s, e);
            double causal = ownSum(t, phi, s, e);
            LOG.info(String.format(
                    java.util.Locale.ROOT,
                    "incremental fit: experiment %s measured lift %.4f ± %.4f over %.0f conversions the fit sees;"
                            + " the fitted association implies %.4f, the calibrated channel %.4f",
                    test.name(),
                    test.lift(),
                    test.standardError(),
                    s[at],
                    s[at] > 0 ? associated / s[at] : 0,
                    s[at] > 0 ? causal / s[at] : 0));
        }
    }
}
