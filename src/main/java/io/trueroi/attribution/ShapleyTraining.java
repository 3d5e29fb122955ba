package io.trueroi.attribution;

import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.trueroi.ops.JobFailure;
import io.trueroi.spark.BusinessDate;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Fits {@link ShapleyModel} on {@code journey.journeys}: the journeys (converting and not, with at
 * least one touch) whose day (conversion date, or last touch date) lies in the
 * {@code shapley.training-window-days} ending on the run's date are counted per set of distinct
 * channels touched; a set touched by at least {@code shapley.min-set-journeys} journeys is
 * observed, with its conversion rate and net revenue per journey; the dividends that reproduce
 * every observed rate are found on the driver, smallest sets first.
 *
 * <p>One fit per run credits every conversion of the run: unlike Markov's fit per date, a
 * conversion's Shapley credit moves as later journeys arrive (a backfill and a run of nights to
 * the same date still fit the same window and agree).
 *
 * <p>Cost: one aggregation of the window's journeys by channel set (a shuffle of one row per set
 * and partition). The driver receives the observed sets only, at most journeys ÷ min-set-journeys
 * and at most 2^channels rows, and finds each dividend from the observed subsets of its set.
 */
public final class ShapleyTraining {
    /** A set of channels as a bit mask is a long: the fit refuses more channels than that. */
    static final int MAX_CHANNELS = 64;

    private ShapleyTraining() {}

    /** The fitted model and what it was fitted on. */
    public record Fit(
            ShapleyModel model,
            long trainingJourneys,
            long trainingConversions,
            long sets,
            long observed,
            List<ShapleyModel> replicates) {
        Map<String, Long> counters() {
            Map<String, Long> c = new LinkedHashMap<>();
            c.put("shapley_training_journeys", trainingJourneys);
            c.put("shapley_training_conversions", trainingConversions);
            c.put("shapley_channel_sets", sets);
            c.put("shapley_observed_sets", observed);
            c.put("shapley_channels", (long) model.channels().size());
            return c;
        }
    }

    /**
     * Journeys, conversions and net revenue per set of distinct channels (sorted), over the window
     * of {@code windowDays} ending on {@code to}.
     */
    static Dataset<Row> setCounts(Dataset<Row> journeys, int windowDays, LocalDate to, ZoneId zone) {
        return window(journeys, windowDays, to, zone)
                // touches.channel extracts the array of channels without a lambda (compiled, not interpreted).
                .select(
                        array_sort(array_distinct(col("touches.channel"))).as("channels"),
                        col("converted"),
                        col("net_revenue"))
                .groupBy("channels")
                .agg(
                        count(lit(1)).as("journeys"),
                        sum(when(col("converted"), 1L).otherwise(0L)).as("conversions"),
                        coalesce(sum(when(col("converted"), col("net_revenue"))), lit(BigDecimal.ZERO))
                                .as("revenue"));
    }

    /**
     * @param bootstrap when not null, the model is refitted on each of its replicates too: the
     *     point fit's observed sets, each weighted by its journeys' persons' counts
     * @param personKeys the persons' keys for the counts ({@link Bootstrap#personKeys}); null to
     *     draw them for the OneIDs
     */
    /** The journeys with a touch whose day lies in the window of {@code windowDays} ending on {@code to}. */
    private static Dataset<Row> window(Dataset<Row> journeys, int windowDays, LocalDate to, ZoneId zone) {
        Column lastTouchDate = BusinessDate.of(element_at(col("touches"), -1).getField("touch_time"), zone);
        Column day = coalesce(col("conversion_date"), lastTouchDate);
        return journeys.filter(size(col("touches")).gt(0))
                .filter(day.between(
                        lit(to.minusDays(windowDays - 1L).toString()).cast("date"),
                        lit(to.toString()).cast("date")));
    }

    public static Fit fit(
            Dataset<Row> journeys,
            int windowDays,
            int minSetJourneys,
            LocalDate to,
            ZoneId zone,
            Bootstrap bootstrap,
            Dataset<Row> personKeys) {
        Dataset<Row> counts = setCounts(journeys, windowDays, to, zone);
        Row totals =
                counts.agg(sum("journeys"), sum("conversions"), count(lit(1))).first();
        long trainingJourneys = totals.isNullAt(0) ? 0 : totals.getLong(0);
        long trainingConversions = totals.isNullAt(1) ? 0 : totals.getLong(1);
        long sets = totals.getLong(2);
        List<Row> observed = counts.filter(col("journeys").geq(minSetJourneys)).collectAsList();
        TreeSet<String> names = new TreeSet<>();
        for (Row r : observed) {
            names.addAll(r.getList(0));
        }
        if (names.size() > MAX_CHANNELS) {
            throw new JobFailure("shapley: " + names.size() + " channels in observed sets of the window ending " + to
                    + "; the model takes at most " + MAX_CHANNELS + " (merge channels in trueroi.channels)");
        }
        List<String> channels = new ArrayList<>(names);
        Map<String, Integer> bit = new HashMap<>();
        for (int i = 0; i < channels.size(); i++) {
            bit.put(channels.get(i), i);
        }
        Map<Long, double[]> rates = new HashMap<>();
        for (Row r : observed) {
            long mask = 0;
            for (Object c : r.getList(0)) {
                mask |= 1L << bit.get((String) c);
            }
            double n = r.getLong(1);
            rates.put(mask, new double[] {r.getLong(2) / n, r.getDecimal(3).doubleValue() / n});
        }
        List<ShapleyModel> replicates = bootstrap == null || rates.isEmpty()
                ? List.of()
                : replicateFits(
                        Bootstrap.keyed(window(journeys, windowDays, to, zone), personKeys),
                        channels,
                        rates.keySet(),
                        bootstrap);
        return new Fit(
                new ShapleyModel(channels, dividends(rates)),
                trainingJourneys,
                trainingConversions,
                sets,
                observed.size(),
                replicates);
    }

