package io.trueroi.attribution;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_position;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.unix_date;

import io.trueroi.config.Experiment;
import io.trueroi.config.IncrementalTerms;
import io.trueroi.spark.Persisted;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Fits {@link IncrementalModel}: each person-day's purchases against the terms of the person's
 * touches before it ({@link ExposureTerms}: decay at several half-lives, saturation, synergy). The
 * organic baseline is the purchase rate of the people's days with no exposure at all; the terms'
 * coefficients are fitted on the exposed days against it, by least squares without intercept,
 * sign-constrained ({@link IncrementalSpecs}): the normal equations summed exactly
 * ({@link ExactSums}) and solved on the driver. Which terms enter is chosen on held-out persons.
 * Least squares of a 0/1 outcome on additive terms is the linear probability model: it estimates
 * {@code E[purchases | exposure]} directly and keeps the baseline and each channel's part
 * additive, as the counterfactual credit needs.
 *
 * <p>The people are the OneIDs with a valid touch in the training window (or in the exposure
 * window before it); each has every day of the {@code incremental.training-window-days} ending on
 * the run's date, from the first date with data (the earliest touch or conversion) on. The fit
 * reads each person's touches and purchases once, grouped by person, and loops over their days in
 * plain Java ({@link PersonSums}); a person's sums go to their fold (one of
 * {@link IncrementalSpecs#FOLDS}, by a hash of the person's bootstrap key) and, {@code w_b} times,
 * to each bootstrap replicate b. So the held-out choice, the point fit and every replicate's fit
 * come from one pass, and every fit is the same to the last bit however the persons were
 * partitioned.
 *
 * <p>Cost: one aggregation of the touches per (person, date, channel), one small self-join of
 * (person, channel) for the synergy pairs, one shuffle of touches and purchases grouped by person
 * and one pass over the persons on as many tasks as cores; the driver receives (folds + replicates)
 * × F² / 2 sums for F terms.
 */
public final class IncrementalTraining {
    /** Mixed into the person's hash before the fold is drawn, so folds are not the replicates' draws. */
    private static final long FOLD_SALT = 0x1DA7E5EEDL;

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("io.trueroi");

    private IncrementalTraining() {}

    /**
     * The fitted model, the specification chosen and those kept as doubt, what it was fitted on,
     * the chosen specification's fit on each bootstrap replicate, and how many lift experiments
     * calibrated it.
     */
    public record Fit(
            IncrementalModel model,
            List<IncrementalSpecs.Scored> kept,
            long people,
            long personDays,
            long exposedPersonDays,
            long conversions,
            long unexposedConversions,
            List<IncrementalModel> replicates,
            int experiments) {
        Map<String, Long> counters() {
            Map<String, Long> c = new LinkedHashMap<>();
            c.put("incremental_people", people);
            c.put("incremental_person_days", personDays);
            c.put("incremental_exposed_person_days", exposedPersonDays);
            c.put("incremental_conversions", conversions);
            c.put("incremental_unexposed_conversions", unexposedConversions);
            c.put("incremental_channels", (long) model.channels().size());
            c.put("incremental_terms", (long) model.terms().size());
            c.put("incremental_specs_kept", (long) kept.size());
            c.put("incremental_experiments", (long) experiments);
            return c;
        }

        /** The chosen specification's name. */
        public String spec() {
            return kept.isEmpty() ? "none" : kept.get(0).spec().name();
        }
    }

    /**
     * The model's settings: the training window, the exposure window, the configured half-life,
     * in days, which terms may enter, and the lift experiments that calibrate it ({@link Calibration}).
     */
    public record Settings(
            int trainingWindowDays,
            int exposureWindowDays,
            double halfLifeDays,
            IncrementalTerms terms,
            List<Experiment> experiments) {
        /** The one-half-life model. */
        public Settings(int trainingWindowDays, int exposureWindowDays, double halfLifeDays) {
            this(trainingWindowDays, exposureWindowDays, halfLifeDays, IncrementalTerms.linear(halfLifeDays));
        }

        /** Without experiments. */
        public Settings(int trainingWindowDays, int exposureWindowDays, double halfLifeDays, IncrementalTerms terms) {
            this(trainingWindowDays, exposureWindowDays, halfLifeDays, terms, List.of());
        }
    }

    /**
     * @param touchpoints {@code journey.touchpoints} (one_id, touch_date, channel, touch_type, is_invalid)
     * @param conversions {@code journey.conversions} (one_id, conversion_date)
     */
    public static Fit fit(
            Dataset<Row> touchpoints,
            Dataset<Row> conversions,
            Settings settings,
            LocalDate to,
            ZoneId zone,
            Persisted cached,
            Bootstrap bootstrap,
            Dataset<Row> personKeys) {
        LocalDate from = trainingStart(touchpoints, conversions, settings, to);
        LocalDate exposedFrom = from.minusDays(settings.exposureWindowDays() - 1L);
        Dataset<Row> window = touchpoints
                .filter(not(col("is_invalid")).and(col("one_id").isNotNull()))
                .filter(col("touch_date").between(date(exposedFrom), date(to)));
        Dataset<Row> touches = cached.keep(window.groupBy("one_id", "touch_date", "channel")
                .agg(count(lit(1)).as("touches")));
        Row seen = touches.agg(sort_array(collect_set("channel")), countDistinct("one_id"))
                .first();
        List<String> channels = new ArrayList<>(seen.getList(0));
        long people = seen.getLong(1);
        int days = (int) (to.toEpochDay() - from.toEpochDay() + 1);
        ExposureTerms terms = terms(settings, channels.size(), pairs(window, touches, channels, settings.terms()));
        if (channels.isEmpty() || people == 0 || days < 1) {
            // Nobody was touched: every conversion has an empty journey, credited to (none) by any
            // model. The empty model says so rather than failing the night.
            IncrementalModel none = new IncrementalModel(List.of(), terms, new double[terms.size()], 0, zone);
            return new Fit(none, List.of(), 0, 0, 0, 0, 0, List.of(), 0);
        }
        Dataset<Row> persons = persons(touches, conversions, channels, from, to);
        persons = Bootstrap.keyed(persons, bootstrap == null ? null : personKeys)
                .select(col(Bootstrap.PERSON_KEY), col("one_id"), col("events"));
        int tasks = persons.sparkSession().sparkContext().defaultParallelism();
        Calibration calibration = Calibration.of(settings.experiments(), channels, terms, from, to);
        ExactSums sums =
                sums(persons, new PersonSums(terms, (int) from.toEpochDay(), days, calibration), bootstrap, tasks);
        return choose(sums, terms, calibration, channels, settings.terms(), zone, people, days, bootstrap);
    }

    private static Column date(LocalDate d) {
        return lit(d.toString()).cast("date");
    }

    /**
     * The first day of the training window: its length before {@code to}, but no earlier than the
     * first data. Days before the first data are no days of the people's lives the fit can see: a
     * window reaching back before them would count them as days without purchases.
     */
    private static LocalDate trainingStart(
            Dataset<Row> touchpoints, Dataset<Row> conversions, Settings settings, LocalDate to) {
        LocalDate from = to.minusDays(settings.trainingWindowDays() - 1L);
        LocalDate dataFrom = firstDay(touchpoints, "touch_date", firstDay(conversions, "conversion_date", null));
        return dataFrom != null && dataFrom.isAfter(from) ? dataFrom : from;
    }

    /** The earliest date in {@code column}, or {@code other} if that is earlier or the column empty. */
    private static LocalDate firstDay(Dataset<Row> data, String column, LocalDate other) {
        Row r = data.agg(min(column)).first();
        if (r.isNullAt(0)) {
            return other;
        }
        LocalDate d = r.getDate(0).toLocalDate();
        return other == null || d.isBefore(other) ? d : other;
    }

    static ExposureTerms terms(Settings settings, int channels, List<int[]> pairs) {
        double[] halfLives = settings.terms().halfLivesDays().stream()
                .mapToDouble(Double::doubleValue)
                .toArray();
        int primary = Arrays.binarySearch(halfLives, settings.halfLifeDays());
        return new ExposureTerms(channels, halfLives, primary, settings.exposureWindowDays(), pairs);
    }

    /**
     * The channel pairs (indexes into {@code channels}, ascending) of ad channels (every touch in
     * the window an {@code ad_click}) at least {@code synergy.min-people} people touched both of,
     * the {@code synergy.max-pairs} most co-touched; none for the linear model. Owned touches (an
     * Official Account follow or scan, a WeCom add) also tie a person's identities, so purchases
     * become visible after them: paired with a medium, that reads as a synergy it did not cause.
     */
    static List<int[]> pairs(
            Dataset<Row> touchpoints, Dataset<Row> touches, List<String> channels, IncrementalTerms terms) {
        if (!terms.auto() || terms.synergyMaxPairs() == 0 || channels.size() < 2) {
            return List.of();
        }
        List<String> owned = new ArrayList<>();
        for (Row r : touchpoints
                .filter(col("touch_type")
                        .notEqual("ad_click")
                        .or(col("touch_type").isNull()))
                .select("channel")
                .distinct()
                .collectAsList()) {
            owned.add(r.getString(0));
        }
        Dataset<Row> touched = touches.filter(not(col("channel").isin(owned.toArray())))
                .select("one_id", "channel")
                .distinct();
        Dataset<Row> a = touched.toDF("one_id", "first");
        Dataset<Row> b = touched.toDF("one_id", "second");
        List<Row> rows = a.join(
                        b,
                        a.col("one_id")
                                .equalTo(b.col("one_id"))
                                .and(col("first").lt(col("second"))))
                .groupBy("first", "second")
                .agg(count(lit(1)).as("people"))
                .filter(col("people").geq(terms.synergyMinPeople()))
                .orderBy(desc("people"), col("first"), col("second"))
                .limit(terms.synergyMaxPairs())
                .collectAsList();
        List<int[]> pairs = new ArrayList<>();
        for (Row r : rows) {
            pairs.add(new int[] {channels.indexOf(r.getString(0)), channels.indexOf(r.getString(1))});
        }
        pairs.sort(Comparator.<int[]>comparingInt(p -> p[0]).thenComparingInt(p -> p[1]));
        return pairs;
    }

    /**
     * Per person: one_id and their touches (epoch day, channel index, count) and purchases of the
     * training window (epoch day, −1, count) in one list.
     */
    static Dataset<Row> persons(
            Dataset<Row> touches, Dataset<Row> conversions, List<String> channels, LocalDate from, LocalDate to) {
        Column names = array(channels.stream().map(c -> lit(c)).toArray(Column[]::new));
        Column channelIndex = array_position(names, col("channel")).minus(1).cast("int");
        Dataset<Row> touched = touches.select(
                col("one_id"),
                unix_date(col("touch_date")).as("day"),
                channelIndex.as("ci"),
                col("touches").as("n"));
        Dataset<Row> bought = conversions
                .filter(col("one_id").isNotNull())
                .filter(col("conversion_date").between(date(from), date(to)))
                .groupBy(col("one_id"), unix_date(col("conversion_date")).as("day"))
                .agg(count(lit(1)).as("n"))
                .select(col("one_id"), col("day"), lit(-1).as("ci"), col("n"));
        return touched.unionByName(bought)
                .groupBy("one_id")
                .agg(collect_list(struct(col("day"), col("ci"), col("n"))).as("events"));
    }

    /**
     * The folds' and the replicates' sums: slot k &lt; {@link IncrementalSpecs#FOLDS} holds fold k's
     * persons once, slot FOLDS + b every person {@code w_b} times. One pass over the persons.
     */
    static ExactSums sums(Dataset<Row> persons, PersonSums person, Bootstrap bootstrap, int tasks) {
        int replicates = bootstrap == null ? 0 : bootstrap.replicates();
        int width = person.width();
        int slots = IncrementalSpecs.FOLDS + replicates;
        return persons.javaRDD()
                .coalesce(Math.max(1, tasks))
                .mapPartitions((Iterator<Row> rows) -> {
                    ExactSums acc = new ExactSums(slots * width);
                    int[] counts = new int[replicates];
                    while (rows.hasNext()) {
                        add(acc, person, rows.next(), width, bootstrap, counts);
                    }
                    return List.of(acc).iterator();
                })
                .reduce(ExactSums::merge);
    }

    /** Adds one person's sums to their fold and to every replicate that draws them. */
    static void add(ExactSums acc, PersonSums person, Row r, int width, Bootstrap bootstrap, int[] counts) {
        String key = r.getString(0);
        PersonSums.Entries e;
        try {
            e = entries(person, r.getList(2));
        } catch (ArithmeticException overflow) {
            throw new ArithmeticException(String.format(
                    "incremental fit: person %s's exposure sums past 2^31 over the training window; no person"
                            + " is exposed that much (check journey.touchpoints for a bot)",
                    r.getString(1)));
        }
        if (e == null) {
            return;
        }
        addEntries(acc, fold(key) * width, e, 1);
        if (bootstrap != null) {
            bootstrap.weights(key, counts);
            for (int b = 0; b < counts.length; b++) {
                if (counts[b] != 0) {
                    addEntries(acc, (IncrementalSpecs.FOLDS + b) * width, e, counts[b]);
                }
            }
        }
    }

    private static void addEntries(ExactSums acc, int at, PersonSums.Entries e, int times) {
        for (int i = 0; i < e.n; i++) {
            acc.add(at + e.index[i], e.units[i], times);
        }
    }

    /** The person's entries from their events, sorted; null for a person with no touch. */
    static PersonSums.Entries entries(PersonSums person, List<Row> events) {
        Row[] sorted = events.toArray(Row[]::new);
        Arrays.sort(sorted, Comparator.<Row>comparingInt(x -> x.getInt(0)).thenComparingInt(x -> x.getInt(1)));
        int touches = 0;
        for (Row x : sorted) {
            touches += x.getInt(1) >= 0 ? 1 : 0;
        }
        if (touches == 0) {
            return null;
        }
        int[] touchDay = new int[touches];
        int[] touchChannel = new int[touches];
        long[] touchCount = new long[touches];
        int[] buyDay = new int[sorted.length - touches];
        long[] buyCount = new long[sorted.length - touches];
        int t = 0;
        int b = 0;
        for (Row x : sorted) {
            if (x.getInt(1) >= 0) {
                touchDay[t] = x.getInt(0);
                touchChannel[t] = x.getInt(1);
                touchCount[t++] = x.getLong(2);
            } else {
                buyDay[b] = x.getInt(0);
                buyCount[b++] = x.getLong(2);
            }
        }
        return person.of(touchDay, touchChannel, touchCount, buyDay, buyCount);
    }

    /** The person's fold: a fixed function of their bootstrap key. */
    static int fold(String key) {
        return new SplittableRandom(Bootstrap.seed(key) ^ FOLD_SALT).nextInt(IncrementalSpecs.FOLDS);
    }

    /**
     * The specification with the best held-out score, fitted on every fold, the others within the
     * tolerance, and the chosen one's fit on each replicate.
     */
    private static Fit choose(
            ExactSums sums,
            ExposureTerms terms,
            Calibration calibration,
            List<String> channels,
            IncrementalTerms settings,
            ZoneId zone,
            long people,
            int days,
            Bootstrap bootstrap) {
        int f = terms.size();
        int width = PersonSums.width(f) + calibration.width();
        int[] foldSlots = new int[IncrementalSpecs.FOLDS];
        double[][] folds = new double[IncrementalSpecs.FOLDS][];
        for (int k = 0; k < foldSlots.length; k++) {
            foldSlots[k] = k;
            folds[k] = IncrementalSpecs.slotSums(sums, width, k);
        }
        double[] all = IncrementalSpecs.slotSums(sums, width, foldSlots);
        List<IncrementalSpecs.Spec> specs = settings.auto()
                ? IncrementalSpecs.candidates(terms, ridges(settings))
                : List.of(IncrementalSpecs.linear(terms));
        double[] scores = specs.size() > 1 ? IncrementalSpecs.scores(specs, folds, all, f) : new double[1];
        int best = 0;
        for (int s = 1; s < scores.length; s++) {
            best = scores[s] < scores[best] ? s : best;
        }
        double variance = all[PersonSums.EXPOSED_DAYS] > 0 ? scores[best] / all[PersonSums.EXPOSED_DAYS] : 0;
        double baseline = IncrementalSpecs.baseline(all);
        logDeviances(specs, scores, best, variance);
        List<IncrementalSpecs.Scored> kept = new ArrayList<>();
        for (int s : order(scores, best)) {
            double deviance = variance > 0 ? (scores[s] - scores[best]) / variance : 0;
            if (s == best || deviance <= settings.specTolerance()) {
                double[] theta = IncrementalSpecs.fit(specs.get(s), all, f);
                double[] causal = calibration.causal(terms, theta, all, -1);
                kept.add(new IncrementalSpecs.Scored(
                        specs.get(s),
                        scores[s],
                        deviance,
                        new IncrementalModel(channels, terms, theta, causal, baseline, zone)));
            }
        }
        List<IncrementalModel> replicates = new ArrayList<>();
        for (int b = 0; bootstrap != null && b < bootstrap.replicates(); b++) {
            double[] s = IncrementalSpecs.slotSums(sums, width, IncrementalSpecs.FOLDS + b);
            double[] theta = IncrementalSpecs.fit(specs.get(best), s, f);
            double[] causal = calibration.causal(terms, theta, s, b);
            replicates.add(new IncrementalModel(channels, terms, theta, causal, IncrementalSpecs.baseline(s), zone));
        }
        calibration.log(terms, kept.get(0).model(), all);
        long personDays = people * days;
        return new Fit(
                kept.get(0).model(),
                List.copyOf(kept),
                people,
                personDays,
                Math.round(all[PersonSums.EXPOSED_DAYS]),
                Math.round(all[PersonSums.PURCHASES]),
                Math.round(all[PersonSums.PURCHASES] - all[PersonSums.EXPOSED_PURCHASES]),
                List.copyOf(replicates),
                calibration.size());
    }

    /** Logs every specification's held-out deviance over the best's. */
    private static void logDeviances(List<IncrementalSpecs.Spec> specs, double[] scores, int best, double variance) {
        if (!LOG.isInfoEnabled() || specs.size() < 2) {
            return;
        }
        StringBuilder b = new StringBuilder("incremental fit: held-out deviance over the best, per specification:");
        for (int s : order(scores, best)) {
            b.append(String.format(
                    java.util.Locale.ROOT,
                    " %s %.2f;",
                    specs.get(s).name(),
                    variance > 0 ? (scores[s] - scores[best]) / variance : 0));
        }
        LOG.info(b.toString());
    }

    private static double[] ridges(IncrementalTerms settings) {
        return settings.synergyRidges().stream()
                .mapToDouble(Double::doubleValue)
                .toArray();
    }

    /** Indexes of {@code scores}, best first, then ascending by score (ties by index). */
    private static List<Integer> order(double[] scores, int best) {
        List<Integer> out = new ArrayList<>();
        for (int s = 0; s < scores.length; s++) {
            out.add(s);
        }
        out.sort(Comparator.<Integer>comparingInt(s -> s == best ? 0 : 1).thenComparingDouble(s -> scores[s]));
        return out;
    }
}
