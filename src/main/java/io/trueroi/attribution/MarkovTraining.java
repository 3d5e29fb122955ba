package io.trueroi.attribution;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.trueroi.config.AttributionSettings;
import io.trueroi.spark.BusinessDate;
import io.trueroi.spark.Persisted;
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
import scala.Tuple2;

/**
 * Fits the Markov removal-effect model on {@code journey.journeys}, once for every date: the fit
 * as of date D uses the journeys of the {@code training-window-days} ending on D, globally and per
 * segment, and a conversion's Markov credit uses the fit of its own conversion date. So a
 * conversion's credit depends only on the journeys up to its date and a little before, a backfill
 * and a run of nights fit the same chains, and an analyst sees how the model moved.
 *
 * <p>A journey's day is its conversion's business date; a non-converting journey's is its last
 * touch's. Journeys without a touch take no part (a conversion with none has no channel to credit
 * or remove; it would only scale every removal effect by the same factor). Paths are their
 * touches' channels, consecutive repeats collapsed if configured.
 *
 * <p>Transition counts add up over journeys, so they are counted once per day
 * ({@code attribution.markov_daily_counts}: day, segment value, from, to, journeys, conversions,
 * nulls, value) and a date's chain is the sum of its window's days.
 *
 * <p>Segments, per date: a converting journey belongs to the segment of its segment-column value
 * ({@code (unknown)} when null); a non-converting journey whose value is null (no conversion, so
 * no order channel) is evidence of not converting in every segment and joins each segment's fit.
 * Segments with fewer than {@code min-segment-journeys} training journeys in the date's window are
 * not fitted and use that date's global model {@code (all)}.
 *
 * <p>Cost: one aggregation of the journeys to daily (segment, path) counts and one to daily
 * transition counts; each day's counts are then joined to the dates whose window holds it (the
 * dates are broadcast; rows grow with days × window, not with journeys; kept, since the totals,
 * the segments' check and the chains all read them) and summed per date, and
 * one Spark task per date and segment builds its chain and solves it. The chain's size is bounded
 * by channels^order. Only a date's largest number of segment values reaches the driver.
 */
public final class MarkovTraining {
    public static final String ALL = "(all)";
    public static final String UNKNOWN = "(unknown)";

    /** One row per fitted date, segment and channel, or transition. */
    static final StructType FIT = new StructType()
            .add("as_of_date", DataTypes.DateType, false)
            .add("fit_segment", DataTypes.StringType, false)
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

    /** The two kinds of row a segment's fit gives, in one dataset so that each chain is solved once. */
    static final String CHANNEL = "channel";

    static final String TRANSITION = "transition";

    /** Sums of net revenue in the counts: exact, wide enough for any window. */
    static final String VALUE = "decimal(30,2)";

    private MarkovTraining() {}

    /**
     * Every fit: per (as_of_date, segment) the training totals ({@link #totals}), and the chains'
     * rows ({@link #FIT}), computed once on the executors and kept in the caller's {@link Persisted}.
     */
    public record Fits(Dataset<Row> totals, Dataset<Row> rows) {
        /** Every fitted chain's channel effects: as_of_date, fit_segment, channel and the effects. */
        public Dataset<Row> channelEffects() {
            return rows.filter(col("kind").equalTo(CHANNEL)).drop("kind", "from_state", "to_state", "probability");
        }

        /** Every fitted chain's transition probabilities. */
        public Dataset<Row> transitions() {
            return rows.filter(col("kind").equalTo(TRANSITION))
                    .select("as_of_date", "fit_segment", "from_state", "to_state", "probability");
        }
    }

    /**
     * Transition counts of order {@code markov.order} per journey day and segment value: day,
     * segment (null: non-converting journeys without a value, which join every segment), from, to
     * (null for a path's end), journeys, conversions, nulls, value.
     */
    public static Dataset<Row> dailyCounts(Dataset<Row> journeys, AttributionSettings settings, ZoneId zone) {
        Column channels = path(settings);
        Column segmentValue = settings.segmentColumn().isEmpty()
                ? lit(null).cast("string")
                : col(settings.segmentColumn()).cast("string");
        Dataset<Row> paths = journeys.filter(size(col("touches")).gt(0))
                .select(
                        day(zone).as("day"),
                        when(col("converted"), coalesce(segmentValue, lit(UNKNOWN)))
                                .otherwise(segmentValue)
                                .as("segment"),
                        channels.as("path"),
                        col("converted"),
                        col("net_revenue"))
                .groupBy("day", "segment", "path")
                .agg(
                        sum(when(col("converted"), 1L).otherwise(0L)).as("conversions"),
                        sum(when(col("converted"), 0L).otherwise(1L)).as("nulls"),
                        sum(when(col("converted"), col("net_revenue"))).as("value"));
        return transitionCounts(paths, settings.markovOrder(), "day", "segment");
    }

    /** A journey's path: its touches' channels, consecutive repeats collapsed if configured. */
    static Column path(AttributionSettings settings) {
        if (settings.collapseRepeats()) {
            return expr("filter(transform(touches, t -> t.channel), (c, i) -> i = 0 OR c != touches[i - 1].channel)");
        }
        // touches.channel extracts the array of channels without a lambda (compiled, not interpreted).
        return col("touches.channel");
    }

