package io.trueroi.attribution;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.transform;

import org.apache.spark.sql.Column;

/** Linear: every touch of the journey the same share, 1/n (a repeated channel once per touch). */
public final class Linear implements AttributionModel {
  public static final String NAME = "linear";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Column conversionWeights() {
    return transform(col("touches"), t -> lit(1.0));
  }
}
