package io.trueroi.attribution;

import static org.apache.spark.sql.functions.bround;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_from_unix_date;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.unix_date;

import io.trueroi.catalog.ModelName;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code attribution.credit_replicates}: every model's credits summed per conversion month,
 * channel and campaign in each replicate of a {@link Bootstrap} over persons. A converting
 * journey counts {@code w_b} times in replicate b, its person's count; the fitted models that are
 * refitted per replicate (shapley, incremental: cheap from their sufficient statistics) split it
 * by replicate b's fit, the others by their one fit. The marts take each channel's share in every
 * replicate and report the replicates' quantiles as the interval ({@code *_lo}, {@code *_hi}).
 *
 * <p>A Markov fit is not refitted: it is one fit per conversion date, and refitting each for every
 * replicate would cost replicates × the fit. Its interval, like a rule-based model's, says how
 * the shares move with the persons observed, not how its transition estimates would; the README
 * says so.
 *
 * <p>Cost: one narrow pass over the converting journeys summing into one map per partition
 * (models × months × channels × campaigns keys, 2 × replicates doubles each; a refitted model
 * splits each journey once per replicate), then one aggregation of those partial sums. Sums are
 * doubles rounded on write (conversions to 1e-6, revenue to the cent), so partition order does not
 * show.
 */
final class CreditReplicates {
    static final StructType SCHEMA = new StructType()
            .add("model", DataTypes.StringType, false)
            .add("period_day", DataTypes.IntegerType, false)
            .add("channel", DataTypes.StringType, false)
            .add("campaign_id", DataTypes.StringType, true)
            .add("replicate", DataTypes.IntegerType, false)
            .add("conversions", DataTypes.DoubleType, false)
            .add("net_revenue", DataTypes.DoubleType, false);

    private CreditReplicates() {}

    /**
     * @param refits per model, its fit on each replicate; a model without is split by itself in every
     *     replicate
     */
    static Dataset<Row> of(
            Dataset<Row> journeys,
            List<AttributionModel> models,
            Map<ModelName, List<? extends AttributionModel>> refits,
            Bootstrap bootstrap,
            Dataset<Row> personKeys) {
        return of(journeys, models, refits, Map.of(), bootstrap, personKeys);
    }

    /**
     * @param alternatives per model, the other specifications it kept as doubt ({@link
     *     IncrementalTraining.Fit#kept}), each split once over every journey: replicate −1 − s holds
     *     alternative s's totals
     */
    static Dataset<Row> of(
            Dataset<Row> journeys,
            List<AttributionModel> models,
            Map<ModelName, List<? extends AttributionModel>> refits,
            Map<ModelName, List<? extends AttributionModel>> alternatives,
            Bootstrap bootstrap,
            Dataset<Row> personKeys) {
        String segmentColumn = models.stream()
                .map(AttributionModel::segmentColumn)
                .filter(s -> !s.isEmpty())
                .findFirst()
                .orElse("");
        List<List<AttributionModel>> perReplicate = new ArrayList<>();
        List<List<AttributionModel>> perAlternative = new ArrayList<>();
        for (AttributionModel m : models) {
            List<? extends AttributionModel> r = refits.getOrDefault(m.name(), List.of());
            if (!r.isEmpty() && r.size() != bootstrap.replicates()) {
                throw new IllegalArgumentException(m.name().id() + ": one refit per replicate, cannot be: " + r.size()
                        + " for " + bootstrap.replicates());
            }
            perReplicate.add(List.copyOf(r));
            perAlternative.add(List.copyOf(alternatives.getOrDefault(m.name(), List.of())));
        }
        Dataset<Row> converting = Bootstrap.keyed(journeys.filter(col("converted")), personKeys);
        Dataset<Row> sums = converting
                .select(
                        col(Bootstrap.PERSON_KEY),
                        col("touches.channel").as("channels"),
                        col("touches.touch_time").as("times"),
                        col("touches.campaign_id").as("campaigns"),
                        segmentColumn.isEmpty()
                                ? org.apache
                                        .spark
                                        .sql
                                        .functions
                                        .lit(null)
                                        .cast("string")
                                        .as("segment")
                                : col(segmentColumn).cast("string").as("segment"),
                        col("net_revenue"),
                        unix_date(col("conversion_date")).as("day"),
                        unix_date(trunc(col("conversion_date"), "month")).as("period_day"))
                .mapPartitions(new Sums(models, perReplicate, perAlternative, bootstrap), Encoders.row(SCHEMA));
        return totals(sums);
    }

    /** The table with no replicates (intervals turned off). */
    static Dataset<Row> none(SparkSession spark) {
        return totals(spark.createDataFrame(List.of(), SCHEMA));
    }

    private static Dataset<Row> totals(Dataset<Row> sums) {
        return sums.groupBy("model", "period_day", "channel", "campaign_id", "replicate")
                .agg(sum("conversions").as("conversions"), sum("net_revenue").as("net_revenue"))
                .select(
                        col("model"),
                        date_from_unix_date(col("period_day")).as("period_start"),
                        col("channel"),
                        col("campaign_id"),
                        col("replicate"),
                        bround(col("conversions"), 6).cast("decimal(24,6)").as("conversions"),
                        bround(col("net_revenue"), 2).cast(Credits.MONEY).as("net_revenue"));
    }

    /** The per-partition sums: one map from (model, month, channel, campaign) to its replicate totals. */
    static final class Sums implements MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final List<AttributionModel> models;
        private final List<List<AttributionModel>> refits;
        private final List<List<AttributionModel>> alternatives;
        private final Bootstrap bootstrap;
        /** Totals per key: the replicates', then the alternatives' (as many as any model has). */
        private final int slots;

