package io.trueroi.synthetic;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trueroi.catalog.Table;
import io.trueroi.spark.Warehouse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Each attribution model's channel shares against the planted truth of a generated world.
 *
 * <p>True share of channel c = conversions (net revenue) lost without c / the sum over channels.
 * A model's share = its credited conversions (revenue) of c in {@code mart.model_comparison} / its
 * total over the same channels: {@code (none)} (conversions nothing touched) is left out of both,
 * since the truth only speaks of what channels caused. Per model: mean absolute error of the
 * shares over channels, and the largest error with its channel; and the coverage of its
 * bootstrap intervals: the share of channels whose true share lies in the interval of the model's
 * share, the share taken over the truth's channels in each replicate
 * ({@code attribution.credit_replicates}) as above. Reads only the small model_comparison mart,
 * the replicates summed per model, channel and replicate, and the truth file.
 */
public final class Evaluation {
    /** One model's errors. */
    public record Result(
            String model,
            double conversionMae,
            double conversionMaxError,
            String conversionWorst,
            double revenueMae,
            double revenueMaxError,
            String revenueWorst,
            double coverage,
            double medianHalfWidth) {}

    /**
     * One channel's absolute incremental conversions: the truth's (all lost conversions, and those
     * of them the pipeline tied to a journey with a touch: NaN without {@code truth_conversions.csv}),
     * the incremental model's, and its error against the tied truth.
     */
    public record Absolute(String channel, double truth, double linkedTruth, double model, double lo, double hi) {
        /** Whether the tied truth lies in the model's interval; null without one. */
        public Boolean covered() {
            return Double.isNaN(lo) || Double.isNaN(linkedTruth) ? null : lo <= linkedTruth && linkedTruth <= hi;
        }

        /** (model − linked truth) / linked truth; NaN when that is 0 or unknown. */
        public double relativeError() {
            return linkedTruth == 0 || Double.isNaN(linkedTruth) ? Double.NaN : (model - linkedTruth) / linkedTruth;
        }
    }

    private Evaluation() {}

