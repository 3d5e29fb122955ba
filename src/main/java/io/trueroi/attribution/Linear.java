package io.trueroi.attribution;

import io.trueroi.catalog.ModelName;
import java.util.Arrays;

/** Linear: every touch of the journey the same share, 1/n (a repeated channel once per touch). */
public final class Linear implements AttributionModel {
    private static final long serialVersionUID = 1L;

    @Override
    public ModelName name() {
        return ModelName.LINEAR;
    }

    @Override
    public void conversionWeights(Touches journey, double[] weights) {
        Arrays.fill(weights, 0, journey.size(), 1.0);
    }
}