    /** Each channel's bit in a set's mask. */
    private static Map<String, Integer> bits(List<String> channels) {
        Map<String, Integer> bit = new HashMap<>();
        for (int i = 0; i < channels.size(); i++) {
            bit.put(channels.get(i), i);
        }
        return bit;
    }

    /** Adds {@code b}'s per-set sums into {@code a}'s (both hold every observed set). */
    private static HashMap<Long, double[]> mergeSums(HashMap<Long, double[]> a, HashMap<Long, double[]> b) {
        b.forEach((mask, s) -> {
            double[] t = a.get(mask);
            for (int i = 0; i < s.length; i++) {
                t[i] += s[i];
            }
        });
        return a;
    }

    /**
     * One model per replicate, on the point fit's channels and observed sets: each set's journeys,
     * conversions and revenue summed with their persons' counts ({@link Bootstrap}), in one pass
     * over the window's journeys; a set no counted journey touched in a replicate is unobserved
     * there. The driver receives observed sets × replicates sums.
     *
     * @param window the window's journeys, {@link Bootstrap#keyed keyed}
     */
    static List<ShapleyModel> replicateFits(
            Dataset<Row> window, List<String> channels, java.util.Set<Long> observed, Bootstrap bootstrap) {
        int replicates = bootstrap.replicates();
        HashMap<Long, double[]> zero = new HashMap<>();
        for (long mask : observed) {
            zero.put(mask, new double[3 * replicates]);
        }
        Map<String, Integer> bit = bits(channels);
        // A sum of vectors per set has no built-in aggregate; the sums are bounded by the observed sets.
        HashMap<Long, double[]> sums = window.select(
                        col(Bootstrap.PERSON_KEY),
                        col("touches.channel").as("channels"),
                        col("converted"),
                        col("net_revenue"))
                .javaRDD()
                .aggregate(
                        zero,
                        (acc, r) -> {
                            long mask = 0;
                            for (Object c : r.getList(1)) {
                                Integer b = bit.get((String) c);
                                if (b == null) {
                                    return acc;
                                }
                                mask |= 1L << b;
                            }
                            double[] s = acc.get(mask);
                            if (s == null) {
                                return acc;
                            }
                            int[] w = new int[replicates];
                            bootstrap.weights(r.getString(0), w);
                            boolean converted = r.getBoolean(2);
                            double revenue = converted && !r.isNullAt(3)
                                    ? r.getDecimal(3).doubleValue()
                                    : 0;
                            for (int b = 0; b < replicates; b++) {
                                s[3 * b] += w[b];
                                if (converted) {
                                    s[3 * b + 1] += w[b];
                                    s[3 * b + 2] += w[b] * revenue;
                                }
                            }
                            return acc;
                        },
                        ShapleyTraining::mergeSums);
        List<ShapleyModel> models = new ArrayList<>(replicates);
        for (int b = 0; b < replicates; b++) {
            Map<Long, double[]> rates = new HashMap<>();
            for (Map.Entry<Long, double[]> e : sums.entrySet()) {
                double[] s = e.getValue();
                double n = s[3 * b];
                if (n > 0) {
                    rates.put(e.getKey(), new double[] {s[3 * b + 1] / n, s[3 * b + 2] / n});
                }
            }
            models.add(new ShapleyModel(channels, dividends(rates)));
        }
        return models;
    }

    /**
     * The Harsanyi dividends of the game whose worth of each observed set is its rate and whose
     * dividends vanish elsewhere: {@code d(T) = rate(T) − Σ d(T')} over the observed proper subsets
     * T' of T, smallest sets first (the empty set's worth is 0).
     */
    static Map<Long, double[]> dividends(Map<Long, double[]> rates) {
        List<Long> sets = new ArrayList<>(rates.keySet());
        sets.sort(Comparator.comparingInt(Long::bitCount).thenComparing(Comparator.naturalOrder()));
        Map<Long, double[]> d = new HashMap<>();
        for (long t : sets) {
            double[] rate = rates.get(t);
            double[] own = {rate[0], rate[1]};
            int members = Long.bitCount(t);
            if (members <= 20 && (1L << members) <= d.size()) {
                for (long s = (t - 1) & t; s != 0; s = (s - 1) & t) {
                    subtract(own, d.get(s));
                }
            } else {
                for (Map.Entry<Long, double[]> e : d.entrySet()) {
                    if ((e.getKey() & ~t) == 0) {
                        subtract(own, e.getValue());
                    }
                }
            }
            d.put(t, own);
        }
        return d;
    }

    private static void subtract(double[] from, double[] d) {
        if (d != null) {
            from[0] -= d[0];
            from[1] -= d[1];
        }
    }
}
