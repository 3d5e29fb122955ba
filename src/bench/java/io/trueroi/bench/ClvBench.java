package io.trueroi.bench;

import io.trueroi.clv.ClvPredictions;
import io.trueroi.clv.ClvSummary;
import io.trueroi.clv.ClvTraining;
import io.trueroi.config.TrueRoiConfig;
import io.trueroi.spark.SparkSessions;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.hipparchus.random.RandomDataGenerator;

/**
 * Benchmark of the lifetime-value step (not a test): for each size, generates that many customers
 * buying as BG/NBD and Gamma-Gamma say (r 0.25, α 30 days, a 0.8, b 2.5; p 6, q 4, v 15), first
 * purchases spread over two years, one row per purchase day written to Parquet (not timed); then
 * times {@link ClvSummary} (built and cached), {@link ClvTraining#fit} in days (the groupings, their
 * collection and both maximisations) and {@link ClvPredictions} (computed and counted), and prints
 * the distinct (x, t_x, T) triples and (x, repeat value) groups the driver held, and the fitted
 * parameters beside the true ones.
 *
 * <pre>jobs/bench-clv [--generate] [customers ...]   default 1M 4M 16M
 * jobs/bench-clv --cdnow [CDNOW_master.txt]       {@link CdnowBench}</pre>
 *
 * With {@code --generate} it only writes the data (target/bench-clv/conversions-N, reused by
 * later runs).
 */
public final class ClvBench {
    static final LocalDate END = LocalDate.of(2026, 12, 31);

    static final int HISTORY_DAYS = 730;

    static final StructType CONVERSIONS =
            StructType.fromDDL("one_id STRING, conversion_date DATE, net_revenue DECIMAL(18,2)");

    private ClvBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--cdnow")) {
            CdnowBench.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        // --generate: write the sizes' data and stop (to prepare a timed run while the machine is busy).
        boolean generateOnly = args.length > 0 && args[0].equals("--generate");
        if (generateOnly) {
            args = java.util.Arrays.copyOfRange(args, 1, args.length);
        }
        List<Long> sizes = BenchSizes.of(args, List.of(1_000_000L, 4_000_000L, 16_000_000L));
        Path root = Path.of("target", "bench-clv");
        Files.createDirectories(root);
        Path conf = root.resolve("bench.conf");
        Files.writeString(
                conf,
                "trueroi.warehouse = \"" + root.resolve("warehouse").toAbsolutePath() + "\"\n"
                        + "trueroi.spark.master = \"local[*]\"\n"
                        + "trueroi.spark.conf { \"spark.sql.shuffle.partitions\" = \"16\", \"spark.ui.enabled\" = \"false\" }\n");
        SparkSession spark = SparkSessions.create(
                TrueRoiConfig.load(List.of(conf), Map.of("TRUEROI_HASH_KEY", "bench-key-not-a-secret")));
        spark.sparkContext().setLogLevel("WARN");
        int cores = spark.sparkContext().defaultParallelism();
        System.out.printf("lifetime-value benchmark: %d cores, %d days of history%n", cores, HISTORY_DAYS);
        List<String> lines = new ArrayList<>();
        for (long customers : sizes) {
            Path data = root.resolve("conversions-" + customers);
            if (!Files.exists(data.resolve("_SUCCESS"))) {
                generate(spark, customers).write().mode("overwrite").parquet(data.toString());
            }
            if (generateOnly) {
                continue;
            }
            Dataset<Row> conversions = spark.read().parquet(data.toString());
            long rows = conversions.count();
            long t0 = System.nanoTime();
            Dataset<Row> summary = ClvSummary.build(conversions, END).cache();
            summary.count();
            long t1 = System.nanoTime();
            ClvTraining.Fit fit = ClvTraining.fit(summary, 1);
            long t2 = System.nanoTime();
            long predicted = ClvPredictions.of(summary, fit, 0.10).count();
            long t3 = System.nanoTime();
            summary.unpersist();
            String line = String.format(
                    "%-10d %11d %10d %9d %9.1f %8.1f %10.1f %12.0f   r %.3f α %.2f a %.3f b %.3f · p %.2f q %.2f v %.2f",
                    customers,
                    rows,
                    fit.triples(),
                    fit.gammaGamma().customers(),
                    (t1 - t0) / 1e9,
                    (t2 - t1) / 1e9,
                    (t3 - t2) / 1e9,
                    customers / ((t2 - t1) / 1e9) / cores,
                    fit.bgNbd().params().r(),
                    fit.bgNbd().params().alpha(),
                    fit.bgNbd().params().a(),
                    fit.bgNbd().params().b(),
                    fit.gammaGamma().params().p(),
                    fit.gammaGamma().params().q(),
                    fit.gammaGamma().params().v());
            if (predicted != customers) {
                throw new IllegalStateException("predictions for " + predicted + " of " + customers + " customers");
            }
            lines.add(line);
            System.out.println(line);
        }
        System.out.println();
        System.out.printf(
                "%-10s %11s %10s %9s %9s %8s %10s %12s   %s%n",
                "customers",
                "purchases",
                "triples",
                "gg fitted",
                "summary s",
                "fit s",
                "predict s",
                "fit cust/s/c",
                "fitted (true: r 0.250 α 30.00 a 0.800 b 2.500 · p 6.00 q 4.00 v 15.00)");
        lines.forEach(System.out::println);
        spark.stop();
    }

    /**
     * Customers 0..n−1, each with its own generator state: a first purchase day uniform over the
     * history, then, while alive, exponential gaps at a rate drawn from Gamma(r, α) and a drop-out
     * chance drawn from Beta(a, b) after each repeat purchase; each purchase day worth
     * Gamma(p, ν) with ν from Gamma(q, v), to the cent.
     */
    static Dataset<Row> generate(SparkSession spark, long customers) {
        MapPartitionsFunction<Long, Row> draw = ids -> {
            List<Row> out = new ArrayList<>();
            RandomDataGenerator random = null;
            while (ids.hasNext()) {
                long id = ids.next();
                if (random == null) {
                    random = RandomDataGenerator.of(new org.hipparchus.random.Well19937c(20261205L + id));
                }
                int first = random.nextInt(0, HISTORY_DAYS - 1);
                double rate = random.nextGamma(0.25, 1 / 30.0);
                double dropOut = random.nextBeta(0.8, 2.5);
                double scale = 1 / random.nextGamma(4, 1 / 15.0);
                TreeSet<Integer> days = new TreeSet<>(List.of(first));
                double t = first;
                while (true) {
                    t += random.nextExponential(1 / rate);
                    if (t >= HISTORY_DAYS) {
                        break;
                    }
                    days.add((int) t);
                    if (random.nextUniform(0, 1) < dropOut) {
                        break;
                    }
                }
                String oneId = "C" + id;
                for (int d : days) {
                    BigDecimal value =
                            BigDecimal.valueOf(random.nextGamma(6, scale)).setScale(2, RoundingMode.HALF_EVEN);
                    out.add(RowFactory.create(oneId, Date.valueOf(END.minusDays(HISTORY_DAYS - 1L - d)), value));
                }
            }
            return out.iterator();
        };
        int partitions = (int) Math.max(4, customers / 500_000);
        return spark.range(0, customers, 1, partitions)
                .as(Encoders.LONG())
                .mapPartitions(draw, Encoders.row(CONVERSIONS));
    }
}
