package io.trueroi.attribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.trueroi.config.Experiment;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The calibration's arithmetic, by hand. Channels a and b, half-lives 1 and 2 (2 the configured
 * one), so a's own terms are its two decays and its saturation. A test of a measured 3 incremental
 * of 100 treated conversions (lift 0.03); the fit saw B = 2 conversions of the treated on the
 * test's days, with a's own terms summing to a = (10, 20, 5) there. Fitted θ_a = (0.001, 0.002,
 * 0.004): the association implies 0.001·10 + 0.002·20 + 0.004·5 = 0.07 conversions, the test
 * 0.03 · 2 = 0.06, so k = 0.06 / 0.07 = 6/7.
 */
class CalibrationTest {
    private static final LocalDate FROM = LocalDate.of(2026, 9, 1);
    private static final LocalDate TO = LocalDate.of(2026, 10, 30);
    private final ExposureTerms terms = new ExposureTerms(2, new double[] {1, 2}, 1, 3, List.of());

    private static Experiment test(String channel, LocalDate from, double incremental, double lo, double hi) {
        return new Experiment(
                "t-" + channel + from, channel, from, from.plusDays(13), "holdout", 100, incremental, lo, hi, 0.9);
    }

    private double[] sums(Calibration c) {
        double[] s = new double[PersonSums.width(terms.size()) + c.width()];
        int at = c.offset(terms.size(), 0);
        s[at] = 2;
        s[at + 1] = 10;
        s[at + 2] = 20;
        s[at + 3] = 5;
        return s;
    }

    private double[] theta(double a1, double a2, double aSaturation) {
        double[] theta = new double[terms.size()];
        theta[terms.decayTerm(0, 0)] = a1;
        theta[terms.decayTerm(0, 1)] = a2;
        theta[terms.saturationTerm(0)] = aSaturation;
        theta[terms.decayTerm(1, 1)] = 0.003;
        return theta;
    }

    @Test
    void aTestedChannelIsScaledToTheMeasuredLiftAndTheOthersKeepTheirFit() {
        Calibration c = Calibration.of(
                List.of(
                        test("a", FROM.plusDays(10), 3, 1, 5),
                        test("z", FROM.plusDays(10), 3, 1, 5),
                        test("b", TO.plusDays(1), 3, 1, 5)),
                List.of("a", "b"),
                terms,
                FROM,
                TO);
        assertEquals(1, c.size(), "a channel the fit has no touch of, and a test after the window, are left out");
        double[] theta = theta(0.001, 0.002, 0.004);
        double[] phi = c.causal(terms, theta, sums(c), -1);
        double k = 6.0 / 7;
        assertArrayEquals(theta(0.001 * k, 0.002 * k, 0.004 * k), phi, 1e-15);
    }

    /** A channel fitted with no effect takes the test's effect on its configured decay: 0.06 / 20. */
    @Test
    void aChannelFittedWithoutEffectGetsTheTestsEffectOnItsConfiguredDecay() {
        Calibration c = Calibration.of(List.of(test("a", FROM, 3, 1, 5)), List.of("a", "b"), terms, FROM, TO);
        assertArrayEquals(theta(0, 0.003, 0), c.causal(terms, theta(0, 0, 0), sums(c), -1), 1e-15);
    }

    @Test
    void aNegativeLiftIsNoEffectAndEachReplicateDrawsItsOwnLift() {
        Calibration negative = Calibration.of(List.of(test("a", FROM, -3, -5, -1)), List.of("a", "b"), terms, FROM, TO);
        assertArrayEquals(theta(0, 0, 0), negative.causal(terms, theta(0.001, 0.002, 0.004), sums(negative), -1), 0.0);
        Calibration c = Calibration.of(List.of(test("a", FROM, 3, 1, 5)), List.of("a", "b"), terms, FROM, TO);
        double[] theta = theta(0.001, 0.002, 0.004);
        double[] first = c.causal(terms, theta, sums(c), 0);
        assertArrayEquals(first, c.causal(terms, theta, sums(c), 0), 0.0, "a replicate's draw is fixed");
        assertNotEquals(first[0], c.causal(terms, theta, sums(c), 1)[0], "another replicate draws another lift");
    }
}
