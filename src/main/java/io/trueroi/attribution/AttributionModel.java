package io.trueroi.attribution;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * How a converting journey's conversion and net revenue are split among its touches.
 *
 * <p>A model gives every element of the journey's {@code touches} array (time-ordered structs of
 * touch_time, channel, campaign_id, touchpoint_id) a non-negative weight, as an
 * {@code array<double>} expression over the columns of {@code journey.journeys}; {@link Credits}
 * turns weights into credits that sum exactly to 1 and to the net revenue. Weights need not be
 * normalised; null, NaN or negative weights count as 0, and a journey whose weights are all 0
 * is split equally (linear), so no model can leave a conversion uncredited.
 */
public interface AttributionModel {
  /** The value of the credits' {@code model} column. */
  String name();

  /**
   * Adds the per-journey columns the weights read (names starting with {@code _}), so a value
   * that is the same for every touch is computed once per journey, not once per touch: array
   * functions are evaluated element by element, and an expression inside a lambda runs for each.
   */
  default Dataset<Row> prepare(Dataset<Row> journeys) {
    return journeys;
  }

  /** Weights for the conversion credit. */
  Column conversionWeights();

  /** Weights for the revenue credit; the same as the conversion weights unless the model says otherwise. */
  default Column revenueWeights() {
    return conversionWeights();
  }
}
