package io.trueroi.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The exact solver on examples worked by hand, and the cases where a ratio could be undefined. */
class MarkovRemovalEffectTest {
    static final double EPS = 1e-12;

    static PathCount path(String p, long conversions, double value, long nulls) {
        return new PathCount(p.isEmpty() ? List.of() : List.of(p.split(" > ")), conversions, value, nulls);
    }

    @Test
    void threeChannelsWorkedByHand() {
        // Paths: a > b (1 conversion, value 10), a > c (1 null), b (1 conversion, value 4; 1 null).
        // Transitions, by journeys: start->a 2, start->b 2; a->b 1, a->c 1; b->conv 2, b->null 1; c->null 1.
        // So P(b) = 2/3, P(c) = 0, P(a) = 1/2 * 2/3 = 1/3, P(start) = 1/2 * 1/3 + 1/2 * 2/3 = 1/2.
        // Without a: start->a goes to null, P = 1/2 * 2/3 = 1/3, RE(a) = 1 - (1/3)/(1/2) = 1/3.
        // Without b: P = 0, RE(b) = 1.  Without c: P stays 1/2, RE(c) = 0.
        // Shares: (1/3, 1, 0) / (4/3) = (1/4, 3/4, 0); of 2 conversions: 0.5, 1.5, 0.
        // Value: b->conv carries 14 over b's 3 exits, V(b) = 14/3, V(a) = 7/3, V(start) = 7/6 + 7/3 = 3.5;
        // without a: V = 7/3, RE = 1 - (7/3)/3.5 = 1/3; without b: V = 0; shares 1/4, 3/4 of 14.
        MarkovRemovalEffect.Result r = MarkovRemovalEffect.fit(
                List.of(path("a > b", 1, 10, 0), path("a > c", 0, 0, 1), path("b", 1, 4, 1)), 1);
        assertEquals(0.5, r.conversionProbability(), EPS);
        assertEquals(3.5, r.expectedValue(), EPS);
        Map<String, MarkovRemovalEffect.ChannelResult> c = r.channels();
        assertEquals(1.0 / 3, c.get("a").removalEffect(), EPS);
        assertEquals(1.0, c.get("b").removalEffect(), EPS);
        assertEquals(0.0, c.get("c").removalEffect(), EPS);
        assertEquals(0.25, c.get("a").share(), EPS);
        assertEquals(0.75, c.get("b").share(), EPS);
        assertEquals(0.5, c.get("a").conversions(), EPS);
        assertEquals(1.5, c.get("b").conversions(), EPS);
        assertEquals(0.0, c.get("c").conversions(), EPS, "a channel with no removal effect gets nothing, not NaN");
        assertEquals(3.5, c.get("a").value(), EPS);
        assertEquals(10.5, c.get("b").value(), EPS);
        // The fitted transitions are exposed for inspection.
        assertEquals(
                new MarkovRemovalEffect.Transition("b", "(conversion)", 2.0 / 3),
                r.transitions().stream()
                        .filter(t -> t.from().equals("b") && t.to().equals("(conversion)"))
                        .findFirst()
                        .orElseThrow());
    }

    @Test
    void symmetricChannelsGetEqualShares() {
        MarkovRemovalEffect.Result r =
                MarkovRemovalEffect.fit(List.of(path("a > b", 3, 30, 2), path("b > a", 3, 30, 2)), 1);
        assertEquals(0.5, r.channels().get("a").share(), EPS);
        assertEquals(0.5, r.channels().get("b").share(), EPS);
    }

    @Test
    void aSingleChannelGetsEverything() {
        MarkovRemovalEffect.Result r = MarkovRemovalEffect.fit(List.of(path("a > a", 2, 8, 1), path("a", 1, 2, 5)), 2);
        assertEquals(1.0, r.channels().get("a").share(), EPS);
        assertEquals(3.0, r.channels().get("a").conversions(), EPS);
        assertEquals(10.0, r.channels().get("a").value(), EPS);
    }

    @Test
    void noConversionsGiveZerosNotNaN() {
        MarkovRemovalEffect.Result r = MarkovRemovalEffect.fit(List.of(path("a > b", 0, 0, 4), path("b", 0, 0, 1)), 1);
        assertEquals(0.0, r.conversionProbability(), EPS);
        for (MarkovRemovalEffect.ChannelResult c : r.channels().values()) {
            assertEquals(0.0, c.removalEffect(), 0.0);
            assertEquals(0.0, c.share(), 0.0);
            assertEquals(0.0, c.conversions(), 0.0);
        }
    }

    @Test
    void conversionsWithoutTouchesAreBaselineNotCredit() {
        // Two of four conversions had no touch: they come from (start) directly and no channel's
        // removal can take them away, so the channel shares split only what the channel paths add.
        MarkovRemovalEffect.Result r = MarkovRemovalEffect.fit(List.of(path("", 2, 20, 0), path("a", 2, 20, 0)), 1);
        assertEquals(1.0, r.conversionProbability(), EPS);
        assertEquals(0.5, r.channels().get("a").removalEffect(), EPS);
        assertEquals(1.0, r.channels().get("a").share(), EPS);
    }
}
