package io.trueroi.synthetic;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import io.trueroi.spark.JobGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The holdout tests of a world ({@code world.experiments}), read out as an advertiser reads one:
 * per test, every conversion the treated and the held-out groups booked on the test's days (in
 * any shop, tied to a journey or not), the difference of the groups' means scaled to the treated
 * group, and a normal interval from the groups' variances. Written in the format of
 * {@code trueroi.experiments} ({@code experiments.conf}). Cost: one pass over the people
 * (clicks and purchases drawn again) and one aggregation to a few rows.
 */
final class HoldoutTests {
    /** The interval's level: the level {@code trueroi.experiments} assumes when none is given. */
    static final double LEVEL = io.trueroi.config.Experiment.LEVEL_DEFAULT;

    static final StructType ROW = new StructType()
            .add("test", DataTypes.IntegerType)
            .add("grp", DataTypes.IntegerType)
            .add("conversions", DataTypes.LongType)
            .add("caused", DataTypes.LongType);

    private HoldoutTests() {}

    /** {@code experiments.conf}'s text: every test's result. */
    static String measure(SparkSession spark, String group, Dataset<Long> people, WorldModel w) {
        Dataset<Row> rows =
                people.flatMap((FlatMapFunction<Long, Row>) p -> rows(w, p).iterator(), Encoders.row(ROW));
        List<Row> sums =
                JobGroup.run(spark, group, "generate: read out holdout tests", () -> rows.groupBy("test", "grp")
                        .agg(
                                count(lit(1)),
                                sum("conversions"),
                                sum(col("conversions").multiply(col("conversions"))),
                                sum("caused"))
                        .collectAsList());
        return conf(w.spec(), sums);
    }

    /**
     * One row per test whose audience the person is in: test, group, conversions on its days, and
     * for the treated those of them the channel's clicks of those days caused (the truth: the
     * person again without those clicks, same random numbers).
     */
    static List<Row> rows(WorldModel w, long p) {
        List<Row> out = new ArrayList<>();
        List<WorldModel.Touch> drawn = w.drawn(p);
        List<WorldSpec.Holdout> tests = w.spec().experiments();
        List<WorldModel.Touch> touches = w.asRun(p, drawn);
        List<WorldModel.Purchase> purchases = null;
        for (int e = 0; e < tests.size(); e++) {
            int g = w.group(p, drawn, e);
            if (g == WorldModel.OUTSIDE) {
                continue;
            }
            purchases = purchases != null ? purchases : w.purchases(p, touches, -1);
            WorldSpec.Holdout test = tests.get(e);
            int first = w.index(test.from());
            int end = first + test.days();
            long n = onDays(purchases, first, end);
            long caused = 0;
            if (g == WorldModel.TREATED) {
                int k = e;
                List<WorldModel.Touch> without = new ArrayList<>(touches);
                without.removeIf(t -> w.inTest(t, k));
                caused = n - onDays(w.purchases(p, without, -1), first, end);
            }
            out.add(RowFactory.create(e, g, n, caused));
        }
        return out;
    }

    private static long onDays(List<WorldModel.Purchase> purchases, int first, int end) {
        return purchases.stream().filter(u -> u.day() >= first && u.day() < end).count();
    }

    /**
     * The tests' results from per (test, group) sums: people, conversions, squared conversions.
     * A test without two people in each group measured nothing and is left out, with a comment.
     */
    static String conf(WorldSpec spec, List<Row> sums) {
        double z = io.trueroi.config.Experiment.normalQuantile(LEVEL);
        StringBuilder b = new StringBuilder("# Holdout tests run in world " + spec.name()
                + " (written by generate; layer with --conf so the incremental model is calibrated by them)\n"
                + "trueroi.experiments = [\n");
        for (int e = 0; e < spec.experiments().size(); e++) {
            WorldSpec.Holdout test = spec.experiments().get(e);
            double[][] g = new double[2][4];
            for (Row r : sums) {
                if (r.getInt(0) == e) {
                    g[r.getInt(1)] = new double[] {r.getLong(2), r.getLong(3), r.getLong(4), r.getLong(5)};
                }
            }
            String name = spec.name() + "-holdout-" + (e + 1);
            String channel = spec.channels().get(test.channel()).name();
            if (g[0][0] < 2 || g[1][0] < 2 || g[0][1] == 0) {
                b.append(String.format(
                        Locale.ROOT,
                        "  # %s (%s): %.0f treated and %.0f held-out people, %.0f treated conversions: nothing"
                                + " measured%n",
                        name,
                        channel,
                        g[0][0],
                        g[1][0],
                        g[0][1]));
                continue;
            }
            double incremental = g[0][1] - g[0][0] * g[1][1] / g[1][0];
            double se = g[0][0] * Math.sqrt(variance(g[0]) / g[0][0] + variance(g[1]) / g[1][0]);
            b.append(String.format(
                    Locale.ROOT,
                    "  # %s: %.0f people treated, %.0f held out (%.0f%%); the held-out group booked %.0f conversions."
                            + " The world's truth, for evaluation (not read): the test's clicks caused %.0f of the"
                            + " treated group's conversions (lift %.4f)%n"
                            + "  { name = \"%s\", channel = \"%s\", design = holdout, from = \"%s\", to = \"%s\","
                            + " treated-conversions = %.0f,%n    incremental-conversions = %.2f, lo = %.2f,"
                            + " hi = %.2f, level = %.2f }%n",
                    name,
                    g[0][0],
                    g[1][0],
                    test.share() * 100,
                    g[1][1],
                    g[0][3],
                    g[0][3] / g[0][1],
                    name,
                    channel.replace("\\", "\\\\").replace("\"", "\\\""),
                    test.from(),
                    test.to(),
                    g[0][1],
                    incremental,
                    incremental - z * se,
                    incremental + z * se,
                    LEVEL));
        }
        return b.append("]\n").toString();
    }

    /** The sample variance from (n, Σy, Σy²). */
    private static double variance(double[] g) {
        return Math.max(0, (g[2] - g[1] * g[1] / g[0]) / (g[0] - 1));
    }
}
