package io.trueroi.bench;

import io.trueroi.attribution.AttributionAction;
import io.trueroi.attribution.AttributionModel;
import io.trueroi.attribution.Credits;
import io.trueroi.attribution.FirstTouch;
import io.trueroi.attribution.LastNonDirectTouch;
import io.trueroi.attribution.LastTouch;
import io.trueroi.attribution.Linear;
import io.trueroi.attribution.PathCount;
import io.trueroi.attribution.PositionBased;
import io.trueroi.attribution.TimeDecay;
import io.trueroi.catalog.Table;
import io.trueroi.config.TrueRoiConfig;
import io.trueroi.ops.RunContext;
import io.trueroi.spark.SparkSessions;
import io.trueroi.spark.Warehouse;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Benchmark of the whole attribution job (not a test): the distinct paths of {@link MarkovBench}
 * become {@code journey.journeys} rows (one per journey that followed a path, converting or not),
 * then the job runs with every model and Markov order 1 and 3. Prints distinct paths, journeys,
 * touches, seconds and paths/s for the job, and the credits step of each rule-based model alone
 * and of all six together (every journey credited, written to a no-op sink; best of three runs) in
 * journeys/s per core.
 * Usage: {@code jobs/bench-attribution [paths ...]}; default 10k 100k 1M.
 */
