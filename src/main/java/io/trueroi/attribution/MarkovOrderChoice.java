package io.trueroi.attribution;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.trueroi.config.AttributionSettings;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code markov.order = auto}: the Markov order, 1 to {@link #MAX_ORDER}, under which the chain
 * best predicts whether held-out journeys convert. The journeys (with a touch) of the training
 * window ending on the run's date are split by OneID: one person in {@link #HOLDOUT_BUCKETS}
 * (a hash of the OneID) is held out, the rest train. Given a journey's whole path, an order-k
 * chain says it converts with the probability that its end state ({@link MarkovTraining#endState})
 * moves to (conversion) rather than (null); the score of order k is the held-out journeys' mean
 * log-likelihood of their outcomes under the training journeys' chain. A state trained on few
 * journeys is shrunk toward its context one channel shorter by {@link #PRIOR_JOURNEYS}
 * pseudo-journeys, and a state never seen in training takes its context's rate, down to the
 * overall rate: so a higher order wins only where its longer history predicts better out of
 * sample. Ties go to the lower order.
 *
 * <p>Cost: one pass over the window's journeys with one aggregation by (order, end state, held
 * out); the driver receives the distinct end states of the four orders, at most the window's
 * journeys and channels^order of each.
 */
public final class MarkovOrderChoice {
    /** The highest order tried; the chain's states grow as channels^order. */
    public static final int MAX_ORDER = 4;

    /** One OneID in this many is held out. */
    static final int HOLDOUT_BUCKETS = 5;

    /** Pseudo-journeys that pull a state's rate toward its lower-order state's. */
    static final double PRIOR_JOURNEYS = 1.0;

    private MarkovOrderChoice() {}

    /**
     * The chosen order, every order's score (mean log-likelihood per held-out journey, in nats;
     * index 0 is order 1), and the journeys trained on and held out.
     */
    public record Choice(int order, double[] scores, long trainingJourneys, long heldOutJourneys) {
        Map<String, Long> counters() {
            Map<String, Long> c = new LinkedHashMap<>();
            c.put("markov_order_chosen", (long) order);
            c.put("markov_order_training_journeys", trainingJourneys);
            c.put("markov_order_held_out_journeys", heldOutJourneys);
            for (int k = 1; k <= scores.length; k++) {
                // Counters are whole numbers: micro-nats per held-out journey.
                c.put("markov_order_" + k + "_loglik_micronats", Math.round(scores[k - 1] * 1e6));
            }
            return c;
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder("markov order " + order + " (held-out log-likelihood per journey:");
            for (int k = 1; k <= scores.length; k++) {
                b.append(String.format(java.util.Locale.ROOT, " %d: %.6f", k, scores[k - 1]));
            }
            return b.append("; ")
                    .append(heldOutJourneys)
                    .append(" held out, ")
                    .append(trainingJourneys)
                    .append(" trained)")
                    .toString();
        }
    }

    public static Choice choose(Dataset<Row> journeys, AttributionSettings settings, LocalDate to, ZoneId zone) {
        Column day = MarkovTraining.day(zone);
        Dataset<Row> paths = journeys.filter(size(col("touches")).gt(0))
                .filter(day.between(
                        lit(to.minusDays(settings.trainingWindowDays() - 1L).toString())
                                .cast("date"),
                        lit(to.toString()).cast("date")))
                .select(
                        MarkovTraining.path(settings).as("path"),
                        col("converted"),
                        pmod(xxhash64(col("one_id")), lit(HOLDOUT_BUCKETS))
                                .equalTo(0)
                                .as("held_out"));
        Dataset<Row> states = null;
        for (int k = 1; k <= MAX_ORDER; k++) {
            Dataset<Row> s = paths.select(
                    lit(k).as("k"), MarkovTraining.endState(k).as("state"), col("held_out"), col("converted"));
            states = states == null ? s : states.unionByName(s);
        }
        List<Map<List<String>, long[]>> train = new ArrayList<>();
        List<Map<List<String>, long[]>> test = new ArrayList<>();
        for (int k = 0; k <= MAX_ORDER; k++) {
            train.add(new HashMap<>());
            test.add(new HashMap<>());
        }
        for (Row r : states.groupBy("k", "state", "held_out")
                .agg(
                        sum(when(col("converted"), 1L).otherwise(0L)).as("conversions"),
                        sum(when(col("converted"), 0L).otherwise(1L)).as("nulls"))
                .collectAsList()) {
            List<String> state = r.getList(1);
            (r.getBoolean(2) ? test : train)
                    .get(r.getInt(0))
                    .put(List.copyOf(state), new long[] {r.getLong(3), r.getLong(4)});
        }
        return score(train, test);
    }

    /**
     * Scores every order from the end-state counts ({conversions, nulls}) of the training and the
     * held-out journeys, per order (index k; index 0 unused).
     */
    static Choice score(List<Map<List<String>, long[]>> train, List<Map<List<String>, long[]>> test) {
        long[] all = new long[2];
        train.get(1).values().forEach(c -> {
            all[0] += c[0];
            all[1] += c[1];
        });
        long heldOut = 0;
        for (long[] c : test.get(1).values()) {
            heldOut += c[0] + c[1];
        }
        // The overall rate, with half a conversion and half a null so that it is never 0 or 1.
        double overall = (all[0] + 0.5) / (all[0] + all[1] + 1.0);
        double[] scores = new double[MAX_ORDER];
        int best = 1;
        for (int k = 1; k <= MAX_ORDER; k++) {
            double ll = 0;
            // Summed in one order of states, so that the same counts give the same score to the bit.
            List<Map.Entry<List<String>, long[]>> held =
                    new ArrayList<>(test.get(k).entrySet());
            held.sort(Map.Entry.comparingByKey(MarkovTraining::compare));
            for (Map.Entry<List<String>, long[]> e : held) {
                double p = rate(train, k, e.getKey(), overall);
                ll += e.getValue()[0] * Math.log(p) + e.getValue()[1] * Math.log1p(-p);
            }
            scores[k - 1] = heldOut == 0 ? 0 : ll / heldOut;
            if (scores[k - 1] > scores[best - 1]) {
                best = k;
            }
        }
        return new Choice(best, scores, all[0] + all[1], heldOut);
    }

    /**
     * The smoothed conversion rate of an order-k end state: its training counts shrunk toward its
     * context one channel shorter (the state without its first channel, counted at the order of its
     * own length, so over every path that ends in it), down to the overall rate for the empty
     * context; an unseen state takes its context's rate. A short path's state is the same list
     * under every order above its length and gets the same rate from the same counts, so repeating
     * it does not favour the higher orders.
     */
    private static double rate(List<Map<List<String>, long[]>> train, int k, List<String> state, double overall) {
        if (state.isEmpty()) {
            return overall;
        }
        List<String> context = state.subList(1, state.size());
        double prior = rate(train, context.size(), context, overall);
        long[] c = train.get(k).get(state);
        if (c == null) {
            return prior;
        }
        return (c[0] + PRIOR_JOURNEYS * prior) / (c[0] + c[1] + PRIOR_JOURNEYS);
    }
}
