package io.trueroi.attribution;

import io.trueroi.catalog.ModelName;
import java.util.Arrays;

/** Last touch: the whole conversion to the latest touch at or before it. */
public final class LastTouch implements AttributionModel {
    private static final long serialVersionUID = 1L;

    @Override
    public ModelName name() {
        return ModelName.LAST_TOUCH;
    }

    @Override
    public void conversionWeights(Touches journey, double[] weights) {
        Arrays.fill(weights, 0, journey.size(), 0.0);
        weights[journey.size() - 1] = 1.0;
    }
}
