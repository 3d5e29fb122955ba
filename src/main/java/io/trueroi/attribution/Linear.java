package io.trueroi.attribution;

import java.util.Arrays;

/** Linear: every touch of the journey the same share, 1/n (a repeated channel once per touch). */
public final class Linear implements AttributionModel {
  public static final String NAME = "linear";
  private static final long serialVersionUID = 1L;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void conversionWeights(Touches journey, double[] weights) {
    Arrays.fill(weights, 0, journey.size(), 1.0);
  }
}
