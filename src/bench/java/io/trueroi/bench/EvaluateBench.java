package io.trueroi.bench;

import io.trueroi.jobs.TrueRoi;
import io.trueroi.spark.SparkSessions;
import io.trueroi.spark.Warehouse;
import io.trueroi.synthetic.Evaluation;
import io.trueroi.synthetic.WorldSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every model against the planted truth on several worlds (not a test): for each world spec
 * (default: every shipped one), {@code generate} it with as many people as give about
 * {@code --events} ad clicks (default 2M), run {@code nightly} over its days with the channel
 * rules written beside it, and score every model ({@link Evaluation}); then print one table of
 * conversion-share MAE per model and world, the incremental model's worst relative error of
 * absolute conversions per world, each model's interval coverage and median relative half-width,
 * and each world's detail. Writes target/bench-evaluate.csv.
 *
 * <pre>jobs/bench --evaluate [--events N] [SPEC ...]</pre>
 */
public final class EvaluateBench {
    private EvaluateBench() {}

    public static void main(String[] args) throws Exception {
        long events = 2_000_000;
        List<String> specs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--events")) {
                events = BenchSizes.parse(args[++i]);
            } else {
                specs.add(args[i]);
            }
        }
        if (specs.isEmpty()) {
            specs.addAll(WorldSpec.SHIPPED);
        }
        Path root = Path.of("target", "bench-evaluate");
        Map<String, Map<String, Evaluation.Result>> byWorld = new java.util.LinkedHashMap<>();
        Map<String, List<Evaluation.Absolute>> absolute = new java.util.LinkedHashMap<>();
        StringBuilder detail = new StringBuilder();
        for (String name : specs) {
            WorldSpec spec = WorldSpec.load(name);
            long people = Math.max(1, Math.round(events / spec.meanTouches()));
            Path dir = root.resolve(spec.name());
            deleteTree(dir);
            Files.createDirectories(dir);
            Path conf = dir.resolve("bench.conf");
            Files.writeString(
                    conf,
                    "trueroi.raw-root = \"" + dir.resolve("raw").toAbsolutePath() + "\"\n"
                            + "trueroi.warehouse = \""
                            + dir.resolve("warehouse").toAbsolutePath() + "\"\n"
                            + "trueroi.quality.enabled = false\n"
                            + "trueroi.attribution.markov.segment-column = \"\"\n");
            long t0 = System.nanoTime();
            run(
                    "generate",
                    "--world",
                    name,
                    "--customers",
                    Long.toString(people),
                    "--conf",
                    "conf/local.conf",
                    "--conf",
                    conf.toString());
            List<String> nightly = new ArrayList<>(List.of(
                    "nightly",
                    "--from",
                    spec.from().toString(),
                    "--to",
                    spec.to().toString(),
                    "--conf",
                    "conf/local.conf",
                    "--conf",
                    conf.toString(),
                    "--conf",
                    dir.resolve("raw/channels.conf").toString()));
            // A world that runs holdout tests calibrates the incremental model with their results.
            if (Files.exists(dir.resolve("raw/experiments.conf"))) {
                nightly.addAll(
                        List.of("--conf", dir.resolve("raw/experiments.conf").toString()));
            }
            run(nightly.toArray(String[]::new));
            double seconds = (System.nanoTime() - t0) / 1e9;
            Warehouse warehouse = SparkSessions.warehouse(io.trueroi.config.TrueRoiConfig.load(
                    List.of(Path.of("conf/local.conf"), conf), Map.of("TRUEROI_HASH_KEY", "bench-evaluate-key-0001")));
            String truth = dir.resolve("raw/ground_truth.json").toString();
            List<Evaluation.Result> results =
                    Evaluation.evaluate(warehouse, truth, io.trueroi.attribution.Bootstrap.LEVEL_DEFAULT);
            Map<String, Evaluation.Result> byModel = new java.util.TreeMap<>();
            results.forEach(r -> byModel.put(r.model(), r));
            byWorld.put(spec.name(), byModel);
            absolute.put(
                    spec.name(),
                    Evaluation.incremental(warehouse, truth, io.trueroi.attribution.Bootstrap.LEVEL_DEFAULT));
            detail.append(String.format(
                    Locale.ROOT,
                    "%n== %s: %d people, about %d clicks, %.0f s%n",
                    spec.name(),
                    people,
                    events,
                    seconds));
            detail.append(Evaluation.table(results));
            detail.append(Evaluation.incrementalTable(absolute.get(spec.name())));
        }
        StringBuilder table = new StringBuilder(String.format("%-16s", "conv share MAE"));
        byWorld.keySet().forEach(w -> table.append(String.format("%15s", w)));
        table.append('\n');
        List<String> models = new ArrayList<>(byWorld.values().iterator().next().keySet());
        StringBuilder csv =
                new StringBuilder("world,model,conversion_mae,revenue_mae,worst_channel,coverage,median_half_width\n");
        for (String m : models) {
            table.append(String.format("%-16s", m));
            byWorld.forEach((w, r) -> {
                Evaluation.Result x = r.get(m);
                table.append(cell(x, Evaluation.Result::conversionMae, "%15.4f"));
                if (x != null) {
                    csv.append(String.format(
                            Locale.ROOT,
                            "%s,%s,%.6f,%.6f,\"%s\",%.4f,%.4f%n",
                            w,
                            m,
                            x.conversionMae(),
                            x.revenueMae(),
                            x.conversionWorst(),
                            x.coverage(),
                            x.medianHalfWidth()));
                }
            });
            table.append('\n');
        }
        table.append(String.format("%-16s", "incr. max |rel|"));
        absolute.forEach((w, rows) -> table.append(String.format(
                Locale.ROOT,
                "%15.3f",
                rows.stream()
                        .mapToDouble(a -> Math.abs(a.relativeError()))
                        .filter(Double::isFinite)
                        .max()
                        .orElse(Double.NaN))));
        table.append('\n');
        table.append(String.format("%n%-16s", "90% coverage"));
        byWorld.keySet().forEach(w -> table.append(String.format("%15s", w)));
        table.append('\n');
        for (String m : models) {
            table.append(String.format("%-16s", m));
            byWorld.forEach((w, r) -> {
                Evaluation.Result x = r.get(m);
                table.append(cell(x, Evaluation.Result::coverage, "%15.2f"));
            });
            table.append('\n');
        }
        table.append(String.format("%n%-16s", "median rel. ½w"));
        byWorld.keySet().forEach(w -> table.append(String.format("%15s", w)));
        table.append('\n');
        for (String m : List.of("incremental", "shapley")) {
            table.append(String.format("%-16s", m));
            byWorld.forEach((w, r) -> {
                Evaluation.Result x = r.get(m);
                table.append(cell(x, Evaluation.Result::medianHalfWidth, "%15.3f"));
            });
            table.append('\n');
        }
        table.append(String.format("%-16s", "incr. tied in"));
        absolute.forEach((w, rows) -> table.append(String.format(
                Locale.ROOT,
                "%15s",
                rows.stream().filter(a -> Boolean.TRUE.equals(a.covered())).count() + "/" + rows.size())));
        table.append('\n');
        Files.writeString(Path.of("target", "bench-evaluate.csv"), csv.toString());
        System.out.println(detail);
        System.out.println(table);
    }

    /** One table cell: the result's value, or "-" where the world has no such model. */
    private static String cell(
            Evaluation.Result x, java.util.function.ToDoubleFunction<Evaluation.Result> value, String format) {
        return x == null ? String.format("%15s", "-") : String.format(Locale.ROOT, format, value.applyAsDouble(x));
    }

    private static void run(String... args) {
        StringWriter err = new StringWriter();
        int code = TrueRoi.run(
                args,
                new PrintWriter(System.out, true),
                new PrintWriter(err, true),
                Map.of("TRUEROI_HASH_KEY", "bench-evaluate-key-0001"));
        if (code != 0) {
            throw new IllegalStateException(String.join(" ", args) + " failed (" + code + "): " + err);
        }
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
