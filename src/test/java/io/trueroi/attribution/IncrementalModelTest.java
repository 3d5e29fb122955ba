package io.trueroi.attribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The richer model's counterfactual drops, worked by hand. Channels a and b; half-lives 1 and 2
 * (2 the configured one), exposure window 3 days, one synergy pair (a, b). Coefficients: a's decay
 * 0.1 (h 1) and 0.2 (h 2), a's saturation 0.05; b's decay 0 and 0.3, no saturation; the synergy
 * 0.04; baseline 0.1. A conversion on day D with touches a at D−2, b at D−1, a at D:
 *
 * <pre>
 *   e_a,1 = 1 + 2^−2 = 1.25    e_a,2 = 1 + 2^−1 = 1.5    e_b,1 = 0.5    e_b,2 = 2^−0.5 = 0.70711
 *   saturation of a: log(1 + 1.5) = 0.91629;  synergy: √(1.5 × 0.70711) = 1.02988
 *   drop(a) = 0.1·1.25 + 0.2·1.5 + 0.05·0.91629 + 0.04·1.02988 = 0.51201
 *   drop(b) = 0.3·0.70711 + 0.04·1.02988 = 0.25333
 * </pre>
 *
 * Removing either channel removes the synergy, so both drops hold it, and the baseline's weight is
 * b less the synergy counted twice: 0.1 − 0.04·1.02988 = 0.05880, so the rows add up to p. Within
 * a, each touch by its own decay terms: D−2's 0.1·2^−2 + 0.2·2^−1 = 0.125, D's 0.1 + 0.2 = 0.3,
 * of 0.425.
 */
class IncrementalModelTest {
    private static final ZoneId UTC = ZoneOffset.UTC;
    private static final LocalDate D = LocalDate.of(2026, 10, 10);

    private static IncrementalModel model() {
        ExposureTerms terms = new ExposureTerms(2, new double[] {1, 2}, 1, 3, List.of(new int[] {0, 1}));
        double[] theta = new double[terms.size()];
        theta[terms.decayTerm(0, 0)] = 0.1;
        theta[terms.decayTerm(0, 1)] = 0.2;
        theta[terms.saturationTerm(0)] = 0.05;
        theta[terms.decayTerm(1, 1)] = 0.3;
        theta[terms.synergyTerm(0)] = 0.04;
        return new IncrementalModel(List.of("a", "b"), terms, theta, 0.1, UTC);
    }

    /** The conversion of the class comment: a at D−2, b at D−1, a at D. */
    private static Touches handJourney() {
        Touches journey = Touches.of(
                new String[] {"a", "b", "a"},
                new long[] {micros(D.minusDays(2)), micros(D.minusDays(1)), micros(D)},
                null);
        journey.day((int) D.toEpochDay());
        return journey;
    }

    private static long micros(LocalDate day) {
        return day.atTime(12, 0).toEpochSecond(ZoneOffset.UTC) * 1_000_000L;
    }

    @Test
    void eachChannelsDropHoldsItsTermsAndEverySynergyItIsPartOf() {
        Touches journey = handJourney();
        double[] weights = new double[3];
        model().conversionWeights(journey, weights);
        double synergy = 0.04 * Math.sqrt(1.5 * Math.pow(2, -0.5));
        double dropA = 0.1 * 1.25 + 0.2 * 1.5 + 0.05 * Math.log(2.5) + synergy;
        double dropB = 0.3 * Math.pow(2, -0.5) + synergy;
        assertEquals(0.51201, dropA, 1e-5, "the hand figure");
        assertEquals(0.25333, dropB, 1e-5, "the hand figure");
        assertArrayEquals(new double[] {dropA * 0.125 / 0.425, dropB, dropA * 0.3 / 0.425}, weights, 1e-12);
        assertEquals(0.1 - synergy, model().baselineWeight(journey), 1e-15);
        assertEquals(0.05880, model().baselineWeight(journey), 1e-5, "the hand figure");
        assertEquals(
                0.1 + 0.1 * 1.25 + 0.2 * 1.5 + 0.05 * Math.log(2.5) + 0.3 * Math.pow(2, -0.5) + synergy,
                weights[0] + weights[1] + weights[2] + model().baselineWeight(journey),
                1e-15,
                "the rows add up to the fitted probability");
    }

