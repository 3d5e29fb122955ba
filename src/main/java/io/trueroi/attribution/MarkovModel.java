package io.trueroi.attribution;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.transform;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Markov removal effect per touchpoint: a converting journey's conversion (revenue) is split among
 * its channels in proportion to their conversion (revenue) removal effects, and a channel's part
 * is split equally among its touches on the path, so repeating a channel does not raise its
 * credit. Removal effects are those of the journey's segment, or of the global model when the
 * segment was not fitted. A journey whose channels all have a removal effect of 0 (or that no
 * fit saw) is split equally among its touches, as {@link Credits} does for any all-zero weights.
 */
public final class MarkovModel implements AttributionModel {
  public static final String NAME = "markov";

  /** segment → channel → {removal effect, revenue removal effect}. */
  private final Map<String, Map<String, double[]>> effects;
  private final String segmentColumn;

  /**
   * @param effects removal effects by fitted segment ({@link MarkovTraining#ALL} for the global fit)
   * @param segmentColumn the journeys column segments come from, "" for none
   */
  public MarkovModel(Map<String, Map<String, double[]>> effects, String segmentColumn) {
    this.effects = new TreeMap<>(effects);
    this.segmentColumn = segmentColumn;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Dataset<Row> prepare(Dataset<Row> journeys) {
    // How often each touch's channel occurs on its path, once per journey.
    return journeys.withColumn("_channel_repeats", transform(col("touches"),
        t -> size(filter(col("touches"), u -> u.getField("channel").equalTo(t.getField("channel"))))))
        .withColumn("_markov_effects", effects(0))
        .withColumn("_markov_revenue_effects", effects(1));
  }

  @Override
  public Column conversionWeights() {
    return weights("_markov_effects");
  }

  @Override
  public Column revenueWeights() {
    return weights("_markov_revenue_effects");
  }

  private static Column weights(String effects) {
    return transform(col("touches"), (t, i) -> coalesce(element_at(col(effects), t.getField("channel")), lit(0.0))
        .divide(element_at(col("_channel_repeats"), i.plus(1))));
  }

  /** The removal effects that apply to each journey: its segment's, else the global fit's. */
  private Column effects(int which) {
    Map<String, double[]> global = effects.getOrDefault(MarkovTraining.ALL, Map.of());
    if (global.isEmpty()) {
      return map(lit("(no fit)"), lit(0.0));
    }
    Column lookup = literal(global, which);
    if (!segmentColumn.isEmpty() && effects.size() > 1) {
      List<Column> bySegment = new ArrayList<>();
      effects.forEach((segment, channels) -> {
        if (!segment.equals(MarkovTraining.ALL)) {
          bySegment.add(lit(segment));
          bySegment.add(literal(channels, which));
        }
      });
      Column key = coalesce(col(segmentColumn).cast("string"), lit(MarkovTraining.UNKNOWN));
      lookup = coalesce(element_at(map(bySegment.toArray(Column[]::new)), key), lookup);
    }
    return lookup;
  }

  private static Column literal(Map<String, double[]> channels, int which) {
    List<Column> kv = new ArrayList<>();
    channels.forEach((channel, re) -> {
      kv.add(lit(channel));
      kv.add(lit(re[which]));
    });
    return map(kv.toArray(Column[]::new));
  }
}
