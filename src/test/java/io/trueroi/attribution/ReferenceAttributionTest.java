package io.trueroi.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Our models on ChannelAttribution's example paths against ChannelAttribution's own results
 * (shared/reference/channelattribution/README.md): heuristics to 1e-6; exact first-order Markov
 * within 1% (conversions) and 3% (value) of its 5M-simulation figures for channels with more than
 * 100 attributed conversions. Orders 2 and 3 are printed for the closing note, not asserted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReferenceAttributionTest {
    /** channel, first conv, first value, last conv, last value, linear conv, linear value. */
    static final Object[][] HEURISTICS = {
        {"alpha", 6308.000000, 19121.272356, 8447.000000, 28414.214274, 7574.718594, 24524.709569},
        {"beta", 2831.000000, 12235.591744, 989.000000, 3850.020987, 2083.500145, 8954.266717},
        {"delta", 1.000000, 6.119000, 5.000000, 10.972000, 1.725000, 4.404050},
        {"epsilon", 99.000000, 412.301243, 531.000000, 2202.612289, 272.170438, 1106.270065},
        {"eta", 3164.000000, 11909.476213, 4167.000000, 16754.203800, 3539.951157, 13783.497051},
        {"gamma", 165.000000, 718.977992, 92.000000, 506.013992, 121.041639, 569.417358},
        {"iota", 4606.000000, 19597.261277, 3355.000000, 13487.974271, 3857.096221, 15988.988995},
        {"kappa", 74.000000, 305.743250, 230.000000, 1069.384250, 137.964078, 599.747786},
        {"lambda", 902.000000, 3735.602165, 1207.000000, 5249.949985, 1035.257572, 4430.316169},
        {"mi", 2.000000, 5.273000, 2.000000, 5.273000, 2.222222, 6.081444},
        {"theta", 1606.000000, 6652.349347, 653.000000, 2799.091988, 1022.801394, 4295.743619},
        {"zeta", 27.000000, 103.004000, 107.000000, 453.260750, 136.551540, 539.528763}
    };

    /** channel, order 1 conv, value, order 2 conv, value, order 3 conv, value. */
    static final Object[][] MARKOV = {
        {"alpha", 5342.378, 18773.649, 5617.599, 19205.470, 5748.002, 19423.820},
        {"beta", 2524.359, 9673.818, 2444.500, 9794.126, 2410.381, 9752.699},
        {"delta", 4.683, 13.994, 5.232, 15.485, 4.786, 13.049},
        {"epsilon", 601.269, 2354.489, 614.790, 2387.897, 618.128, 2411.497},
        {"eta", 3340.726, 12996.394, 3390.702, 13003.240, 3395.739, 12981.778},
        {"gamma", 170.842, 736.264, 172.757, 744.744, 176.393, 790.412},
        {"iota", 3885.350, 14983.143, 3808.214, 14829.715, 3790.094, 14827.432},
        {"kappa", 274.551, 1131.296, 264.877, 1133.897, 265.681, 1137.122},
        {"lambda", 1280.964, 5122.148, 1187.227, 4860.885, 1152.085, 4755.865},
        {"mi", 1.824, 6.043, 2.218, 6.594, 2.181, 6.409},
        {"theta", 1975.693, 7536.781, 1902.192, 7384.873, 1850.098, 7270.080},
        {"zeta", 382.361, 1474.954, 374.691, 1436.047, 371.432, 1432.810}
    };

    List<PathCount> paths;

    @BeforeAll
    void load() throws Exception {
        paths = PathData.load();
        assertEquals(10_000, paths.size());
    }

    @Test
    void heuristicsMatchToOneMillionth() {
        // The production model classes, run on the path aggregate.
        Map<String, double[]> first = PathCredits.of(paths, new FirstTouch());
        Map<String, double[]> last = PathCredits.of(paths, new LastTouch());
        Map<String, double[]> linear = PathCredits.of(paths, new Linear());
        for (Object[] row : HEURISTICS) {
            String ch = (String) row[0];
            assertEquals((double) row[1], first.get(ch)[0], 1e-6, ch + " first conv");
            assertEquals((double) row[2], first.get(ch)[1], 1e-6, ch + " first value");
            assertEquals((double) row[3], last.get(ch)[0], 1e-6, ch + " last conv");
            assertEquals((double) row[4], last.get(ch)[1], 1e-6, ch + " last value");
            assertEquals((double) row[5], linear.get(ch)[0], 1e-6, ch + " linear conv");
            assertEquals((double) row[6], linear.get(ch)[1], 1e-6, ch + " linear value");
        }
    }

    @Test
    void firstOrderMarkovMatchesWithinOnePercentAndValueWithinThree() {
        MarkovRemovalEffect.Result r = MarkovRemovalEffect.fit(paths, 1);
        assertEquals(19_785, r.totalConversions(), 1e-9);
        assertEquals(74_802.97, r.totalValue(), 0.005, "the README rounds the total to the cent");
        double sum = 0;
        for (Object[] row : MARKOV) {
            String ch = (String) row[0];
            MarkovRemovalEffect.ChannelResult c = r.channels().get(ch);
            sum += c.conversions();
            double want = (double) row[1];
            if (want > 100) {
                assertEquals(want, c.conversions(), want * 0.01, ch + " conversions");
                assertEquals((double) row[2], c.value(), (double) row[2] * 0.03, ch + " value");
            }
        }
        assertEquals(19_785, sum, 1e-6, "shares sum to 1");
    }

    @Test
    void higherOrdersAreReported() {
        for (int order = 1; order <= 3; order++) {
            long t0 = System.nanoTime();
            MarkovRemovalEffect.Result r = MarkovRemovalEffect.fit(paths, order);
            double ms = (System.nanoTime() - t0) / 1e6;
            double worst = 0;
            double worstValue = 0;
            for (Object[] row : MARKOV) {
                MarkovRemovalEffect.ChannelResult c = r.channels().get((String) row[0]);
                double want = (double) row[2 * order - 1];
                double wantValue = (double) row[2 * order];
                if (want > 100) {
                    worst = Math.max(worst, Math.abs(c.conversions() - want) / want);
                    worstValue = Math.max(worstValue, Math.abs(c.value() - wantValue) / wantValue);
                }
            }
            System.out.printf(
                    "markov order %d: largest deviation from ChannelAttribution %.2f%% (conv), %.2f%% (value);"
                            + " %d transitions; fit %.0f ms%n",
                    order, worst * 100, worstValue * 100, r.transitions().size(), ms);
            assertTrue(worst < 0.25, "order " + order + " within 25%: " + worst);
        }
    }

    @Test
    void iterativeAndDirectSolversAgree() {
        // Large chains are solved by Gauss-Seidel, small ones by LU: on the same chain (order 3 on the
        // reference paths, 967 states) both must give the same removal effects.
        MarkovChain chain = MarkovChain.fromPaths(paths, 3);
        assertEquals(967, chain.states());
        MarkovRemovalEffect.Result direct = MarkovRemovalEffect.fit(chain, Integer.MAX_VALUE);
        MarkovRemovalEffect.Result iterative = MarkovRemovalEffect.fit(chain, 0);
        assertEquals(direct.conversionProbability(), iterative.conversionProbability(), 1e-10);
        assertEquals(direct.expectedValue(), iterative.expectedValue(), 1e-9);
        for (MarkovRemovalEffect.ChannelResult d : direct.channels().values()) {
            MarkovRemovalEffect.ChannelResult it = iterative.channels().get(d.channel());
            assertEquals(d.removalEffect(), it.removalEffect(), 1e-9, d.channel());
            assertEquals(d.valueRemovalEffect(), it.valueRemovalEffect(), 1e-9, d.channel());
        }
    }
}
