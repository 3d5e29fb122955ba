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
 * shares over channels, and the largest error with its channel. Reads only the small
 * model_comparison mart and the truth file.
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
            String revenueWorst) {}

    /**
     * One channel's absolute incremental conversions: the truth's (all lost conversions, and those
     * of them the pipeline tied to a journey with a touch: NaN without {@code truth_conversions.csv}),
     * the incremental model's, and its error against the tied truth.
     */
    public record Absolute(String channel, double truth, double linkedTruth, double model) {
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
    public static List<Absolute> incremental(Warehouse warehouse, String truthFile) {
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
        truth.get("channels")
                .fields()
                .forEachRemaining(e -> out.add(new Absolute(
                        e.getKey(),
                        e.getValue().get("conversions_lost").asDouble(),
                        linked == null ? Double.NaN : linked.getOrDefault(e.getKey(), 0.0),
                        credited.getOrDefault(e.getKey(), 0.0))));
        return out;
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
                "%-30s %11s %15s %11s %9s%n",
                "incremental: channel", "truth conv", "tied to a touch", "model conv", "rel err"));
        for (Absolute a : rows) {
            b.append(String.format(
                    "%-30s %11.0f %15.0f %11.1f %+9.3f%n",
                    a.channel(), a.truth(), a.linkedTruth(), a.model(), a.relativeError()));
        }
        return b.toString();
    }

    public static List<Result> evaluate(Warehouse warehouse, String truthFile) {
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
            out.add(new Result(model, mae[0], max[0], worst[0], mae[1], max[1], worst[1]));
        });
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
                "%-16s %9s %9s  %-30s %9s %9s  %s%n",
                "model", "conv MAE", "conv max", "(channel)", "rev MAE", "rev max", "(channel)"));
        results.stream()
                .sorted((x, y) -> Double.compare(x.conversionMae(), y.conversionMae()))
                .forEach(r -> b.append(String.format(
                        "%-16s %9.4f %9.4f  %-30s %9.4f %9.4f  %s%n",
                        r.model(),
                        r.conversionMae(),
                        r.conversionMaxError(),
                        r.conversionWorst(),
                        r.revenueMae(),
                        r.revenueMaxError(),
                        r.revenueWorst())));
        return b.toString();
    }
}