    private static JsonNode truth(Warehouse warehouse, String truthFile) {
        try (InputStream in = new Path(truthFile)
                .getFileSystem(warehouse.spark().sparkContext().hadoopConfiguration())
                .open(new Path(truthFile))) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("evaluate: cannot read " + truthFile, e);
        }
    }

    /**
     * Per channel of the truth: the conversions lost without it against the incremental model's
     * conversion credits to it ({@code mart.model_comparison}); empty without that model's rows.
     */
    public static List<Absolute> incremental(Warehouse warehouse, String truthFile, double level) {
        JsonNode truth = truth(warehouse, truthFile);
        Map<String, Double> credited = new TreeMap<>();
        for (Row r : warehouse
                .read(Table.MODEL_COMPARISON)
                .filter(col("model").equalTo(io.trueroi.catalog.ModelName.INCREMENTAL.id()))
                .select("channel", "conversions")
                .collectAsList()) {
            credited.put(r.getString(0), r.getDecimal(1).doubleValue());
        }
        List<Absolute> out = new ArrayList<>();
        if (credited.isEmpty()) {
            return out;
        }
        Map<String, Double> linked = linkedTruth(warehouse, truthFile);
        Map<String, Totals> replicates =
                replicateTotals(warehouse).getOrDefault(io.trueroi.catalog.ModelName.INCREMENTAL.id(), Map.of());
        truth.get("channels").fields().forEachRemaining(e -> {
            Totals r = replicates.get(e.getKey());
            double point = credited.getOrDefault(e.getKey(), 0.0);
            double[] bounds = r == null
                    ? new double[] {Double.NaN, Double.NaN}
                    : combined(point, bounds(r.replicates()[0], level), range(r.alternatives()[0]));
            out.add(new Absolute(
                    e.getKey(),
                    e.getValue().get("conversions_lost").asDouble(),
                    linked == null ? Double.NaN : linked.getOrDefault(e.getKey(), 0.0),
                    credited.getOrDefault(e.getKey(), 0.0),
                    bounds[0],
                    bounds[1]));
        });
        return out;
    }

    /**
     * One channel's credited conversions and net revenue in each replicate ({@code replicates[0][b]},
     * {@code [1][b]}) and in each other specification the model kept ({@code alternatives}, replicate
     * −1 − s).
     */
    record Totals(double[][] replicates, double[][] alternatives) {}

    /** Per model and channel, its {@link Totals}; empty when the run wrote none. */
    static Map<String, Map<String, Totals>> replicateTotals(Warehouse warehouse) {
        Map<String, Map<String, Totals>> out = new TreeMap<>();
        if (!warehouse.exists(Table.CREDIT_REPLICATES)) {
            return out;
        }
        Dataset<Row> replicates = warehouse.read(Table.CREDIT_REPLICATES);
        Row size =
                replicates.agg(org.apache.spark.sql.functions.max("replicate")).first();
        if (size.isNullAt(0)) {
            return out;
        }
        int n = size.getInt(0) + 1;
        // Only a model that kept other specifications has negative replicates, and as many as it kept.
        Map<String, Integer> kept = new TreeMap<>();
        for (Row r : replicates
                .filter(col("replicate").lt(0))
                .groupBy("model")
                .agg(org.apache.spark.sql.functions.min("replicate"))
                .collectAsList()) {
            kept.put(r.getString(0), -r.getInt(1));
        }
        for (Row r : replicates
                .groupBy("model", "channel", "replicate")
                .agg(
                        org.apache.spark.sql.functions.sum("conversions"),
                        org.apache.spark.sql.functions.sum("net_revenue"))
                .collectAsList()) {
            int m = kept.getOrDefault(r.getString(0), 0);
            Totals t = out.computeIfAbsent(r.getString(0), k -> new TreeMap<>())
                    .computeIfAbsent(r.getString(1), k -> new Totals(new double[2][n], new double[2][m]));
            int b = r.getInt(2);
            double[][] into = b >= 0 ? t.replicates() : t.alternatives();
            int at = b >= 0 ? b : -1 - b;
            into[0][at] = r.getDecimal(3).doubleValue();
            into[1][at] = r.getDecimal(4).doubleValue();
        }
        return out;
    }

    /** [min, max] of {@code values}; null when there are none. */
    static double[] range(double[] values) {
        if (values.length == 0) {
            return null;
        }
        double[] r = {values[0], values[0]};
        for (double v : values) {
            r[0] = Math.min(r[0], v);
            r[1] = Math.max(r[1], v);
        }
        return r;
    }

    /**
     * The sampling interval widened by the specifications' range in quadrature on each side, as
     * the marts do ({@code marts.Intervals#combined}).
     */
    static double[] combined(double point, double[] sampling, double[] specs) {
        double below = Math.max(0, point - sampling[0]);
        double above = Math.max(0, sampling[1] - point);
        double specBelow = specs == null ? 0 : Math.max(0, point - specs[0]);
        double specAbove = specs == null ? 0 : Math.max(0, specs[1] - point);
        return new double[] {point - Math.hypot(below, specBelow), point + Math.hypot(above, specAbove)};
    }

    /**
     * The percentile interval of {@code values} at {@code level}: the quantiles at (1 − level)/2
     * and (1 + level)/2, linear between order statistics (as Spark's {@code percentile}, which the
     * marts use).
     */
    static double[] bounds(double[] values, double level) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return new double[] {quantile(sorted, (1 - level) / 2), quantile(sorted, (1 + level) / 2)};
    }

    private static double quantile(double[] sorted, double p) {
        double at = p * (sorted.length - 1);
        int below = (int) Math.floor(at);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (at - below) * (sorted[above] - sorted[below]);
    }

    /**
     * Per channel, the lost conversions ({@code truth_conversions.csv} beside the truth file) that
     * the pipeline tied to a converting journey with at least one touch: what any model of the
     * identified buyers could see. Null without the file (a world generated before it existed).
     */
    static Map<String, Double> linkedTruth(Warehouse warehouse, String truthFile) {
        Path csv = new Path(new Path(truthFile).getParent(), "truth_conversions.csv");
        try {
            if (!csv.getFileSystem(warehouse.spark().sparkContext().hadoopConfiguration())
                    .exists(csv)) {
                return null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("evaluate: cannot look for " + csv, e);
        }
        Dataset<Row> lost = warehouse.spark().read().option("header", "true").csv(csv.toString());
        Dataset<Row> touched = warehouse
                .read(Table.JOURNEYS)
                .filter(col("converted").and(col("path_length").gt(0)))
                .select("conversion_id");
        Map<String, Double> out = new TreeMap<>();
        for (Row r : lost.join(touched, "conversion_id")
                .groupBy("channel_lost")
                .count()
                .collectAsList()) {
            out.put(r.getString(0), (double) r.getLong(1));
        }
        return out;
    }

    /** The incremental model's absolute conversions per channel as a printed table. */
    public static String incrementalTable(List<Absolute> rows) {
        StringBuilder b = new StringBuilder(String.format(
                "%-30s %11s %15s %11s %9s %23s%n",
                "incremental: channel",
                "truth conv",
                "tied to a touch",
                "model conv",
                "rel err",
                "interval (tied in?)"));
        for (Absolute a : rows) {
            b.append(String.format(
                    "%-30s %11.0f %15.0f %11.1f %+9.3f %10.1f..%-7.1f %-3s%n",
                    a.channel(),
                    a.truth(),
                    a.linkedTruth(),
                    a.model(),
                    a.relativeError(),
                    a.lo(),
                    a.hi(),
                    a.covered() == null ? "" : a.covered() ? "yes" : "no"));
        }
        return b.toString();
    }

    public static List<Result> evaluate(Warehouse warehouse, String truthFile, double level) {
        JsonNode truth = truth(warehouse, truthFile);
        Map<String, double[]> lost = new TreeMap<>();
        truth.get("channels")
                .fields()
                .forEachRemaining(e -> lost.put(e.getKey(), new double[] {
                    e.getValue().get("conversions_lost").asDouble(),
                    e.getValue().get("net_revenue_lost").asDouble()
                }));
        Map<String, double[]> trueShares = shares(lost);
        Map<String, Map<String, double[]>> byModel = new TreeMap<>();
        for (Row r : warehouse
                .read(Table.MODEL_COMPARISON)
                .filter(col("channel").isin(lost.keySet().toArray()))
                .select("model", "channel", "conversions", "net_revenue")
                .collectAsList()) {
            byModel.computeIfAbsent(r.getString(0), k -> new TreeMap<>()).put(r.getString(1), new double[] {
                r.getDecimal(2).doubleValue(), r.getDecimal(3).doubleValue()
            });
        }
        List<Result> out = new ArrayList<>();
        Map<String, Map<String, Totals>> replicates = replicateTotals(warehouse);
        byModel.forEach((model, credited) -> {
            Map<String, double[]> modelShares = shares(credited);
            double[] mae = new double[2];
            double[] max = new double[2];
            String[] worst = new String[2];
            for (String channel : lost.keySet()) {
                double[] t = trueShares.get(channel);
                double[] m = modelShares.getOrDefault(channel, new double[2]);
                for (int k = 0; k < 2; k++) {
                    double err = Math.abs(m[k] - t[k]);
                    mae[k] += err / lost.size();
                    if (worst[k] == null || err > max[k]) {
                        max[k] = err;
                        worst[k] = channel;
                    }
                }
            }
            double[] coverage = coverage(replicates.get(model), modelShares, lost.keySet(), trueShares, level);
            out.add(new Result(model, mae[0], max[0], worst[0], mae[1], max[1], worst[1], coverage[0], coverage[1]));
        });
        return out;
    }

    /**
     * The share of the truth's channels whose true conversion share lies in the model's interval,
     * and the median over them of the interval's half-width relative to the model's share: in
     * each replicate (and each other specification kept) the model's share of a channel over the
     * truth's channels; per channel the replicates' percentile interval, widened by the
     * specifications' range ({@link #combined}). NaN without replicates.
     */
    static double[] coverage(
            Map<String, Totals> replicates,
            Map<String, double[]> modelShares,
            java.util.Set<String> channels,
            Map<String, double[]> trueShares,
            double level) {
        if (replicates == null || replicates.isEmpty()) {
            return new double[] {Double.NaN, Double.NaN};
        }
        Totals any = replicates.values().iterator().next();
        double[][] shares = shares(replicates, channels, any.replicates()[0].length, Totals::replicates);
        double[][] specs = shares(replicates, channels, any.alternatives()[0].length, Totals::alternatives);
        int covered = 0;
        double[] halfWidths = new double[channels.size()];
        int c = 0;
        for (String channel : channels) {
            double point = modelShares.getOrDefault(channel, new double[2])[0];
            double[] bounds = combined(point, bounds(shares[c], level), range(specs[c]));
            double t = trueShares.get(channel)[0];
            covered += bounds[0] <= t && t <= bounds[1] ? 1 : 0;
            halfWidths[c++] = point == 0 ? Double.POSITIVE_INFINITY : (bounds[1] - bounds[0]) / 2 / point;
        }
        java.util.Arrays.sort(halfWidths);
        return new double[] {(double) covered / channels.size(), quantile(halfWidths, 0.5)};
    }

    /** Per channel (in {@code channels}' order) and slot, its conversions' share over the channels. */
    private static double[][] shares(
            Map<String, Totals> totals,
            java.util.Set<String> channels,
            int n,
            java.util.function.Function<Totals, double[][]> slots) {
        double[] sum = new double[n];
        for (String c : channels) {
            Totals t = totals.get(c);
            for (int b = 0; t != null && b < n; b++) {
                sum[b] += slots.apply(t)[0][b];
            }
        }
        double[][] out = new double[channels.size()][n];
        int i = 0;
        for (String c : channels) {
            Totals t = totals.get(c);
            for (int b = 0; b < n; b++) {
                out[i][b] = t == null || sum[b] == 0 ? 0 : slots.apply(t)[0][b] / sum[b];
            }
            i++;
        }
        return out;
    }

    private static Map<String, double[]> shares(Map<String, double[]> values) {
        double[] total = new double[2];
        values.values().forEach(v -> {
            total[0] += v[0];
            total[1] += v[1];
        });
        Map<String, double[]> out = new LinkedHashMap<>();
        values.forEach((k, v) ->
                out.put(k, new double[] {total[0] == 0 ? 0 : v[0] / total[0], total[1] == 0 ? 0 : v[1] / total[1]}));
        return out;
    }

    /** The results as a printed table, best conversion MAE first. */
    public static String table(List<Result> results) {
        StringBuilder b = new StringBuilder(String.format(
                "%-16s %9s %9s  %-30s %9s %9s  %-30s %8s %9s%n",
                "model",
                "conv MAE",
                "conv max",
                "(channel)",
                "rev MAE",
                "rev max",
                "(channel)",
                "coverage",
                "median ½w"));
        results.stream()
                .sorted((x, y) -> Double.compare(x.conversionMae(), y.conversionMae()))
                .forEach(r -> b.append(String.format(
                        "%-16s %9.4f %9.4f  %-30s %9.4f %9.4f  %-30s %8.2f %9.3f%n",
                        r.model(),
                        r.conversionMae(),
                        r.conversionMaxError(),
                        r.conversionWorst(),
                        r.revenueMae(),
                        r.revenueMaxError(),
                        r.revenueWorst(),
                        r.coverage(),
                        r.medianHalfWidth())));
        return b.toString();
    }
}
