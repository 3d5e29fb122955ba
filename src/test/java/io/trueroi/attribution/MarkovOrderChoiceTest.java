package io.trueroi.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueroi.config.TrueRoiConfig;
import io.trueroi.testing.SharedSpark;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code markov.order = auto} on worlds whose best order is known: the held-out log-likelihood
 * worked by hand from the rule in {@link MarkovOrderChoice}'s class comment.
 */
@ExtendWith(SharedSpark.class)
class MarkovOrderChoiceTest {
    /** counts[k] from "a,b=conversions/nulls" pairs. */
    private static List<Map<List<String>, long[]>> counts(String... perOrder) {
        List<Map<List<String>, long[]>> out = new ArrayList<>();
        out.add(new HashMap<>());
        for (String order : perOrder) {
            Map<List<String>, long[]> m = new HashMap<>();
            for (String entry : order.split(" ")) {
                String[] kv = entry.split("=");
                String[] cn = kv[1].split("/");
                m.put(List.of(kv[0].split(",")), new long[] {Long.parseLong(cn[0]), Long.parseLong(cn[1])});
            }
            out.add(m);
        }
        return out;
    }

    /**
     * Training: 10 journeys a > b all convert, 10 journeys c > b none. Held out: 2 of each, alike.
     * Overall rate (10 + ½) / (20 + 1) = ½. Order 1: state (b), 10 of 20, shrunk by one
     * pseudo-journey toward ½: ½, so the score is ln ½ = −0.693147. Order 2: (a, b) is 10 of 10,
     * its context (b) ½: (10 + ½) / 11; (c, b) is (0 + ½) / 11; each held-out journey scores
     * ln(10.5 / 11) = −0.046520. Orders 3 and 4 see the same two-channel states with the same
     * counts and context, so the same score: the tie goes to the lower order, 2.
     */
    @Test
    void theOrderWhoseHistoryPredictsTheOutcomeWins() {
        String orders = "a,b=10/0 c,b=0/10";
        MarkovOrderChoice.Choice c = MarkovOrderChoice.score(
                counts("b=10/10", orders, orders, orders),
                counts("b=2/2", "a,b=2/0 c,b=0/2", "a,b=2/0 c,b=0/2", "a,b=2/0 c,b=0/2"));
        assertEquals(2, c.order());
        assertEquals(Math.log(0.5), c.scores()[0], 1e-12);
        for (int k = 1; k < 4; k++) {
            assertEquals(Math.log(10.5 / 11), c.scores()[k], 1e-12, "order " + (k + 1));
        }
        assertEquals(20, c.trainingJourneys());
        assertEquals(4, c.heldOutJourneys());
    }

    /**
     * When the history says nothing — a > b and c > b both convert 5 of 10 — every order scores
     * ln ½ (order 2's states: (5 + ½) / 11 = ½) and order 1 is kept. A held-out state never seen in
     * training (d > b) takes its context (b)'s rate, ½.
     */
    @Test
    void withoutAnOrderEffectTheFirstOrderIsKept() {
        String two = "a,b=5/5 c,b=5/5";
        MarkovOrderChoice.Choice c = MarkovOrderChoice.score(
                counts("b=10/10", two, two, two),
                counts("b=2/1", "a,b=1/0 d,b=1/1", "a,b=1/0 d,b=1/1", "a,b=1/0 d,b=1/1"));
        assertEquals(1, c.order());
        for (double s : c.scores()) {
            assertEquals(Math.log(0.5), s, 1e-12);
        }
    }

    /**
     * Through Spark: 60 people with a > b who all convert and 60 with c > b who never do; the split
     * by OneID holds some of each out. Order 2 predicts each outcome almost surely, order 1 at ½.
     */
    @Test
    void chooseSplitsTheWindowsJourneysByPersonAndPicksTheOrder(SparkSession spark) {
        JourneyRows rows = new JourneyRows()
                .times(60, "ab", true, "online", "10.00", "2026-10-20T12:00:00Z", "a@2, b@1")
                .times(60, "cb", false, null, "0", "2026-10-20T12:00:00Z", "c@2, b@1")
                .add("old", true, "online", "10.00", "2026-05-01T12:00:00Z", "c@2, b@1");
        TrueRoiConfig config = TrueRoiConfig.load(List.of(), Map.of("TRUEROI_HASH_KEY", "a-test-key-of-enough-length"));
        MarkovOrderChoice.Choice c = MarkovOrderChoice.choose(
                rows.dataset(spark), config.attribution(), LocalDate.of(2026, 10, 30), ZoneId.of("Asia/Shanghai"));
        assertEquals(2, c.order(), c.toString());
        assertEquals(120, c.trainingJourneys() + c.heldOutJourneys(), "the journey before the window is out");
        assertTrue(c.heldOutJourneys() > 0 && c.heldOutJourneys() < 60, c.toString());
        assertTrue(c.scores()[1] > c.scores()[0], c.toString());
        assertEquals(2L, c.counters().get("markov_order_chosen"));
    }
}
