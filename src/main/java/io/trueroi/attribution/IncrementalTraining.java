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
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.sum;

import io.trueroi.spark.Persisted;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.NormOps_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * Fits {@link IncrementalModel}: each person-day's purchases against the person's decayed exposure
 * to each channel that day. The organic baseline is the purchase rate of the people's days with no
 * exposure at all; the channels' lifts are fitted on the exposed days against it, by least squares
 * without intercept (Spark MLlib's {@link LinearRegression}, normal-equation solver).
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
 * bounded by the window); a join with the conversions per (person, date); one pass for the totals;
 * the exposed person-days gathered into one sorted partition (a shuffle and a sort) for the normal
 * equations, summed by one task (channels² per row) so that they are the same every run; the
 * driver receives the channel list, the totals and the coefficients.
 */
public final class IncrementalTraining {
    /** A touch's exposure on one day, exact to 1e-15 and summed exactly. */
    static final String EXPOSURE = "decimal(25,15)";

    /**
     * Partitions of the rows the least squares reads. MLlib adds the partitions' sums in the order
     * their tasks finish, so only one partition adds them in one order every time.
     */
    static final int FIT_PARTITIONS = 1;

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

    /** The lifts: least squares without intercept, MLlib's normal-equation solver. */
    private static double[] fitLifts(Dataset<Row> train) {
        LinearRegressionModel lr = new LinearRegression()
                .setSolver("normal")
                .setRegParam(0)
                .setElasticNetParam(0)
                .setFitIntercept(false)
                .setStandardization(false)
                .setFeaturesCol("features")
                .setLabelCol("y")
                .fit(train);
        return lr.coefficients().toArray();
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
        // Days before the first data are no days of the people's lives the fit can see: a window
        // reaching back before them would count them as days without purchases.
        LocalDate from = to.minusDays(settings.trainingWindowDays() - 1L);
        LocalDate dataFrom = firstDay(touchpoints, "touch_date", firstDay(conversions, "conversion_date", null));
        if (dataFrom != null && dataFrom.isAfter(from)) {
            from = dataFrom;
        }
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
        SparkSession spark = touchpoints.sparkSession();
        long people = seen.getLong(1);
        long days = to.toEpochDay() - from.toEpochDay() + 1;
        if (channels.isEmpty() || people == 0 || days < 1) {
            // Nobody was touched: every conversion has an empty journey, credited to (none) by any
            // model. The empty model says so rather than failing the night.
            IncrementalModel none = new IncrementalModel(
                    List.of(), new double[0], 0, settings.exposureWindowDays(), settings.halfLifeDays(), zone);
            return new Fit(none, 0, 0, 0, 0, 0, Map.of(), List.of());
        }
        List<Object> indexes = new ArrayList<>();
        String[] features = new String[channels.size()];
        for (int i = 0; i < channels.size(); i++) {
            indexes.add(i);
            features[i] = "x" + i;
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
        pivoted = pivoted.na().fill(0.0, features);
        Dataset<Row> purchases = conversions
                .filter(col("one_id").isNotNull())
                .filter(col("conversion_date")
                        .between(
                                lit(from.toString()).cast("date"),
                                lit(to.toString()).cast("date")))
                .groupBy(col("one_id"), col("conversion_date").as("day"))
                .agg(count(lit(1)).cast("double").as("y"));
        // Read twice: joined to the exposed days, and summed over the people.
        purchases = cached.keep(purchases);
        Dataset<Row> exposed = cached.keep(pivoted.join(purchases, new String[] {"one_id", "day"}, "left")
                .withColumn("y", coalesce(col("y"), lit(0.0))));
        List<Column> totals = new ArrayList<>(List.of(count(lit(1)), sum("y")));
        for (String f : features) {
            totals.add(sum(col(f)));
        }
        Row sums = exposed.agg(totals.get(0), totals.subList(1, totals.size()).toArray(Column[]::new))
                .first();
        long exposedDays = sums.getLong(0);
        double exposedPurchases = sums.isNullAt(1) ? 0 : sums.getDouble(1);
        Row all = purchases
                .join(touches.select("one_id").distinct(), "one_id")
                .agg(sum("y"))
                .first();
        double allPurchases = all.isNullAt(0) ? 0 : all.getDouble(0);
        long personDays = people * days;
        long unexposedDays = personDays - exposedDays;

        // The baseline is the purchase rate of the people's days with no exposure at all, measured
        // directly (those days are the control group the data holds); the lifts are fitted on the
        // exposed days against it. Left free, the intercept trades off against the channels:
        // people the pipeline sees only through one channel (a WeChat follower whose purchases are
        // tied to them only after the follow) pull it toward 0 and hand the organic demand to
        // low-lift channels.
        double baseline = unexposedDays > 0 ? (allPurchases - exposedPurchases) / unexposedDays : 0;
        // Rows in one partition, sorted, make MLlib's sums for the normal equations in the same
        // order however the exposures were computed, so a backfill and a run of nights fit the
        // same lifts to the last bit and credit the same.
        Dataset<Row> train = new VectorAssembler()
                .setInputCols(features)
                .setOutputCol("features")
                .transform(exposed.repartition(FIT_PARTITIONS, col("one_id")).sortWithinPartitions("one_id", "day"))
                .select(col("features"), col("y").minus(baseline).as("y"));
        // Least squares needs a row: with none exposed, no channel has shown a lift.
        double[] beta = exposedDays == 0 ? new double[channels.size()] : fitLifts(train);
        Map<String, Double> incremental = new LinkedHashMap<>();
        for (int i = 0; i < channels.size(); i++) {
            incremental.put(channels.get(i), Math.max(0, beta[i]) * sums.getDouble(2 + i));
        }
        IncrementalModel model = new IncrementalModel(
                channels, beta, baseline, settings.exposureWindowDays(), settings.halfLifeDays(), zone);
        List<IncrementalModel> replicates = new ArrayList<>();
        if (bootstrap != null) {
            Dataset<Row> perPerson = touches.select("one_id")
                    .distinct()
                    .join(personSums(exposed, features), new String[] {"one_id"}, "left")
                    .join(purchases.groupBy("one_id").agg(sum("y").as("all_y")), new String[] {"one_id"}, "left");
            // The same columns with the person's key for the OneID, first.
            List<Column> columns = new ArrayList<>(List.of(col(Bootstrap.PERSON_KEY)));
            for (String c : perPerson.columns()) {
                if (!c.equals("one_id")) {
                    columns.add(col(c));
                }
            }
            Dataset<Row> persons = Bootstrap.keyed(perPerson, personKeys).select(columns.toArray(Column[]::new));
            for (double[][] fit : replicateFits(persons, channels.size(), days, bootstrap)) {
                replicates.add(new IncrementalModel(
                        channels, fit[0], fit[1][0], settings.exposureWindowDays(), settings.halfLifeDays(), zone));
            }
        }
        return new Fit(
                model,
                people,
                personDays,
                exposedDays,
                Math.round(allPurchases),
                Math.round(allPurchases - exposedPurchases),
                incremental,
                List.copyOf(replicates));
    }

    /**
     * Per person, the sums the normal equations need over their exposed days: days, purchases,
     * Σx_i, Σx_i·x_j (i ≤ j) and Σx_i·y.
     */
    private static Dataset<Row> personSums(Dataset<Row> exposed, String[] features) {
        int k = features.length;
        List<Column> sums = new ArrayList<>();
        sums.add(sum("y").as("exposed_y"));
        for (String f : features) {
            sums.add(sum(col(f)));
        }
        for (int i = 0; i < k; i++) {
            for (int j = i; j < k; j++) {
                sums.add(sum(col(features[i]).multiply(col(features[j]))));
            }
        }
        for (String f : features) {
            sums.add(sum(col(f).multiply(col("y"))));
        }
        return exposed.groupBy("one_id").agg(count(lit(1)).as("exposed_days"), sums.toArray(Column[]::new));
    }

    /**
     * The baseline and lifts of each bootstrap replicate, from per-person sums ({@link
     * #personSums}, joined to every person's purchases as {@code all_y}): each person's sums
     * counted {@code w_b} times ({@link Bootstrap}), then the same estimator as the point fit — the
     * baseline the purchase rate of the unexposed days, the lifts the least-squares solution of the
     * normal equations (Cholesky, EJML; a pseudo-inverse when a replicate's are singular). The
     * driver receives replicates × (channels² / 2) sums.
     *
     * @return per replicate {lifts, {baseline}}
     */
    static List<double[][]> replicateFits(Dataset<Row> people, int k, long days, Bootstrap bootstrap) {
        int replicates = bootstrap.replicates();
        int pairs = k * (k + 1) / 2;
        // Per replicate: unexposed days, all purchases, exposed purchases, Σx (k), Σxy (k), Σxx (pairs).
        int width = 3 + 2 * k + pairs;
        // A sum of vectors has no built-in aggregate; the result is bounded by replicates × width.
        double[] sums = people.javaRDD()
                .aggregate(
                        new double[replicates * width],
                        (acc, r) -> {
                            int[] w = new int[replicates];
                            bootstrap.weights(r.getString(0), w);
                            long exposedDays = r.isNullAt(1) ? 0 : r.getLong(1);
                            double[] v = new double[width];
                            v[0] = days - exposedDays;
                            v[1] = r.isNullAt(r.length() - 1) ? 0 : r.getDouble(r.length() - 1);
                            if (exposedDays > 0) {
                                v[2] = r.getDouble(2);
                                for (int i = 0; i < k; i++) {
                                    v[3 + i] = r.getDouble(3 + i);
                                    v[3 + k + i] = r.getDouble(3 + k + pairs + i);
                                }
                                for (int p = 0; p < pairs; p++) {
                                    v[3 + 2 * k + p] = r.getDouble(3 + k + p);
                                }
                            }
                            for (int b = 0; b < replicates; b++) {
                                if (w[b] != 0) {
                                    for (int e = 0; e < width; e++) {
                                        acc[b * width + e] += w[b] * v[e];
                                    }
                                }
                            }
                            return acc;
                        },
                        (a, b) -> {
                            for (int i = 0; i < a.length; i++) {
                                a[i] += b[i];
                            }
                            return a;
                        });
        List<double[][]> fits = new ArrayList<>(replicates);
        for (int b = 0; b < replicates; b++) {
            int at = b * width;
            double unexposedDays = sums[at];
            double baseline = unexposedDays > 0 ? (sums[at + 1] - sums[at + 2]) / unexposedDays : 0;
            DMatrixRMaj xx = new DMatrixRMaj(k, k);
            DMatrixRMaj xy = new DMatrixRMaj(k, 1);
            int p = 0;
            for (int i = 0; i < k; i++) {
                for (int j = i; j < k; j++) {
                    double q = sums[at + 3 + 2 * k + p++];
                    xx.set(i, j, q);
                    xx.set(j, i, q);
                }
                xy.set(i, 0, sums[at + 3 + k + i] - baseline * sums[at + 3 + i]);
            }
            fits.add(new double[][] {solve(xx, xy), {baseline}});
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
