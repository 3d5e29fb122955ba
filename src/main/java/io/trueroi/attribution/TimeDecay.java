package io.trueroi.attribution;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.unix_micros;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Time decay: a touch's weight is {@code 2^(-d / halfLife)}, d the time from the touch to the
 * conversion, so it halves every half-life. Weights are taken relative to the journey's last
 * touch (d measured to it instead): the common factor cancels in the shares, and the largest
 * weight stays 1 however long the lookback, so nothing underflows to zero.
 */
public final class TimeDecay implements AttributionModel {
  public static final String NAME = "time_decay";
  private static final double MICROS_PER_DAY = 86_400_000_000.0;

  private final double halfLifeDays;

  public TimeDecay(double halfLifeDays) {
    if (!(halfLifeDays > 0) || Double.isInfinite(halfLifeDays)) {
      throw new IllegalArgumentException("half-life must be a positive number of days, cannot be: " + halfLifeDays);
    }
    this.halfLifeDays = halfLifeDays;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Dataset<Row> prepare(Dataset<Row> journeys) {
    return journeys.withColumn("_last_touch_us", unix_micros(element_at(col("touches"), -1).getField("touch_time")));
  }

  @Override
  public Column conversionWeights() {
    return transform(col("touches"), t -> pow(lit(2.0),
        col("_last_touch_us").minus(unix_micros(t.getField("touch_time"))).divide(-halfLifeDays * MICROS_PER_DAY)));
  }
}
