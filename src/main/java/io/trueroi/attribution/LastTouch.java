package io.trueroi.attribution;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;

/** Last touch: the whole conversion to the latest touch at or before it. */
public final class LastTouch implements AttributionModel {
  public static final String NAME = "last_touch";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Column conversionWeights() {
    Column last = size(col("touches")).minus(1);
    return transform(col("touches"), (t, i) -> when(i.equalTo(last), lit(1.0)).otherwise(lit(0.0)));
  }
}