    /**
     * A touch older than the window exposes nothing and gets nothing; a journey of b alone has no
     * synergy: drop(b) = 0.3 · 2^−0 = 0.3 for b at D, while a at D−3 is outside the 3-day window.
     */
    @Test
    void aSynergyNeedsBothChannelsInTheWindow() {
        Touches journey = Touches.of(new String[] {"a", "b"}, new long[] {micros(D.minusDays(3)), micros(D)}, null);
        journey.day((int) D.toEpochDay());
        double[] weights = new double[2];
        model().conversionWeights(journey, weights);
        assertArrayEquals(new double[] {0, 0.3}, weights, 1e-12);
    }

    /**
     * lifts(): one touch's effect summed over its window, over the window's configured decay
     * (1 + 2^−0.5 + 2^−1 = 2.20711). For a: 0.1·(1 + 0.5 + 0.25) + 0.2·2.20711 + 0.05·(log 2 +
     * log(1 + 2^−0.5) + log 1.5) = 0.175 + 0.44142 + 0.05·1.63341 = 0.69809, over 2.20711: 0.31629.
     * For b: 0.3 exactly (its one decay is the configured one).
     */
    @Test
    void liftsAreOneTouchsEffectInTheConfiguredDecaysUnits() {
        double norm = 1 + Math.pow(2, -0.5) + 0.5;
        double a =
                (0.1 * 1.75 + 0.2 * norm + 0.05 * (Math.log(2) + Math.log1p(Math.pow(2, -0.5)) + Math.log(1.5))) / norm;
        assertEquals(0.31629, a, 1e-5, "the hand figure");
        assertArrayEquals(new double[] {a, 0.3}, model().lifts(), 1e-12);
    }

    /**
     * A calibrated channel: an experiment found a's causal coefficients a quarter of the fitted ones
     * (φ_a = θ_a / 4; b and the synergy as fitted). For the first journey, a's own terms add
     * 0.1·1.25 + 0.2·1.5 + 0.05·0.91629 = 0.47081 to p: a quarter, 0.11770, is a's effect, and the
     * other 0.35311 joins the baseline (0.1 + 0.35311 − the synergy 0.04120 = 0.41192). The
     * conversion's probability, drops plus baseline, is the fitted one: 0.1 + 0.47081 + 0.3·0.70711
     * + 0.04·1.02988 = 0.82414.
     */
    @Test
    void aCalibratedChannelKeepsItsEffectAndGivesTheRestOfItsAssociationToTheBaseline() {
        IncrementalModel fitted = model();
        ExposureTerms terms = fitted.terms();
        double[] phi = fitted.coefficients();
        for (int t : new int[] {terms.decayTerm(0, 0), terms.decayTerm(0, 1), terms.saturationTerm(0)}) {
            phi[t] /= 4;
        }
        IncrementalModel calibrated =
                new IncrementalModel(List.of("a", "b"), terms, fitted.coefficients(), phi, 0.1, UTC);
        Touches journey = handJourney();
        double[] weights = new double[3];
        calibrated.conversionWeights(journey, weights);
        double own = 0.1 * 1.25 + 0.2 * 1.5 + 0.05 * Math.log(2.5);
        double synergy = 0.04 * Math.sqrt(1.5 * Math.pow(2, -0.5));
        double dropB = 0.3 * Math.pow(2, -0.5) + synergy;
        assertEquals(0.47081, own, 1e-5, "the hand figure");
        assertArrayEquals(
                new double[] {(own / 4 + synergy) * 0.125 / 0.425, dropB, (own / 4 + synergy) * 0.3 / 0.425},
                weights,
                1e-12);
        assertEquals(0.41192, calibrated.baselineWeight(journey), 1e-5);
        assertEquals(
                0.82414,
                weights[0] + weights[1] + weights[2] + calibrated.baselineWeight(journey),
                1e-5,
                "the fitted probability");
        assertEquals(fitted.lifts()[0] / 4, calibrated.lifts()[0], 1e-15);
        assertEquals(fitted.lifts()[1], calibrated.lifts()[1], 0.0);
    }
}