public final class AttributionBench {
    private AttributionBench() {}

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = BenchSizes.ofInts(args, List.of(10_000, 100_000, 1_000_000));
        Path root = Files.createTempDirectory("trueroi-bench-attribution");
        Path conf = root.resolve("bench.conf");
        Files.writeString(
                conf,
                "trueroi.warehouse = \"" + root.resolve("warehouse") + "\"\n"
                        + "trueroi.spark.master = \"local[*]\"\n"
                        + "trueroi.attribution.markov.segment-column = \"\"\n"
                        // The models that read the journeys alone: the bench writes no touchpoints
                        // or conversions, which the incremental model fits on.
                        + "trueroi.attribution.models = [\"first_touch\", \"last_touch\", \"last_non_direct\", "
                        + "\"linear\", \"position_based\", \"time_decay\", \"markov\", \"shapley\"]\n"
                        + "trueroi.spark.conf { \"spark.sql.shuffle.partitions\" = \"8\", \"spark.ui.enabled\" = \"false\" }\n");
        SparkSession spark = SparkSessions.create(
                TrueRoiConfig.load(List.of(conf), Map.of("TRUEROI_HASH_KEY", "bench-key-not-a-secret")));
        spark.sparkContext().setLogLevel("WARN");
        int cores = spark.sparkContext().defaultParallelism();
        LocalDate day = LocalDate.of(2026, 10, 31);
        System.out.printf("attribution benchmark: %d cores%n", cores);
        System.out.printf(
                "%-9s %9s %9s %10s %11s %5s %9s %10s%n",
                "paths", "journeys", "touches", "converting", "credit rows", "order", "job s", "paths/s");
        List<String[]> ruleLines = new ArrayList<>();
        for (int size : sizes) {
            Warehouse w = new Warehouse(spark, root.resolve("warehouse-" + size).toString());
            List<PathCount> paths = MarkovBench.paths(size, 20261123L);
            journeys(spark, paths)
                    .write()
                    .format("delta")
                    .mode(SaveMode.Overwrite)
                    .save(w.path(Table.JOURNEYS));
            Dataset<Row> stored = w.read(Table.JOURNEYS).cache();
            long journeys = stored.count();
            long touches = stored.selectExpr("sum(path_length)").first().getLong(0);
            for (int order : new int[] {1, 3}) {
                Files.writeString(
                        conf,
                        "trueroi.attribution.markov.order = " + order + "\n",
                        java.nio.file.StandardOpenOption.APPEND);
                TrueRoiConfig config =
                        TrueRoiConfig.load(List.of(conf), Map.of("TRUEROI_HASH_KEY", "bench-key-not-a-secret"));
                long t0 = System.nanoTime();
                AttributionAction.Result result =
                        new AttributionAction(config, w, RunContext.start("attribution", day, day, null)).execute();
                double s = (System.nanoTime() - t0) / 1e9;
                long creditRows = result.creditsByModel().values().stream()
                        .mapToLong(Long::longValue)
                        .sum();
                System.out.printf(
                        "%-9d %9d %9d %10d %11d %5d %9.1f %10.0f%n",
                        size, journeys, touches, result.convertingJourneys(), creditRows, order, s, size / s);
            }
            // Credits throughput: every journey credited (converted forced on), so the rate is measured
            // on all journeys rather than on the ~10% that convert; each model alone, then all six in
            // the one pass the job makes.
            Dataset<Row> all = stored.withColumn("converted", functions.lit(true));
            List<AttributionModel> rules = List.of(
                    new FirstTouch(),
                    new LastTouch(),
                    new LastNonDirectTouch(List.of("ch00")),
                    new Linear(),
                    new PositionBased(0.4, 0.4),
                    new TimeDecay(7));
            List<List<AttributionModel>> runs = new ArrayList<>();
            rules.forEach(m -> runs.add(List.of(m)));
            runs.add(rules);
            for (List<AttributionModel> models : runs) {
                // Best of three: one run is at the mercy of GC and the other core's background work.
                double s = Double.MAX_VALUE;
                for (int rep = 0; rep < 3; rep++) {
                    long t0 = System.nanoTime();
                    Credits.of(all, models, java.time.ZoneId.of("Asia/Shanghai"))
                            .write()
                            .format("noop")
                            .mode(SaveMode.Overwrite)
                            .save();
                    s = Math.min(s, (System.nanoTime() - t0) / 1e9);
                }
                String name = models.size() == 1 ? models.get(0).name().id() : "all " + models.size() + " rules";
                ruleLines.add(new String[] {
                    String.valueOf(size),
                    name,
                    String.valueOf(journeys),
                    String.valueOf(touches),
                    String.format("%.1f", s),
                    String.format("%.0f", journeys / s / cores)
                });
            }
            stored.unpersist();
        }
        System.out.printf(
                "%n%-9s %-16s %9s %9s %8s %16s%n",
                "paths", "credits of", "journeys", "touches", "seconds", "journeys/s/core");
        for (String[] l : ruleLines) {
            System.out.printf("%-9s %-16s %9s %9s %8s %16s%n", (Object[]) l);
        }
        spark.stop();
    }

    /** One journeys row per journey behind each path: its conversions converting, its nulls not. */
    static Dataset<Row> journeys(SparkSession spark, List<PathCount> paths) {
        StructType touch = new StructType()
                .add("touch_time", DataTypes.TimestampType)
                .add("channel", DataTypes.StringType)
                .add("campaign_id", DataTypes.StringType)
                .add("touchpoint_id", DataTypes.StringType);
        StructType schema = new StructType()
                .add("journey_id", DataTypes.StringType)
                .add("one_id", DataTypes.StringType)
                .add("conversion_id", DataTypes.StringType)
                .add("converted", DataTypes.BooleanType)
                .add("conversion_time", DataTypes.TimestampType)
                .add("conversion_date", DataTypes.DateType)
                .add("order_channel", DataTypes.StringType)
                .add("net_revenue", DataTypes.createDecimalType(18, 2))
                .add("touches", DataTypes.createArrayType(touch))
                .add("path_length", DataTypes.IntegerType);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<Object[]> packed = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            PathCount p = paths.get(i);
            packed.add(new Object[] {i, p.channels().toArray(new String[0]), p.conversions(), p.value(), p.nulls()});
        }
        var rows = jsc.parallelize(packed, Math.max(2, paths.size() / 50_000)).flatMap(o -> {
            int i = (Integer) o[0];
            String[] channels = (String[]) o[1];
            long conversions = (Long) o[2];
            double value = (Double) o[3];
            long nulls = (Long) o[4];
            Instant end = Instant.parse("2026-10-30T12:00:00Z").minusSeconds((i % 80) * 86_400L);
            List<Row> out = new ArrayList<>();
            for (long j = 0; j < conversions + nulls; j++) {
                boolean converted = j < conversions;
                String id = "p" + i + "_" + j;
                List<Row> touches = new ArrayList<>();
                for (int t = 0; t < channels.length; t++) {
                    touches.add(RowFactory.create(
                            Timestamp.from(end.minusSeconds((channels.length - t) * 3_600L)),
                            channels[t],
                            "cmp_" + channels[t],
                            id + "#" + t));
                }
                BigDecimal revenue = converted
                        ? BigDecimal.valueOf(value / Math.max(1, conversions))
                                .setScale(2, java.math.RoundingMode.HALF_EVEN)
                        : BigDecimal.ZERO.setScale(2);
                out.add(RowFactory.create(
                        id,
                        "oid_" + id,
                        converted ? "c_" + id : null,
                        converted,
                        converted ? Timestamp.from(end) : null,
                        converted ? Date.valueOf("2026-10-30") : null,
                        converted ? "online" : null,
                        revenue,
                        scala.jdk.javaapi.CollectionConverters.asScala(touches).toSeq(),
                        touches.size()));
            }
            Iterator<Row> it = out.iterator();
            return it;
        });
        return spark.createDataFrame(rows, schema);
    }
}