        Sums(
                List<AttributionModel> models,
                List<List<AttributionModel>> refits,
                List<List<AttributionModel>> alternatives,
                Bootstrap bootstrap) {
            this.models = List.copyOf(models);
            this.refits = refits;
            this.alternatives = alternatives;
            this.bootstrap = bootstrap;
            this.slots = bootstrap.replicates()
                    + alternatives.stream().mapToInt(List::size).max().orElse(0);
        }

        private record Key(int model, int period, String channel, String campaign) {}

        // Scratch for one journey's split, grown to the longest journey; per task (each task
        // deserializes its own copy of this function).
        private transient double[] weights;
        private transient double[] shares;
        private transient double[] revenueShares;

        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            int replicates = bootstrap.replicates();
            Map<Key, double[]> totals = new HashMap<>();
            int[] w = new int[replicates];
            Touches view = new Touches();
            weights = new double[16];
            shares = new double[16];
            revenueShares = new double[16];
            while (rows.hasNext()) {
                Row r = rows.next();
                bootstrap.weights(r.getString(0), w);
                List<String> channels = r.isNullAt(1) ? List.of() : r.getList(1);
                List<Object> times = r.isNullAt(2) ? List.of() : r.getList(2);
                List<String> campaigns = r.isNullAt(3) ? List.of() : r.getList(3);
                double revenue = r.isNullAt(5) ? 0 : ((BigDecimal) r.get(5)).doubleValue();
                int period = r.getInt(7);
                int n = channels.size();
                if (n == 0) {
                    for (int m = 0; m < models.size(); m++) {
                        double[] t = totals.computeIfAbsent(
                                new Key(m, period, Credits.NO_TOUCH, null), k -> new double[2 * slots]);
                        for (int b = 0; b < slots; b++) {
                            int count = b < replicates ? w[b] : 1;
                            t[b] += count;
                            t[slots + b] += count * revenue;
                        }
                    }
                    continue;
                }
                if (weights.length < n + 1) {
                    weights = new double[2 * (n + 1)];
                    shares = new double[weights.length];
                    revenueShares = new double[weights.length];
                }
                view.reset(n, r.getString(4));
                view.day(r.isNullAt(6) ? Integer.MIN_VALUE : r.getInt(6));
                for (int i = 0; i < n; i++) {
                    view.set(i, channels.get(i), Credits.Split.micros(times.get(i)));
                }
                for (int m = 0; m < models.size(); m++) {
                    add(m, period, channels, campaigns, view, w, revenue, totals);
                }
            }
            return rows(totals, replicates).iterator();
        }

        /** Adds model {@code m}'s weighted credits of one journey, per replicate, to its parts' totals. */
        private void add(
                int m,
                int period,
                List<String> channels,
                List<String> campaigns,
                Touches view,
                int[] w,
                double revenue,
                Map<Key, double[]> totals) {
            int replicates = w.length;
            int n = channels.size();
            AttributionModel model = models.get(m);
            int count = Credits.Split.parts(model, n);
            double[][] parts = new double[count][];
            for (int i = 0; i < count; i++) {
                Key key = i < n
                        ? new Key(m, period, channels.get(i), campaigns.isEmpty() ? null : campaigns.get(i))
                        : new Key(m, period, Credits.BASELINE, null);
                parts[i] = totals.computeIfAbsent(key, k -> new double[2 * slots]);
            }
            List<AttributionModel> refitted = refits.get(m);
            for (int b = 0; b < replicates; b++) {
                if (w[b] == 0) {
                    continue;
                }
                // A model with no refits splits the same for every replicate: split once.
                if (!refitted.isEmpty() || b == firstCounted(w)) {
                    split(refitted.isEmpty() ? model : refitted.get(b), view, count, weights, shares, revenueShares);
                }
                for (int i = 0; i < count; i++) {
                    parts[i][b] += w[b] * shares[i];
                    parts[i][slots + b] += w[b] * revenueShares[i] * revenue;
                }
            }
            List<AttributionModel> others = alternatives.get(m);
            for (int s = 0; s < others.size(); s++) {
                split(others.get(s), view, count, weights, shares, revenueShares);
                for (int i = 0; i < count; i++) {
                    parts[i][replicates + s] += shares[i];
                    parts[i][slots + replicates + s] += revenueShares[i] * revenue;
                }
            }
        }

        /** The first replicate that counts the journey at all. */
        private static int firstCounted(int[] w) {
            for (int b = 0; b < w.length; b++) {
                if (w[b] != 0) {
                    return b;
                }
            }
            return -1;
        }

        /** One row per total and replicate. */
        private List<Row> rows(Map<Key, double[]> totals, int replicates) {
            List<Row> out = new ArrayList<>(totals.size() * replicates);
            totals.forEach((k, t) -> {
                int own = replicates + alternatives.get(k.model()).size();
                for (int b = 0; b < own; b++) {
                    out.add(RowFactory.create(
                            models.get(k.model()).name().id(),
                            k.period(),
                            k.channel(),
                            k.campaign(),
                            b < replicates ? b : replicates - 1 - b,
                            t[b],
                            t[slots + b]));
                }
            });
            return out;
        }

        /** The conversion and revenue shares of the journey's parts, as {@link Credits} splits them. */
        private static void split(
                AttributionModel model,
                Touches view,
                int parts,
                double[] weights,
                double[] shares,
                double[] revenueShares) {
            Credits.Split.weights(model, view, false, weights);
            Credits.Split.shares(weights, parts, shares);
            Credits.Split.weights(model, view, true, weights);
            Credits.Split.shares(weights, parts, revenueShares);
        }
    }
}
