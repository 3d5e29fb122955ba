package io.trueroi.attribution;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.rint;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.try_sum;

import io.trueroi.spark.Persisted;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.NormOps_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * Fits {@link IncrementalModel}: each person-day's purchases against the person's decayed exposure
 * to each channel that day. The organic baseline is the purchase rate of the people's days with no
 * exposure at all; the channels' lifts are fitted on the exposed days against it, by least squares
 * without intercept: the normal equations, summed exactly in Spark ({@link ExactSums}), solved by
 * EJML's Cholesky decomposition on the driver (channels × channels). MLlib's {@code
 * LinearRegression} solves the same equations, and the tests check against it, but it adds its
 * partitions' sums in the order their tasks finish: it gave the same lifts every run only when one
 * task summed every exposed person-day, which at scale was most of the stage.
 *
 * <p>The people are the OneIDs with a valid touch in the training window (or in the exposure
 * window before it); each has every day of the {@code incremental.training-window-days} ending on
 * the run's date, from the first date with data (the earliest touch or conversion) on. A
 * person-day's exposure to channel c is {@code Σ 2^(−Δ/h)} over the person's touches of c Δ days
 * before (0 ≤ Δ < {@code exposure-window-days}, h = {@code half-life-days}, business dates); its
 * label is the person's conversions that day, less the baseline. The days with no exposure are
 * only counted (days and purchases), so the fit reads the exposed person-days and the people's
 * conversions, not people × days rows. Least squares of a 0/1 outcome on additive exposure is the
 * linear probability model: it estimates {@code E[purchases | exposure]} directly and keeps the
 * baseline and each channel's lift additive, as the counterfactual credit needs.
 *
 * <p>Cost: one aggregation of the touches per (person, date, channel), an explode of each by the
 * exposure window and one aggregation pivoted by channel (a shuffle of touches × window rows,
 * bounded by the window); a join with the conversions per (person, date); one aggregation of the
 * exposed person-days per person (channels² / 2 sums per row, a shuffle) and one pass over the
 * persons for the normal equations of the point fit and of every replicate, in parallel; the
 * driver receives the channel list and (1 + replicates) × channels² / 2 sums.
 */
public final class IncrementalTraining {
    /** A touch's exposure on one day, exact to 1e-15 and summed exactly. */
    static final String EXPOSURE = "decimal(25,15)";

    private IncrementalTraining() {}

