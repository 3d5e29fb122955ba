package io.trueroi.attribution;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;

/**
 * Position-based (U-shaped): the first touch gets {@code firstWeight}, the last {@code lastWeight},
 * the touches between share the rest equally. One touch gets everything; two touches split in
 * the ratio firstWeight : lastWeight (40/40 gives 50/50), since there is no middle to give the
 * rest to.
 */
public final class PositionBased implements AttributionModel {
  public static final String NAME = "position_based";

  private final double firstWeight;
  private final double lastWeight;

  public PositionBased(double firstWeight, double lastWeight) {
    if (!(firstWeight >= 0 && lastWeight >= 0 && firstWeight + lastWeight <= 1)) {
      throw new IllegalArgumentException(
          "weights must be non-negative with a sum of at most 1, cannot be: " + firstWeight + ", " + lastWeight);
    }
    this.firstWeight = firstWeight;
    this.lastWeight = lastWeight;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Column conversionWeights() {
    Column n = size(col("touches"));
    double middle = 1 - firstWeight - lastWeight;
    return transform(col("touches"), (t, i) -> when(n.equalTo(1), lit(1.0))
        .when(i.equalTo(0), lit(firstWeight))
        .when(i.equalTo(n.minus(1)), lit(lastWeight))
        .otherwise(lit(middle).divide(n.minus(2))));
  }
}
