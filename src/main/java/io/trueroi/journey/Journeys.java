package io.trueroi.journey;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.last;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.unix_seconds;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * {@code journey.journeys}: the paths the attribution models read.
 *
 * <p>Converting: one per conversion with a OneID, holding that person's valid touches with
 * {@code conversion_time - lookback <= touch_time <= conversion_time} and after their previous
 * conversion (a touch counts towards one conversion only). A conversion with no such touch has
 * an empty path. Non-converting: per person, the valid touches after their last conversion (all
 * of them if they never bought), limited to the lookback window ending at the latest of those
 * touches; journey_id {@code nc|<one_id>}. Touches are ordered by time (then channel, campaign,
 * id, so ties are deterministic).
 *
 * <p>Put differently, a touch belongs to the person's first conversion at or after it (by time,
 * then conversion_id), if that conversion is within the lookback, and to the non-converting
 * journey if there is none. That is how it is computed: touches and conversions go through one
 * shuffle by one_id as one stream, and a window walking each person's stream from the latest
 * event back hands every touch the nearest conversion seen so far. Cost: one shuffle of touches
 * and conversions by one_id, one sort, one aggregation in place (no second shuffle).
 */
final class Journeys {
    static final List<String> COLUMNS = List.of(
            "journey_id",
            "one_id",
            "conversion_id",
            "converted",
            "conversion_time",
            "conversion_date",
            "order_channel",
            "net_revenue",
            "touches",
            "path_length",
            "first_touch_time",
            "days_to_convert");

    // The _kind of a row in the one stream; conversions sort before touches at one instant.
    private static final int CONVERSION = 0;
    private static final int TOUCH = 1;

    private Journeys() {}

    static Dataset<Row> build(Dataset<Row> touchpoints, Dataset<Row> conversions, int lookbackDays) {
        return journeys(paths(assigned(events(touchpoints, conversions)), lookbackDays));
    }

    /** Valid touches and conversions with a OneID, as one stream of events of one shape. */
    private static Dataset<Row> events(Dataset<Row> touchpoints, Dataset<Row> conversions) {
        Column noString = lit(null).cast("string");
        Dataset<Row> touches = touchpoints
                .filter(col("one_id").isNotNull().and(col("is_invalid").equalTo(false)))
                .select(
                        col("one_id"),
                        col("touch_time").as("_time"),
                        lit(TOUCH).as("_kind"),
                        noString.as("conversion_id"),
                        lit(null).cast("date").as("conversion_date"),
                        noString.as("order_channel"),
                        lit(null).cast(Conversions.MONEY).as("net_revenue"),
                        col("channel"),
                        col("campaign_id"),
                        col("touchpoint_id"));
        Dataset<Row> convs = conversions
                .filter(col("one_id").isNotNull())
                .select(
                        col("one_id"),
                        col("conversion_time").as("_time"),
                        lit(CONVERSION).as("_kind"),
                        col("conversion_id"),
                        col("conversion_date"),
                        col("order_channel"),
                        col("net_revenue").cast(Conversions.MONEY).as("net_revenue"),
                        noString.as("channel"),
                        noString.as("campaign_id"),
                        noString.as("touchpoint_id"));
        return convs.unionByName(touches);
    }

    /** Each event with the person's next conversion at or after it (_conv, _conv_time) and latest event. */
    private static Dataset<Row> assigned(Dataset<Row> events) {
        // Latest event first. At one instant a conversion comes before the touches (a touch at the
        // conversion's time is in its path), and of two conversions at one instant the lower
        // conversion_id comes last, so the touches before both go to it, as the time-then-id order says.
        WindowSpec back = Window.partitionBy("one_id")
                .orderBy(col("_time").desc(), col("_kind"), col("conversion_id").desc())
                .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
        return events
                // One struct, so a conversion's id and time always come from the same row.
                .withColumn(
                        "_next",
                        last(
                                        when(
                                                col("_kind").equalTo(CONVERSION),
                                                struct(
                                                        col("conversion_id").as("id"),
                                                        col("_time").as("time"))),
                                        true)
                                .over(back))
                .withColumn("_latest", first(col("_time")).over(back))
                .withColumn("_conv", col("_next.id"))
                .withColumn("_conv_time", col("_next.time"));
    }

    /** One row per person and conversion (null: trailing touches): the touches in its lookback. */
    private static Dataset<Row> paths(Dataset<Row> assigned, int lookbackDays) {
        long lookbackSeconds = lookbackDays * 86_400L;
        // The window that bounds a touch: its conversion's, or for the trailing touches the one ending
        // at the person's latest event (a trailing touch exists only if that event is a touch).
        Column windowEnd = coalesce(col("_conv_time"), col("_latest"));
        Column inPath = col("_kind")
                .equalTo(TOUCH)
                .and(unix_seconds(col("_time")).geq(unix_seconds(windowEnd).minus(lookbackSeconds)));
        Column touch = struct(col("_time").as("touch_time"), col("channel"), col("campaign_id"), col("touchpoint_id"));
        // Grouped by one_id first: the rows are already laid out by one_id, so this needs no shuffle.
        return assigned.groupBy(col("one_id"), col("_conv"))
                .agg(
                        collect_list(when(inPath, touch)).as("touches"),
                        max(col("_conv_time")).as("conversion_time"),
                        max(col("conversion_date")).as("conversion_date"),
                        max(col("order_channel")).as("order_channel"),
                        max(col("net_revenue")).as("net_revenue"));
    }

    private static Dataset<Row> journeys(Dataset<Row> paths) {
        Column converted = col("_conv").isNotNull();
        return paths.select(
                        when(converted, concat_ws("|", lit("c"), col("_conv")))
                                .otherwise(concat_ws("|", lit("nc"), col("one_id")))
                                .as("journey_id"),
                        col("one_id"),
                        col("_conv").as("conversion_id"),
                        converted.as("converted"),
                        col("conversion_time"),
                        col("conversion_date"),
                        col("order_channel"),
                        coalesce(col("net_revenue"), lit(0).cast(Conversions.MONEY))
                                .as("net_revenue"),
                        // sort_array (compiled) rather than array_sort, whose comparator is an interpreted lambda.
                        sort_array(col("touches"), true).as("touches"))
                .withColumn("path_length", size(col("touches")))
                .withColumn("first_touch_time", expr("get(touches, 0).touch_time"))
                .withColumn(
                        "days_to_convert",
                        coalesce(
                                unix_seconds(col("conversion_time"))
                                        .minus(unix_seconds(col("first_touch_time")))
                                        .divide(86_400)
                                        .cast("decimal(10,2)"),
                                lit(null).cast("decimal(10,2)")))
                .select(COLUMNS.stream().map(c -> col(c)).toArray(Column[]::new));
    }
}
