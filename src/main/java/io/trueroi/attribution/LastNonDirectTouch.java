package io.trueroi.attribution;

import static org.apache.spark.sql.functions.array_position;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.reverse;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Last non-direct touch: the whole conversion to the latest touch whose channel is not one of
 * the configured direct/organic channels; a path of direct touches only credits its last touch.
 */
public final class LastNonDirectTouch implements AttributionModel {
  public static final String NAME = "last_non_direct";

  private final List<String> directChannels;

  public LastNonDirectTouch(List<String> directChannels) {
    this.directChannels = List.copyOf(directChannels);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Dataset<Row> prepare(Dataset<Row> journeys) {
    Column touches = col("touches");
    Column nonDirect = transform(touches, t -> not(t.getField("channel").isin(directChannels.toArray())));
    // 1-based position of the last non-direct touch counted from the end; 0 when there is none.
    Column fromEnd = array_position(reverse(nonDirect), true);
    return journeys.withColumn("_last_non_direct",
        when(fromEnd.equalTo(0), size(touches).minus(1)).otherwise(size(touches).minus(fromEnd)));
  }

  @Override
  public Column conversionWeights() {
    return transform(col("touches"),
        (t, i) -> when(i.equalTo(col("_last_non_direct")), lit(1.0)).otherwise(lit(0.0)));
  }
}
