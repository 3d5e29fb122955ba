package io.trueroi.attribution;

import io.trueroi.catalog.ModelName;

/**
 * Position-based (U-shaped): the first touch gets {@code firstWeight}, the last {@code lastWeight},
 * the touches between share the rest equally. One touch gets everything; two touches split in
 * the ratio firstWeight : lastWeight (40/40 gives 50/50), since there is no middle to give the
 * rest to.
 */
public final class PositionBased implements AttributionModel {
    private static final long serialVersionUID = 1L;

    private final double firstWeight;
    private final double lastWeight;

    public PositionBased(double firstWeight, double lastWeight) {
        if (!(firstWeight >= 0 && lastWeight >= 0 && firstWeight + lastWeight <= 1)) {
            throw new IllegalArgumentException("weights must be non-negative with a sum of at most 1, cannot be: "
                    + firstWeight + ", " + lastWeight);
        }
        this.firstWeight = firstWeight;
        this.lastWeight = lastWeight;
    }

    @Override
    public ModelName name() {
        return ModelName.POSITION_BASED;
    }

    @Override
    public void conversionWeights(Touches journey, double[] weights) {
        int n = journey.size();
        if (n == 1) {
            weights[0] = 1.0;
            return;
        }
        double middle = (1 - firstWeight - lastWeight) / (n - 2);
        for (int i = 1; i < n - 1; i++) {
            weights[i] = middle;
        }
        weights[0] = firstWeight;
        weights[n - 1] = lastWeight;
    }
}
