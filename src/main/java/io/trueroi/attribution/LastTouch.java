package io.trueroi.attribution;

import java.util.Arrays;

/** Last touch: the whole conversion to the latest touch at or before it. */
public final class LastTouch implements AttributionModel {
  public static final String NAME = "last_touch";
  private static final long serialVersionUID = 1L;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void conversionWeights(Touches journey, double[] weights) {
    Arrays.fill(weights, 0, journey.size(), 0.0);
    weights[journey.size() - 1] = 1.0;
  }
}