    /** A journey's day: its conversion's business date, or its last touch's. */
    static Column day(ZoneId zone) {
        Column lastTouchDate = BusinessDate.of(element_at(col("touches"), -1).getField("touch_time"), zone);
        return coalesce(col("conversion_date"), lastTouchDate);
    }

    /**
     * The state a path ends in under order {@code k}: its last k channels (all of a shorter path),
     * as the chain's transitions into (conversion) and (null) leave from.
     */
    static Column endState(int k) {
        Column n = size(col("path"));
        return slice(col("path"), greatest(lit(1), n.minus(k - 1)), least(n, lit(k)));
    }

    /**
     * The fits of every date from {@code from} to {@code to} over these daily counts: each date's
     * window is summed, its segments decided, and each (date, segment) chain solved in one task.
     */
    public static Fits fit(
            Dataset<Row> daily, AttributionSettings settings, LocalDate from, LocalDate to, Persisted cached) {
        int w = settings.trainingWindowDays();
        Dataset<Row> dates = daily.sparkSession()
                .range(0, java.time.temporal.ChronoUnit.DAYS.between(from, to) + 1)
                .select(date_add(lit(java.sql.Date.valueOf(from)), col("id").cast("int"))
                        .as("as_of_date"));
        // A day counts towards the dates of the window that starts on it: day .. day + w - 1.
        // Kept: the totals, the segments' check and the chains' counts all read it.
        Dataset<Row> windowed = cached.keep(daily.join(
                broadcast(dates), col("as_of_date").between(col("day"), date_add(col("day"), w - 1)), "inner"));
        Dataset<Row> totals = cached.keep(totals(windowed, settings));
        Dataset<Row> fitted = totals.filter(col("fitted").and(col("segment").notEqual(ALL)))
                .select(col("as_of_date").as("f_date"), col("segment").as("fit_segment"));
        // Every row counts towards (all); a valued one towards its own segment if fitted; one without
        // a value towards every fitted segment of its date.
        Dataset<Row> own = windowed.join(
                        fitted,
                        col("as_of_date")
                                .equalTo(col("f_date"))
                                .and(col("segment").isNull().or(col("segment").equalTo(col("fit_segment")))),
                        "inner")
                .drop("f_date");
        Dataset<Row> counts = windowed.withColumn("fit_segment", lit(ALL))
                .unionByName(own)
                .groupBy("as_of_date", "fit_segment", "from", "to")
                .agg(
                        sum("journeys").as("journeys"),
                        sum("conversions").as("conversions"),
                        sum("nulls").as("nulls"),
                        sum("value").as("value"));
        int k = settings.markovOrder();
        Dataset<Row> rows = counts.groupByKey(
                        (org.apache.spark.api.java.function.MapFunction<Row, Tuple2<java.sql.Date, String>>)
                                r -> new Tuple2<>(r.getDate(0), r.getString(1)),
                        Encoders.tuple(Encoders.DATE(), Encoders.STRING()))
                .flatMapGroups(new FitSegment(k), Encoders.row(FIT));
        return new Fits(totals, cached.keep(rows));
    }

    /**
     * Per date and segment ({@link #ALL} and each value seen in the window): journeys (a valued
     * segment's own plus the shared ones without a value), conversions, revenue, and whether it is
     * fitted. A path's journeys are the counts of its first transition, from the empty state; its
     * conversions, nulls and value are those of its end.
     */
    private static Dataset<Row> totals(Dataset<Row> windowed, AttributionSettings settings) {
        Column start = size(col("from")).equalTo(0);
        Dataset<Row> bySegment = windowed.groupBy("as_of_date", "segment")
                .agg(
                        sum(when(start, col("journeys")).otherwise(0L)).as("journeys"),
                        sum("conversions").as("conversions"),
                        sum("value").as("revenue"));
        Dataset<Row> byDate = bySegment
                .groupBy("as_of_date")
                .agg(
                        sum("journeys").as("all_journeys"),
                        sum("conversions").as("all_conversions"),
                        sum("revenue").as("all_revenue"),
                        coalesce(sum(when(col("segment").isNull(), col("journeys"))), lit(0L))
                                .as("shared"),
                        count(col("segment")).as("values"));
        Dataset<Row> all = byDate.select(
                col("as_of_date"),
                lit(ALL).as("segment"),
                col("all_journeys").as("journeys"),
                col("all_conversions").as("conversions"),
                col("all_revenue").as("revenue"),
                lit(true).as("fitted"));
        if (settings.segmentColumn().isEmpty()) {
            return all;
        }
        long widest = byDate.agg(coalesce(max("values"), lit(0L))).first().getLong(0);
        if (widest > settings.maxSegments()) {
            throw new IllegalArgumentException("trueroi.attribution.markov.segment-column " + settings.segmentColumn()
                    + " has more than " + settings.maxSegments() + " values (trueroi.attribution.markov.max-segments)");
        }
        Column n = col("journeys").plus(col("shared"));
        Dataset<Row> valued = bySegment
                .filter(col("segment").isNotNull())
                .join(byDate.select("as_of_date", "shared"), "as_of_date")
                .select(
                        col("as_of_date"),
                        col("segment"),
                        n.as("journeys"),
                        col("conversions"),
                        col("revenue"),
                        n.geq(settings.minSegmentJourneys()).as("fitted"));
        return all.unionByName(valued);
    }