    /** The fitted model, what it was fitted on, and each channel's expected incremental conversions. */
    public record Fit(
            IncrementalModel model,
            long people,
            long personDays,
            long exposedPersonDays,
            long conversions,
            long unexposedConversions,
            Map<String, Double> incrementalConversions,
            List<IncrementalModel> replicates) {
        Map<String, Long> counters() {
            Map<String, Long> c = new LinkedHashMap<>();
            c.put("incremental_people", people);
            c.put("incremental_person_days", personDays);
            c.put("incremental_exposed_person_days", exposedPersonDays);
            c.put("incremental_conversions", conversions);
            c.put("incremental_unexposed_conversions", unexposedConversions);
            c.put("incremental_channels", (long) model.channels().size());
            return c;
        }
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

    /** The model's settings: the training window, the exposure window and the half-life, in days. */
    public record Settings(int trainingWindowDays, int exposureWindowDays, double halfLifeDays) {}

    /**
     * @param touchpoints {@code journey.touchpoints} (one_id, touch_date, channel, is_invalid)
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
        Dataset<Row> touches = touchpoints
                .filter(not(col("is_invalid")).and(col("one_id").isNotNull()))
                .filter(col("touch_date")
                        .between(
                                lit(exposedFrom.toString()).cast("date"),
                                lit(to.toString()).cast("date")))
                .groupBy("one_id", "touch_date", "channel")
                .agg(count(lit(1)).as("touches"));
        touches = cached.keep(touches);
        Row seen = touches.agg(sort_array(collect_set("channel")), countDistinct("one_id"))
                .first();
        List<String> channels = new ArrayList<>(seen.getList(0));
        long people = seen.getLong(1);
        long days = to.toEpochDay() - from.toEpochDay() + 1;
        if (channels.isEmpty() || people == 0 || days < 1) {
            // Nobody was touched: every conversion has an empty journey, credited to (none) by any
            // model. The empty model says so rather than failing the night.
            IncrementalModel none = new IncrementalModel(
                    List.of(), new double[0], 0, settings.exposureWindowDays(), settings.halfLifeDays(), zone);
            return new Fit(none, 0, 0, 0, 0, 0, Map.of(), List.of());
        }
        String[] features = new String[channels.size()];
        for (int i = 0; i < channels.size(); i++) {
            features[i] = "x" + i;
        }
        Dataset<Row> pivoted = exposures(touches, channels, features, settings, from, to);
        Dataset<Row> purchases = conversions
                .filter(col("one_id").isNotNull())
                .filter(col("conversion_date")
                        .between(
                                lit(from.toString()).cast("date"),
                                lit(to.toString()).cast("date")))
                .groupBy(col("one_id"), col("conversion_date").as("day"))
                .agg(count(lit(1)).cast("double").as("y"));
        // Read twice: joined to the exposed days, and counted per person.
        purchases = cached.keep(purchases);
        Dataset<Row> exposed = pivoted.join(purchases, new String[] {"one_id", "day"}, "left")
                .withColumn("y", coalesce(col("y"), lit(0.0)));
        Dataset<Row> perPerson = touches.select("one_id")
                .distinct()
                .join(personSums(exposed, features), new String[] {"one_id"}, "left")
                .join(
                        purchases.groupBy("one_id").agg(sum("y").cast("bigint").as("all_y")),
                        new String[] {"one_id"},
                        "left");
        List<Normal> fits = normalFits(keyed(perPerson, bootstrap, personKeys), channels.size(), days, bootstrap);
        return fitOf(fits, channels, settings, zone, people, days);
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

    /** Each exposed person-day of the window with its decayed exposure per channel (features x0..). */
    private static Dataset<Row> exposures(
            Dataset<Row> touches,
            List<String> channels,
            String[] features,
            Settings settings,
            LocalDate from,
            LocalDate to) {
        List<Object> indexes = new ArrayList<>();
        for (int i = 0; i < channels.size(); i++) {
            indexes.add(i);
        }
        Column channelIndex = org.apache
                .spark
                .sql
                .functions
                .array_position(
                        org.apache.spark.sql.functions.array(
                                channels.stream().map(c -> lit(c)).toArray(Column[]::new)),
                        col("channel"))
                .minus(1)
                .cast("int");
        Dataset<Row> pivoted = touches.withColumn(
                        "lag", explode(sequence(lit(0), lit(settings.exposureWindowDays() - 1))))
                .withColumn("day", date_add(col("touch_date"), col("lag")))
                .filter(col("day")
                        .between(
                                lit(from.toString()).cast("date"),
                                lit(to.toString()).cast("date")))
                .select(
                        col("one_id"),
                        col("day"),
                        channelIndex.as("ci"),
                        col("touches")
                                .multiply(
                                        pow(lit(2.0), col("lag").cast("double").divide(-settings.halfLifeDays())))
                                // Summed as decimals, exactly, so that a person-day's exposure does not
                                // depend on the order its touches arrive in.
                                .cast(EXPOSURE)
                                .as("x"))
                .groupBy("one_id", "day")
                .pivot("ci", indexes)
                .agg(sum("x").cast("double"));
        for (int i = 0; i < channels.size(); i++) {
            pivoted = pivoted.withColumnRenamed(Integer.toString(i), features[i]);
        }
        return pivoted.na().fill(0.0, features);
    }

    /** The per-person sums with the person's bootstrap key in place of the OneID, first. */
    private static Dataset<Row> keyed(Dataset<Row> perPerson, Bootstrap bootstrap, Dataset<Row> personKeys) {
        List<Column> columns = new ArrayList<>(List.of(col(Bootstrap.PERSON_KEY)));
        for (String c : perPerson.columns()) {
            if (!c.equals("one_id")) {
                columns.add(col(c));
            }
        }
        return Bootstrap.keyed(perPerson, bootstrap == null ? null : personKeys).select(columns.toArray(Column[]::new));
    }

    /** The model of the point fit, its replicates' models and the fit's counts. */
    private static Fit fitOf(
            List<Normal> fits, List<String> channels, Settings settings, ZoneId zone, long people, long days) {
        Normal point = fits.get(0);
        Map<String, Double> incremental = new LinkedHashMap<>();
        for (int i = 0; i < channels.size(); i++) {
            incremental.put(channels.get(i), Math.max(0, point.lifts()[i]) * point.exposure()[i]);
        }
        List<IncrementalModel> models = new ArrayList<>();
        for (Normal fit : fits) {
            models.add(new IncrementalModel(
                    channels,
                    fit.lifts(),
                    fit.baseline(),
                    settings.exposureWindowDays(),
                    settings.halfLifeDays(),
                    zone));
        }
        long personDays = people * days;
        return new Fit(
                models.get(0),
                people,
                personDays,
                personDays - Math.round(point.unexposedDays()),
                Math.round(point.purchases()),
                Math.round(point.purchases() - point.exposedPurchases()),
                incremental,
                List.copyOf(models.subList(1, models.size())));
    }

    /**
     * Per person, the sums the normal equations need over their exposed days, in {@link ExactSums}
     * units: days (a count), then purchases, Σx_i, Σx_i·x_j (i ≤ j) and Σx_i·y. A person's terms are
     * rounded to units before they are added, so the sums are exact and their order cannot change
     * them; a sum past 2^31 (an exposure no person has: thousands of touches a day for weeks) is
     * null, and {@link #normalFits} names the person.
     */
    private static Dataset<Row> personSums(Dataset<Row> exposed, String[] features) {
        int k = features.length;
        List<Column> sums = new ArrayList<>();
        sums.add(unitSum(col("y")));
        for (String f : features) {
            sums.add(unitSum(col(f)));
        }
        for (int i = 0; i < k; i++) {
            for (int j = i; j < k; j++) {
                sums.add(unitSum(col(features[i]).multiply(col(features[j]))));
            }
        }
        for (String f : features) {
            sums.add(unitSum(col(f).multiply(col("y"))));
        }
        for (int i = 0; i < sums.size(); i++) {
            // Named plainly: the default name of a sum of a product holds a dot.
            sums.set(i, sums.get(i).as("s" + i));
        }
        return exposed.groupBy("one_id").agg(count(lit(1)).as("exposed_days"), sums.toArray(Column[]::new));
    }

    /** The sum of {@code term} in units of 2^−32, each term rounded half to even; null on overflow. */
    private static Column unitSum(Column term) {
        return try_sum(rint(term.multiply(lit(ExactSums.ONE))).cast("bigint"));
    }

    /**
     * One fit of the normal equations: the baseline, the lifts, and the sums they came from.
     *
     * @param exposure Σx_i over the exposed person-days, per channel
     */
    record Normal(
            double baseline,
            double[] lifts,
            double unexposedDays,
            double purchases,
            double exposedPurchases,
            double[] exposure) {}

    /**
     * One person's terms in one slot's layout: unexposed days, all purchases, exposed purchases,
     * Σx (k), Σxy (k), Σxx (pairs). Throws naming the person whose sums overflowed.
     */
    private static long[] personTerms(Row r, int k, long days, int width) {
        int pairs = k * (k + 1) / 2;
        int sumsFrom = 2;
        long exposedDays = r.isNullAt(1) ? 0 : r.getLong(1);
        long[] v = new long[width];
        v[0] = ExactSums.count(days - exposedDays);
        v[1] = ExactSums.count(r.isNullAt(r.length() - 1) ? 0 : r.getLong(r.length() - 1));
        if (exposedDays == 0) {
            return v;
        }
        for (int c = sumsFrom; c < r.length() - 1; c++) {
            if (r.isNullAt(c)) {
                throw new ArithmeticException(String.format(
                        "incremental fit: person %s's exposure sums past 2^31 over the training window; no person"
                                + " is exposed that much (check journey.touchpoints for a bot)",
                        r.getString(0)));
            }
        }
        v[2] = r.getLong(sumsFrom);
        for (int i = 0; i < k; i++) {
            v[3 + i] = r.getLong(sumsFrom + 1 + i);
            v[3 + k + i] = r.getLong(sumsFrom + 1 + k + pairs + i);
        }
        for (int p = 0; p < pairs; p++) {
            v[3 + 2 * k + p] = r.getLong(sumsFrom + 1 + k + p);
        }
        return v;
    }

    /** The fit of one slot's sums, which start at {@code at}. */
    private static Normal normalAt(ExactSums sums, int at, int k) {
        double unexposedDays = sums.get(at);
        double purchases = sums.get(at + 1);
        double exposedPurchases = sums.get(at + 2);
        // The baseline is the purchase rate of the people's days with no exposure at all,
        // measured directly (those days are the control group the data holds); the lifts are
        // fitted on the exposed days against it. Left free, the intercept trades off against
        // the channels: people the pipeline sees only through one channel (a WeChat follower
        // whose purchases are tied to them only after the follow) pull it toward 0 and hand
        // the organic demand to low-lift channels.
        double baseline = unexposedDays > 0 ? (purchases - exposedPurchases) / unexposedDays : 0;
        DMatrixRMaj xx = new DMatrixRMaj(k, k);
        DMatrixRMaj xy = new DMatrixRMaj(k, 1);
        double[] exposure = new double[k];
        int p = 0;
        for (int i = 0; i < k; i++) {
            for (int j = i; j < k; j++) {
                double q = sums.get(at + 3 + 2 * k + p++);
                xx.set(i, j, q);
                xx.set(j, i, q);
            }
            exposure[i] = sums.get(at + 3 + i);
            xy.set(i, 0, sums.get(at + 3 + k + i) - baseline * exposure[i]);
        }
        return new Normal(baseline, solve(xx, xy), unexposedDays, purchases, exposedPurchases, exposure);
    }

    /**
     * The point fit and each bootstrap replicate's, from per-person sums ({@link #personSums},
     * joined to every person's purchases as {@code all_y}): each person's sums counted once for the
     * point fit and {@code w_b} times for replicate b ({@link Bootstrap}), then one estimator for
     * all — the baseline the purchase rate of the unexposed days, the lifts the least-squares
     * solution of the normal equations (Cholesky, EJML; a pseudo-inverse when they are singular).
     * The sums are {@link ExactSums}, so the fit is the same to the last bit however the persons
     * were partitioned. One pass over the persons; the driver receives (1 + replicates) × (channels²
     * / 2) sums.
     *
     * @param people key, exposed_days, the sums of {@link #personSums}, all_y
     * @return the point fit, then one per replicate
     */
    static List<Normal> normalFits(Dataset<Row> people, int k, long days, Bootstrap bootstrap) {
        int replicates = bootstrap == null ? 0 : bootstrap.replicates();
        int slots = 1 + replicates;
        int pairs = k * (k + 1) / 2;
        // Per slot: unexposed days, all purchases, exposed purchases, Σx (k), Σxy (k), Σxx (pairs).
        int width = 3 + 2 * k + pairs;
        ExactSums sums = people.javaRDD()
                .aggregate(
                        new ExactSums(slots * width),
                        (acc, r) -> {
                            int[] w = new int[slots];
                            w[0] = 1;
                            if (replicates > 0) {
                                int[] counts = new int[replicates];
                                bootstrap.weights(r.getString(0), counts);
                                System.arraycopy(counts, 0, w, 1, replicates);
                            }
                            long[] v = personTerms(r, k, days, width);
                            for (int b = 0; b < slots; b++) {
                                if (w[b] != 0) {
                                    for (int e = 0; e < width; e++) {
                                        acc.add(b * width + e, v[e], w[b]);
                                    }
                                }
                            }
                            return acc;
                        },
                        ExactSums::merge);
        List<Normal> fits = new ArrayList<>(slots);
        for (int b = 0; b < slots; b++) {
            fits.add(normalAt(sums, b * width, k));
        }
        return fits;
    }

    /** The least-squares lifts from the normal equations; zero when nothing was exposed. */
    private static double[] solve(DMatrixRMaj xx, DMatrixRMaj xy) {
        int k = xx.numRows;
        DMatrixRMaj beta = new DMatrixRMaj(k, 1);
        if (NormOps_DDRM.normF(xx) == 0) {
            return beta.getData();
        }
        LinearSolverDense<DMatrixRMaj> cholesky = LinearSolverFactory_DDRM.symmPosDef(k);
        if (cholesky.setA(xx.copy())) {
            cholesky.solve(xy, beta);
        } else {
            LinearSolverDense<DMatrixRMaj> pinv = LinearSolverFactory_DDRM.pseudoInverse(true);
            pinv.setA(xx.copy());
            pinv.solve(xy, beta);
        }
        return beta.getData();
    }
}
