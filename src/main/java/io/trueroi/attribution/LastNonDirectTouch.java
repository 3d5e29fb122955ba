package io.trueroi.attribution;

import io.trueroi.catalog.ModelName;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Last non-direct touch: the whole conversion to the latest touch whose channel is not one of
 * the configured direct/organic channels; a path of direct touches only credits its last touch.
 */
public final class LastNonDirectTouch implements AttributionModel {
    private static final long serialVersionUID = 1L;

    private final Set<String> directChannels;

    public LastNonDirectTouch(List<String> directChannels) {
        this.directChannels = Set.copyOf(directChannels);
    }

    @Override
    public ModelName name() {
        return ModelName.LAST_NON_DIRECT;
    }

    @Override
    public void conversionWeights(Touches journey, double[] weights) {
        int n = journey.size();
        Arrays.fill(weights, 0, n, 0.0);
        int at = n - 1;
        while (at >= 0 && directChannels.contains(journey.channel(at))) {
            at--;
        }
        weights[at < 0 ? n - 1 : at] = 1.0;
    }
}