    /**
     * Transition counts of order {@code k} per key: (keys..., from, to, journeys, conversions, nulls,
     * value), {@code to} null for a path's end. The state after touch i (0-based) is the tuple of the
     * last k channels up to it: slice(path, max(1, i + 2 - k), min(i + 1, k)); the state before
     * touch 0 is (start), the empty tuple. Plain array functions, not lambdas, so the projection is
     * compiled.
     */
    private static Dataset<Row> transitionCounts(Dataset<Row> paths, int k, String... keys) {
        Column pos = col("pos");
        Column n = size(col("path"));
        Column empty = lit(null).cast("array<string>");
        Column noValue = lit(null).cast(VALUE);
        List<Column> key = java.util.Arrays.stream(keys).map(c -> col(c)).toList();
        List<Column> moveColumns = new ArrayList<>(key);
        moveColumns.add(col("path"));
        moveColumns.add(posexplode(col("path")).as(new String[] {"pos", "channel"}));
        moveColumns.add(col("conversions"));
        moveColumns.add(col("nulls"));
        List<Column> move = new ArrayList<>(key);
        move.add(when(pos.equalTo(0), array().cast("array<string>"))
                .otherwise(slice(col("path"), greatest(lit(1), pos.minus(k - 1)), least(pos, lit(k))))
                .as("from"));
        move.add(slice(col("path"), greatest(lit(1), pos.plus(2 - k)), least(pos.plus(1), lit(k)))
                .as("to"));
        move.add(col("conversions").plus(col("nulls")).as("journeys"));
        move.add(lit(0L).as("conversions"));
        move.add(lit(0L).as("nulls"));
        move.add(noValue.as("value"));
        Dataset<Row> moves = paths.select(moveColumns.toArray(Column[]::new)).select(move.toArray(Column[]::new));
        List<Column> end = new ArrayList<>(key);
        end.add(endState(k).as("from"));
        end.add(empty.as("to"));
        end.add(lit(0L).as("journeys"));
        end.add(col("conversions"));
        end.add(col("nulls"));
        end.add(col("value").cast(VALUE).as("value"));
        Dataset<Row> ends = paths.select(end.toArray(Column[]::new));
        List<Column> group = new ArrayList<>(key);
        group.add(col("from"));
        group.add(col("to"));
        // Counts are whole numbers and money stays decimal until the chain: the sums are exact, so
        // the fit does not depend on the order Spark adds rows in.
        return moves.unionByName(ends)
                .groupBy(group.toArray(Column[]::new))
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

    /** Builds one date's and segment's chain from its counted transitions and solves it, on an executor. */
    static final class FitSegment
            implements FlatMapGroupsFunction<Tuple2<java.sql.Date, String>, Row, Row>, Serializable {
        private static final long serialVersionUID = 1L;
        private final int order;

        FitSegment(int order) {
            this.order = order;
        }

        @Override
        public Iterator<Row> call(Tuple2<java.sql.Date, String> key, Iterator<Row> counts) {
            // In one order whatever order the rows arrive in, so the same counts give the same bits.
            List<Row> rows = new ArrayList<>();
            counts.forEachRemaining(rows::add);
            rows.sort((a, b) -> {
                int c = compare(a.getList(FROM), b.getList(FROM));
                if (c != 0 || a.isNullAt(TO) || b.isNullAt(TO)) {
                    return c != 0 ? c : Boolean.compare(!a.isNullAt(TO), !b.isNullAt(TO));
                }
                return compare(a.getList(TO), b.getList(TO));
            });
            MarkovChain chain = new MarkovChain(order);
            for (Row r : rows) {
                List<String> from = r.getList(FROM);
                if (r.isNullAt(TO)) {
                    chain.addEnd(
                            from,
                            r.getLong(TO + 2),
                            r.getLong(TO + 3),
                            r.getDecimal(TO + 4).doubleValue());
                } else {
                    chain.addTransition(from, r.getList(TO), r.getLong(TO + 1));
                }
            }
            return rows(key._1(), key._2(), MarkovRemovalEffect.fit(chain)).iterator();
        }

        /** The fit's channel rows, then its transition rows, in the output layout. */
        private static List<Row> rows(java.sql.Date date, String segment, MarkovRemovalEffect.Result result) {
            List<Row> out = new ArrayList<>();
            for (MarkovRemovalEffect.ChannelResult c : result.channels().values()) {
                out.add(RowFactory.create(
                        date,
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
                        date,
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
            return out;
        }

        // Positions in the summed counts: as_of_date, fit_segment, from, to, journeys, conversions, nulls, value.
        private static final int FROM = 2;
        private static final int TO = 3;
    }
}
