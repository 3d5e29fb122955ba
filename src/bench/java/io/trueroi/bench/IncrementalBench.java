package io.trueroi.bench;

import static org.apache.spark.sql.functions.col;

import io.trueroi.catalog.Table;
import io.trueroi.config.TrueRoiConfig;
import io.trueroi.jobs.TrueRoi;
import io.trueroi.spark.SparkSessions;
import io.trueroi.spark.Warehouse;
import io.trueroi.synthetic.GenerateAction;
import io.trueroi.synthetic.WorldModel;
import io.trueroi.testing.Canonical;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Benchmark of one incremental night against a full rebuild (not a test), on a generated world of
 * {@code BENCH_DAYS} (60) days plus one more day of the same daily volume:
 *
 * <ol>
 *   <li>backfill days 1..60 into warehouse A;
 *   <li>deliver day 61 and time {@code nightly --date} day 61 on A;
 *   <li>time {@code nightly --from} day 1 {@code --to} day 61 {@code --full-refresh} into an empty
 *       warehouse B;
 *   <li>compare every table of A and B ({@code io.trueroi.testing.Canonical}: OneIDs by their
 *       person's smallest identifier hash, run ids aside).
 * </ol>
 *
 * Prints per stage the seconds, rows read (the stage's input: lines read for ingest, identifiers,
 * touchpoints + conversions, converting journeys, credit rows) and rows written (the tables the
 * stage wrote, from the run's summary) of the night and of the rebuild, the ratio night ÷ rebuild,
 * and the equality check. Usage: {@code jobs/bench --incremental [events]} (default 16M touch
 * events over the 61 days), {@code BENCH_DAYS}, {@code BENCH_MEAN_TOUCHES} (6).
 */
public final class IncrementalBench {
    private IncrementalBench() {}

    /** One run's figures per stage: seconds, rows read, rows written; and its wall time. */
    record Run(Map<String, double[]> stages, double seconds) {}

    public static void main(String[] args) throws Exception {
        long events = BenchSizes.of(args, List.of(16_000_000L)).get(0);
        int days = Integer.parseInt(System.getenv().getOrDefault("BENCH_DAYS", "60"));
        double meanTouches = Double.parseDouble(System.getenv().getOrDefault("BENCH_MEAN_TOUCHES", "6"));
        LocalDate first = LocalDate.of(2026, 9, 1);
        LocalDate last = first.plusDays(days - 1L);
        LocalDate night = last.plusDays(1);
        Path root = Files.createTempDirectory("trueroi-bench-incremental");
        Map<String, String> env = Map.of("TRUEROI_HASH_KEY", "bench-key-not-a-secret");
        Path raw = root.resolve("raw");
        Path nights = conf(root, "nights", raw);
        Path rebuild = conf(root, "rebuild", raw);
        TrueRoiConfig config = TrueRoiConfig.load(List.of(Path.of("conf/local.conf"), nights), env);
        SparkSession spark = SparkSessions.create(config);
        spark.sparkContext().setLogLevel("WARN");
        // The world spans the 61 days, so day 61 has the same daily volume; it is written apart.
        long customers = Math.max(1, Math.round(events / meanTouches));
        WorldModel world = new WorldModel(20261123L, first, night, meanTouches);
        new GenerateAction(spark, config, world, customers, raw.toString(), "bench-generate")
                .days(first, last)
                .execute();

        Run backfill = run(spark, env, nights, "nightly", "--from", first.toString(), "--to", last.toString());
        System.out.printf("backfill of %d days: %.1f s%n", days, backfill.seconds());
        new GenerateAction(spark, config, world, customers, raw.toString(), "bench-generate")
                .days(night, night)
                .execute();
        Run incremental = run(spark, env, nights, "nightly", "--date", night.toString());
        Run full = run(
                spark, env, rebuild, "nightly", "--from", first.toString(), "--to", night.toString(), "--full-refresh");

        System.out.printf("%n%,d events over %d + 1 days (%,d customers); night %s%n", events, days, customers, night);
        System.out.printf(
                "%-12s %10s %12s %12s   %10s %12s %12s   %8s%n",
                "stage", "night s", "rows read", "rows written", "rebuild s", "rows read", "rows written", "ratio");
        for (String stage : NightlyBench.STAGES) {
            double[] n = incremental.stages().get(stage);
            double[] f = full.stages().get(stage);
            System.out.printf(
                    "%-12s %10.1f %,12d %,12d   %10.1f %,12d %,12d   %8.3f%n",
                    stage, n[0], (long) n[1], (long) n[2], f[0], (long) f[1], (long) f[2], n[0] / f[0]);
        }
        System.out.printf(
                "%-12s %10.1f %12s %12s   %10.1f %12s %12s   %8.3f%n",
                "nightly",
                incremental.seconds(),
                "",
                "",
                full.seconds(),
                "",
                "",
                incremental.seconds() / full.seconds());
        System.out.printf("%nincremental night / full rebuild = %.3f%n", incremental.seconds() / full.seconds());

        Warehouse a = new Warehouse(spark, root.resolve("warehouse-nights").toString());
        Warehouse b = new Warehouse(spark, root.resolve("warehouse-rebuild").toString());
        Map<Table, long[]> diff = Canonical.differences(b, a);
        List<Table> compared = Canonical.comparable(b);
        if (diff.isEmpty()) {
            System.out.printf("equality: all %d tables equal (OneIDs by person, run ids aside)%n", compared.size());
        } else {
            System.out.printf("equality: %d of %d tables differ:%n", diff.size(), compared.size());
            diff.forEach((t, n) -> System.out.printf(
                    "  %-40s %,d rows only in the rebuild, %,d only after the nights%n", t, n[0], n[1]));
        }
        System.out.println("data under " + root);
        spark.stop();
    }

    private static Path conf(Path root, String name, Path raw) throws java.io.IOException {
        Path conf = root.resolve(name + ".conf");
        Files.writeString(
                conf,
                "trueroi.raw-root = \"" + raw + "\"\ntrueroi.warehouse = \"" + root.resolve("warehouse-" + name)
                        + "\"\ntrueroi.spark.conf { \"spark.ui.enabled\" = \"false\" }\n");
        return conf;
    }

    /** Runs one job; its stages' figures from the run's ops.job_runs rows and printed summary. */
    private static Run run(SparkSession spark, Map<String, String> env, Path conf, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--conf", "conf/local.conf", "--conf", conf.toString()));
        StringWriter out = new StringWriter();
        long t0 = System.nanoTime();
        int code = TrueRoi.run(
                all.toArray(new String[0]), new PrintWriter(out, true), new PrintWriter(System.err, true), env);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.print(out);
        if (code != 0) {
            throw new IllegalStateException(String.join(" ", args) + " failed (exit " + code + ")");
        }
        TrueRoiConfig config = TrueRoiConfig.load(List.of(Path.of("conf/local.conf"), conf), env);
        Warehouse w = new Warehouse(spark, config.warehouse());
        // The rows of this run: the newest nightly row and the stages it parents.
        Row parent = w.read(Table.JOB_RUNS)
                .filter("job = 'nightly'")
                .orderBy(col("started_at").desc())
                .first();
        Map<String, Row> runs = new LinkedHashMap<>();
        for (Row r : w.read(Table.JOB_RUNS)
                .filter(col("parent_run_id").equalTo(parent.<String>getAs("run_id")))
                .collectAsList()) {
            runs.put(r.getAs("job"), r);
        }
        Map<String, Long> written = writtenByStage(out.toString());
        Map<String, double[]> stages = new LinkedHashMap<>();
        for (String stage : NightlyBench.STAGES) {
            Row r = runs.get(stage);
            stages.put(stage, new double[] {
                r.<java.math.BigDecimal>getAs("seconds").doubleValue(),
                NightlyBench.inputRows(stage, r, runs),
                written.getOrDefault(stage, 0L)
            });
        }
        return new Run(stages, seconds);
    }

    /** Rows written per stage, from the summary's "  layer.table  rows  location" lines. */
    static Map<String, Long> writtenByStage(String summary) {
        Map<String, Table> byName = new LinkedHashMap<>();
        for (Table t : Table.values()) {
            byName.put(t.qualifiedName(), t);
        }
        Map<String, Long> out = new LinkedHashMap<>();
        for (String line : summary.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 3 && byName.containsKey(f[0]) && f[1].matches("\\d+")) {
                out.merge(byName.get(f[0]).writtenBy(), Long.parseLong(f[1]), Long::sum);
            }
        }
        return out;
    }
}
