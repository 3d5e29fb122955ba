package io.trueroi.attribution;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.trueroi.config.AttributionSettings;
import io.trueroi.spark.BusinessDate;
import java.io.Serializable;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Fits the Markov removal-effect model on {@code journey.journeys}: globally and per segment.
 *
 * <p>Training journeys: those whose date (the conversion's business date; for a non-converting
 * journey its last touch's) lies in the window of {@code training-window-days} ending on the
 * run's date, and that have at least one touch (a conversion with none has no channel to credit
 * or remove; it would only scale every removal effect by the same factor). Paths are their
 * touches' channels, consecutive repeats collapsed if configured.
 *
 * <p>Segments: a converting journey belongs to the segment of its segment-column value
 * ({@code (unknown)} when null); a non-converting journey whose value is null (no conversion, so
 * no order channel) is evidence of not converting in every segment and joins each segment's fit.
 * Segments with fewer than {@code min-segment-journeys} training journeys are not fitted and
 * use the global model {@code (all)}.
 *
 * <p>Cost: one aggregation of the training journeys to distinct (segment, path) counts, one to
 * transition counts, then one Spark task per segment builds its chain and solves it (segments
 * in parallel; the chain's size is bounded by channels^order, not by journeys). Only segment
 * journey counts and channel removal effects reach the driver.
 */
public final class MarkovTraining {
    public static final String ALL = "(all)";
    public static final String UNKNOWN = "(unknown)";

    /** One row per fitted segment and channel, transition, or segment summary. */
    static final StructType FIT = new StructType()
            .add("segment", DataTypes.StringType, false)
            .add("kind", DataTypes.StringType, false)
            .add("channel", DataTypes.StringType, true)
            .add("removal_effect", DataTypes.DoubleType, true)
            .add("share", DataTypes.DoubleType, true)
            .add("conversions", DataTypes.DoubleType, true)
            .add("revenue_removal_effect", DataTypes.DoubleType, true)
            .add("revenue_share", DataTypes.DoubleType, true)
            .add("revenue", DataTypes.DoubleType, true)
            .add("from_state", DataTypes.StringType, true)
            .add("to_state", DataTypes.StringType, true)
            .add("probability", DataTypes.DoubleType, true);

    /** Training journeys and totals of one segment. */
    public record SegmentTotals(String segment, long journeys, long conversions, double revenue, boolean fitted) {}

    /** One fitted segment's removal effects and credited totals for one channel. */
    public record ChannelEffect(
            String segment,
            String channel,
            double removalEffect,
            double share,
            double conversions,
            double revenueRemovalEffect,
            double revenueShare,
            double revenue) {
        static ChannelEffect of(Row r) {
            return new ChannelEffect(
                    r.getAs("segment"),
                    r.getAs("channel"),
                    r.getAs("removal_effect"),
                    r.getAs("share"),
                    r.getAs("conversions"),
                    r.getAs("revenue_removal_effect"),
                    r.getAs("revenue_share"),
                    r.getAs("revenue"));
        }
    }

    /**
     * The fit: per-segment totals (the first is {@link #ALL}), and what each segment's chain gave,
     * computed once on the executors and kept by the caller: channel effects and transitions.
     */
    public record Fit(List<SegmentTotals> segments, Dataset<Row> rows, LocalDate trainingFrom, LocalDate trainingTo) {
        /** Every fitted segment's channel effects; bounded by segments × channels, so collected. */
        public List<ChannelEffect> channelEffects() {
            return rows.filter(col("kind").equalTo(CHANNEL)).collectAsList().stream()
                    .map(ChannelEffect::of)
                    .toList();
        }

        /** Every fitted segment's transition probabilities: segment, from_state, to_state, probability. */
        public Dataset<Row> transitions() {
            return rows.filter(col("kind").equalTo(TRANSITION))
                    .select("segment", "from_state", "to_state", "probability");
        }
    }

    /** The two kinds of row a segment's fit gives, in one dataset so that each segment is solved once. */
    static final String CHANNEL = "channel";

    static final String TRANSITION = "transition";

    /** Sums of net revenue in the counts: exact, wide enough for any window. */
    static final String VALUE = "decimal(30,2)";

    private MarkovTraining() {}

    /** Fits every segment's chain on the journeys of the training window that ends on {@code asOf}. */
    public static Fit fit(Dataset<Row> journeys, AttributionSettings settings, LocalDate asOf, ZoneId zone) {
        LocalDate from = asOf.minusDays(settings.trainingWindowDays() - 1L);
        Dataset<Row> training = training(journeys, settings, from, asOf, zone);
        List<SegmentTotals> segments = segments(training, settings);
        List<String> fitted = segments.stream()
                .skip(1)
                .filter(SegmentTotals::fitted)
                .map(SegmentTotals::segment)
                .toList();
        int k = settings.markovOrder();
        Dataset<Row> rows = transitionCounts(paths(training, fitted), k)
                .groupByKey(
                        (org.apache.spark.api.java.function.MapFunction<Row, String>) r -> r.getString(0),
                        Encoders.STRING())
                .flatMapGroups(new FitSegment(k), Encoders.row(FIT));
        return new Fit(segments, rows, from, asOf);
    }

    /**
     * The training journeys: segment (see the class comment; null for a non-converting journey
     * without a value), path of channels, converted, net revenue.
     */
    private static Dataset<Row> training(
            Dataset<Row> journeys, AttributionSettings settings, LocalDate from, LocalDate asOf, ZoneId zone) {
        Column lastTouchDate = BusinessDate.of(element_at(col("touches"), -1).getField("touch_time"), zone);
        Column day = coalesce(col("conversion_date"), lastTouchDate);
        // touches.channel extracts the array of channels without a lambda (compiled, not interpreted).
        Column channels = col("touches.channel");
        if (settings.collapseRepeats()) {
            channels =
                    expr("filter(transform(touches, t -> t.channel), (c, i) -> i = 0 OR c != touches[i - 1].channel)");
        }
        Column segmentValue = settings.segmentColumn().isEmpty()
                ? lit(null).cast("string")
                : col(settings.segmentColumn()).cast("string");
        return journeys.filter(size(col("touches"))
                        .gt(0)
                        .and(day.between(
                                lit(from.toString()).cast("date"),
                                lit(asOf.toString()).cast("date"))))
                .select(
                        when(col("converted"), coalesce(segmentValue, lit(UNKNOWN)))
                                .otherwise(segmentValue)
                                .as("segment"),
                        channels.as("path"),
                        col("converted"),
                        col("net_revenue"));
    }

    /**
     * Totals of {@link #ALL} and of each segment value, bounded by max-segments (one row per value
     * reaches the driver); a segment is fitted when it has min-segment-journeys, counting the
     * non-converting journeys without a value, which join every segment.
     */
    private static List<SegmentTotals> segments(Dataset<Row> training, AttributionSettings settings) {
        List<SegmentTotals> values = new ArrayList<>();
        for (Row r : training.groupBy("segment")
                .agg(
                        count(lit(1)).as("journeys"),
                        sum(when(col("converted"), 1L).otherwise(0L)).as("conversions"),
                        sum(col("net_revenue")).cast("double").as("revenue"))
                .limit(settings.maxSegments() + 2)
                .collectAsList()) {
            values.add(new SegmentTotals(
                    r.getString(0), r.getLong(1), r.getLong(2), r.isNullAt(3) ? 0 : r.getDouble(3), false));
        }
        long shared = values.stream()
                .filter(v -> v.segment() == null)
                .mapToLong(SegmentTotals::journeys)
                .sum();
        List<SegmentTotals> valued = values.stream()
                .filter(v -> v.segment() != null)
                .sorted(java.util.Comparator.comparing(SegmentTotals::segment))
                .toList();
        if (!settings.segmentColumn().isEmpty() && valued.size() > settings.maxSegments()) {
            throw new IllegalArgumentException("trueroi.attribution.markov.segment-column " + settings.segmentColumn()
                    + " has more than " + settings.maxSegments() + " values (trueroi.attribution.markov.max-segments)");
        }
        List<SegmentTotals> segments = new ArrayList<>();
        segments.add(new SegmentTotals(
                ALL,
                values.stream().mapToLong(SegmentTotals::journeys).sum(),
                values.stream().mapToLong(SegmentTotals::conversions).sum(),
                values.stream().mapToDouble(SegmentTotals::revenue).reduce(0, Double::sum),
                true));
        if (!settings.segmentColumn().isEmpty()) {
            for (SegmentTotals v : valued) {
                long n = v.journeys() + shared;
                segments.add(new SegmentTotals(
                        v.segment(), n, v.conversions(), v.revenue(), n >= settings.minSegmentJourneys()));
            }
        }
        return List.copyOf(segments);
    }

    /**
     * Distinct paths per fitted segment with their conversions, non-conversions and value. Every
     * journey goes to (all); a valued one to its segment too; a shared one to every fitted segment.
     */
    private static Dataset<Row> paths(Dataset<Row> training, List<String> fitted) {
        Column targets = array(lit(ALL));
        if (!fitted.isEmpty()) {
            Column fittedArray = array(fitted.stream().map(s -> lit(s)).toArray(Column[]::new));
            targets = when(col("segment").isNull(), expr("array_union(array('" + ALL + "'), _fitted)"))
                    .otherwise(when(expr("array_contains(_fitted, segment)"), array(lit(ALL), col("segment")))
                            .otherwise(array(lit(ALL))));
            training = training.withColumn("_fitted", fittedArray);
        }
        return training.withColumn("fit_segment", explode(targets))
                .groupBy("fit_segment", "path")
                .agg(
                        sum(when(col("converted"), 1L).otherwise(0L)).as("conversions"),
                        sum(when(col("converted"), 0L).otherwise(1L)).as("nulls"),
                        sum(when(col("converted"), col("net_revenue"))).as("value"));
    }

    /**
     * Transition counts of order {@code k} per segment: (fit_segment, from, to, journeys,
     * conversions, nulls, value), {@code to} null for a path's end. The state after touch i (0-based)
     * is the tuple of the last k channels up to it: slice(path, max(1, i + 2 - k), min(i + 1, k));
     * the state before touch 0 is (start), the empty tuple. Plain array functions, not lambdas, so
     * the projection is compiled.
     */
    private static Dataset<Row> transitionCounts(Dataset<Row> paths, int k) {
        Column pos = col("pos");
        Column n = size(col("path"));
        Column empty = lit(null).cast("array<string>");
        Column noValue = lit(null).cast(VALUE);
        Dataset<Row> moves = paths.select(
                        col("fit_segment"),
                        col("path"),
                        posexplode(col("path")).as(new String[] {"pos", "channel"}),
                        col("conversions"),
                        col("nulls"))
                .select(
                        col("fit_segment"),
                        when(pos.equalTo(0), array().cast("array<string>"))
                                .otherwise(slice(col("path"), greatest(lit(1), pos.minus(k - 1)), least(pos, lit(k))))
                                .as("from"),
                        slice(col("path"), greatest(lit(1), pos.plus(2 - k)), least(pos.plus(1), lit(k)))
                                .as("to"),
                        col("conversions").plus(col("nulls")).as("journeys"),
                        lit(0L).as("conversions"),
                        lit(0L).as("nulls"),
                        noValue.as("value"));
        Dataset<Row> ends = paths.select(
                col("fit_segment"),
                slice(col("path"), greatest(lit(1), n.minus(k - 1)), least(n, lit(k)))
                        .as("from"),
                empty.as("to"),
                lit(0L).as("journeys"),
                col("conversions"),
                col("nulls"),
                col("value").cast(VALUE).as("value"));
        // Counts are whole numbers and money stays decimal until the chain: the sums are exact, so
        // the fit does not depend on the order Spark adds rows in.
        return moves.unionByName(ends)
                .groupBy("fit_segment", "from", "to")
                .agg(
                        sum("journeys").as("journeys"),
                        sum("conversions").as("conversions"),
                        sum("nulls").as("nulls"),
                        coalesce(sum("value"), lit(0).cast(VALUE)).as("value"));
    }

    /** Lists of channels in order: element by element, then the shorter first. */
    static int compare(List<String> a, List<String> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    /** Builds one segment's chain from its counted transitions and solves it, on an executor. */
    static final class FitSegment implements FlatMapGroupsFunction<String, Row, Row>, Serializable {
        private static final long serialVersionUID = 1L;
        private final int order;

        FitSegment(int order) {
            this.order = order;
        }

        @Override
        public Iterator<Row> call(String segment, Iterator<Row> counts) {
            // In one order whatever order the rows arrive in, so the same counts give the same bits.
            List<Row> rows = new ArrayList<>();
            counts.forEachRemaining(rows::add);
            rows.sort((a, b) -> {
                int c = compare(a.getList(1), b.getList(1));
                if (c != 0 || a.isNullAt(2) || b.isNullAt(2)) {
                    return c != 0 ? c : Boolean.compare(!a.isNullAt(2), !b.isNullAt(2));
                }
                return compare(a.getList(2), b.getList(2));
            });
            MarkovChain chain = new MarkovChain(order);
            for (Row r : rows) {
                List<String> from = r.getList(1);
                if (r.isNullAt(2)) {
                    chain.addEnd(
                            from, r.getLong(4), r.getLong(5), r.getDecimal(6).doubleValue());
                } else {
                    chain.addTransition(from, r.getList(2), r.getLong(3));
                }
            }
            MarkovRemovalEffect.Result result = MarkovRemovalEffect.fit(chain);
            List<Row> out = new ArrayList<>();
            for (MarkovRemovalEffect.ChannelResult c : result.channels().values()) {
                out.add(RowFactory.create(
                        segment,
                        CHANNEL,
                        c.channel(),
                        c.removalEffect(),
                        c.share(),
                        c.conversions(),
                        c.valueRemovalEffect(),
                        c.valueShare(),
                        c.value(),
                        null,
                        null,
                        null));
            }
            for (MarkovRemovalEffect.Transition t : result.transitions()) {
                out.add(RowFactory.create(
                        segment,
                        TRANSITION,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        t.from(),
                        t.to(),
                        t.probability()));
            }
            return out.iterator();
        }
    }
}
