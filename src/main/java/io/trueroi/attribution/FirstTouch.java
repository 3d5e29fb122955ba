package io.trueroi.attribution;

import java.util.Arrays;

/** First touch: the whole conversion to the earliest touch of the journey. */
public final class FirstTouch implements AttributionModel {
  public static final String NAME = "first_touch";
  private static final long serialVersionUID = 1L;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void conversionWeights(Touches journey, double[] weights) {
    Arrays.fill(weights, 0, journey.size(), 0.0);
    weights[0] = 1.0;
  }
}
