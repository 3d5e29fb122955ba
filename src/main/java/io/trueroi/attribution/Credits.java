package io.trueroi.attribution;

import static org.apache.spark.sql.functions.aggregate;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

import java.time.ZoneId;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Per-touchpoint credit of one model: {@code attribution.credits} rows for every converting
 * journey, one per touch.
 *
 * <p>Weights become shares {@code w_i / Σw}; the conversion credit is the share rounded to 12
 * decimal places and the revenue credit {@code net_revenue × share} rounded half-even to the
 * cent. The rounding remainder ({@code 1 − Σ rounded}, {@code net_revenue − Σ rounded}) goes to
 * the touch with the largest weight, the latest of them on a tie, so every journey's credits sum
 * exactly to 1 and to its net revenue. A converting journey with no touch gets one row with
 * channel {@code (none)} and no touchpoint, holding the whole conversion: revenue nothing
 * touched still appears, and every model's totals equal the conversions' totals.
 *
 * <p>Cost: a narrow map over the journeys (array functions within each row, no shuffle).
 */
public final class Credits {
  /** The channel of a conversion no touch preceded. */
  public static final String NO_TOUCH = "(none)";
  static final String SHARE = "decimal(18,12)";
  static final String MONEY = "decimal(18,2)";
  static final List<String> COLUMNS = List.of("model", "journey_id", "conversion_id", "one_id", "conversion_time",
      "conversion_date", "order_channel", "touch_index", "touchpoint_id", "touch_time", "touch_date", "channel",
      "campaign_id", "conversion_credit", "revenue_credit");

  // Sums are kept at 20 digits: Spark narrows the scale of a 38-digit decimal result to make
  // room for its integer part, which would round the remainder away.

  private Credits() {}

  public static Dataset<Row> of(Dataset<Row> journeys, AttributionModel model, ZoneId businessZone) {
    Column none = array(struct(lit(null).cast("timestamp").as("touch_time"), lit(NO_TOUCH).as("channel"),
        lit(null).cast("string").as("campaign_id"), lit(null).cast("string").as("touchpoint_id")));
    Dataset<Row> j = model.prepare(journeys.filter(col("converted"))
            .withColumn("touches", when(size(col("touches")).equalTo(0), none).otherwise(col("touches"))))
        .withColumn("_wc", clean(model.conversionWeights()))
        .withColumn("_wrc", clean(model.revenueWeights()))
        .withColumn("_wt", aggregate(col("_wc"), lit(0.0), (a, x) -> a.plus(x)))
        .withColumn("_wrt", aggregate(col("_wrc"), lit(0.0), (a, x) -> a.plus(x)))
        .withColumn("_w", share("_wc", "_wt"))
        .withColumn("_wr", share("_wrc", "_wrt"))
        .withColumn("_c", expr("transform(_w, x -> CAST(x AS " + SHARE + "))"))
        .withColumn("_c_rest", expr("CAST(1 - aggregate(_c, CAST(0 AS decimal(20,12)), (a, x) -> CAST(a + x AS decimal(20,12)))"
            + " AS decimal(20,12))"))
        .withColumn("_c_at", lastMax("_w"))
        .withColumn("_r", expr("transform(_wr, x -> CAST(bround(net_revenue * CAST(x AS decimal(19,18)), 2) AS "
            + MONEY + "))"))
        .withColumn("_r_rest", expr("CAST(net_revenue - aggregate(_r, CAST(0 AS decimal(20,2)),"
            + " (a, x) -> CAST(a + x AS decimal(20,2))) AS decimal(20,2))"))
        .withColumn("_r_at", lastMax("_wr"))
        .withColumn("_credits", expr("transform(touches, (t, i) -> named_struct("
            + "'touch_index', i, 'touchpoint_id', t.touchpoint_id, 'touch_time', t.touch_time, 'channel', t.channel,"
            + " 'campaign_id', t.campaign_id,"
            + " 'conversion_credit', CAST(_c[i] + IF(i = _c_at, _c_rest, CAST(0 AS decimal(20,12))) AS " + SHARE + "),"
            + " 'revenue_credit', CAST(_r[i] + IF(i = _r_at, _r_rest, CAST(0 AS decimal(20,2))) AS " + MONEY + ")))"));
    String zone = businessZone.getId();
    return j.select(lit(model.name()).as("model"), col("journey_id"), col("conversion_id"), col("one_id"),
            col("conversion_time"), col("conversion_date"), col("order_channel"), expr("inline(_credits)"))
        .withColumn("touch_date", expr("to_date(from_utc_timestamp(touch_time, '" + zone + "'))"))
        .select(COLUMNS.stream().map(c -> col(c)).toArray(Column[]::new));
  }

  /** Bad weights (null, NaN, negative) are 0. */
  private static Column clean(Column weights) {
    return transform(weights, x -> when(x.isNull().or(x.isNaN()).or(x.leq(0)), lit(0.0)).otherwise(x));
  }

  /** Shares w_i / Σw from columns computed once per journey; an all-zero journey is split equally. */
  private static Column share(String weights, String total) {
    return when(col(total).gt(0), transform(col(weights), x -> x.divide(col(total))))
        .otherwise(transform(col(weights), x -> lit(1.0).divide(size(col(weights)))));
  }

  /** 0-based index of the largest weight, the last one on a tie. */
  private static Column lastMax(String weights) {
    return expr("size(" + weights + ") - array_position(reverse(" + weights + "), array_max(" + weights + "))");
  }
}
