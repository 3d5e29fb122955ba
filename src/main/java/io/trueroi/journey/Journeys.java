package io.trueroi.journey;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lag;
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

/**
 * {@code journey.journeys}: the paths the attribution models read.
 *
 * <p>Converting: one per conversion with a OneID, holding that person's valid touches with
 * {@code conversion_time - lookback <= touch_time <= conversion_time} and after their previous
 * conversion (a touch counts towards one conversion only). A conversion with no such touch has
 * an empty path. Non-converting: per person, the valid touches after their last conversion (all
 * of them if they never bought), limited to the lookback window ending at the latest of those
 * touches; journey_id {@code nc|<one_id>}. Touches are ordered by time (then channel, campaign,
 * id, so ties are deterministic). Cost: one shuffle of touches and conversions by one_id.
 */
final class Journeys {
  static final List<String> COLUMNS = List.of("journey_id", "one_id", "conversion_id", "converted",
      "conversion_time", "conversion_date", "order_channel", "net_revenue", "touches", "path_length",
      "first_touch_time", "days_to_convert");

  private Journeys() {}

  static Dataset<Row> build(Dataset<Row> touchpoints, Dataset<Row> conversions, int lookbackDays) {
    Dataset<Row> touches = touchpoints.filter(col("one_id").isNotNull().and(col("is_invalid").equalTo(false)))
        .select(col("one_id").as("t_one_id"), col("touch_time"), col("channel"), col("campaign_id"),
            col("touchpoint_id"));
    Dataset<Row> convs = conversions.filter(col("one_id").isNotNull())
        .withColumn("prev_time", lag("conversion_time", 1)
            .over(Window.partitionBy("one_id").orderBy("conversion_time", "conversion_id")));
    long lookbackSeconds = lookbackDays * 86_400L;
    Column inWindow = col("t_one_id").equalTo(col("one_id"))
        .and(col("touch_time").leq(col("conversion_time")))
        .and(unix_seconds(col("touch_time")).geq(unix_seconds(col("conversion_time")).minus(lookbackSeconds)))
        .and(col("prev_time").isNull().or(col("touch_time").gt(col("prev_time"))));
    Column touch = struct(col("touch_time"), col("channel"), col("campaign_id"), col("touchpoint_id"));
    Dataset<Row> converting = convs.join(touches, inWindow, "left_outer")
        .groupBy("one_id", "conversion_id", "conversion_time", "conversion_date", "order_channel", "net_revenue")
        // A conversion with no touch joins to nulls: collect no struct for it. Touches are sorted
        // with sort_array (compiled) rather than array_sort, whose comparator is an interpreted lambda.
        .agg(collect_list(when(col("touchpoint_id").isNotNull(), touch)).as("touches"))
        .select(
            concat_ws("|", lit("c"), col("conversion_id")).as("journey_id"), col("one_id"), col("conversion_id"),
            lit(true).as("converted"), col("conversion_time"), col("conversion_date"), col("order_channel"),
            col("net_revenue"), sort_array(col("touches"), true).as("touches"));

    Dataset<Row> lastConversion = conversions.filter(col("one_id").isNotNull())
        .groupBy(col("one_id").as("t_one_id")).agg(max("conversion_time").as("last_conversion"));
    Dataset<Row> trailing = touches.join(lastConversion, "t_one_id", "left_outer")
        .filter(col("last_conversion").isNull().or(col("touch_time").gt(col("last_conversion"))))
        .withColumn("last_touch", max("touch_time").over(Window.partitionBy("t_one_id")))
        .filter(unix_seconds(col("touch_time")).geq(unix_seconds(col("last_touch")).minus(lookbackSeconds)));
    Dataset<Row> nonConverting = trailing.groupBy("t_one_id").agg(collect_list(touch).as("touches"))
        .select(
            concat_ws("|", lit("nc"), col("t_one_id")).as("journey_id"), col("t_one_id").as("one_id"),
            lit(null).cast("string").as("conversion_id"), lit(false).as("converted"),
            lit(null).cast("timestamp").as("conversion_time"), lit(null).cast("date").as("conversion_date"),
            lit(null).cast("string").as("order_channel"), lit(0).cast(Conversions.MONEY).as("net_revenue"),
            sort_array(col("touches"), true).as("touches"));

    return converting.unionByName(nonConverting)
        .withColumn("path_length", size(col("touches")))
        .withColumn("first_touch_time", expr("get(touches, 0).touch_time"))
        .withColumn("days_to_convert", coalesce(
            unix_seconds(col("conversion_time")).minus(unix_seconds(col("first_touch_time")))
                .divide(86_400).cast("decimal(10,2)"), lit(null).cast("decimal(10,2)")))
        .select(COLUMNS.stream().map(c -> col(c)).toArray(Column[]::new));
  }
}
