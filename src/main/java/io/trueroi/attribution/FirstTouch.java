package io.trueroi.attribution;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;

/** First touch: the whole conversion to the earliest touch of the journey. */
public final class FirstTouch implements AttributionModel {
  public static final String NAME = "first_touch";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Column conversionWeights() {
    return transform(col("touches"), (t, i) -> when(i.equalTo(0), lit(1.0)).otherwise(lit(0.0)));
  }
}
