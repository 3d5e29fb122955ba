package io.trueroi.attribution;

import io.trueroi.catalog.ModelName;
import java.util.Arrays;

/** First touch: the whole conversion to the earliest touch of the journey. */
public final class FirstTouch implements AttributionModel {
    private static final long serialVersionUID = 1L;

    @Override
    public ModelName name() {
        return ModelName.FIRST_TOUCH;
    }

    @Override
    public void conversionWeights(Touches journey, double[] weights) {
        Arrays.fill(weights, 0, journey.size(), 0.0);
        weights[0] = 1.0;
    }
}
