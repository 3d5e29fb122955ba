package io.trueroi.attribution;

import io.trueroi.catalog.ModelName;

/**
 * Time decay: a touch's weight is {@code 2^(-d / halfLife)}, d the time from the touch to the
 * conversion, so it halves every half-life. Weights are taken relative to the journey's last
 * touch (d measured to it instead): the common factor cancels in the shares, and the largest
 * weight stays 1 however long the lookback, so nothing underflows to zero.
 */
public final class TimeDecay implements AttributionModel {
    private static final long serialVersionUID = 1L;
    private static final double MICROS_PER_DAY = 86_400_000_000.0;

    private final double halfLifeDays;

    public TimeDecay(double halfLifeDays) {
        if (!(halfLifeDays > 0) || Double.isInfinite(halfLifeDays)) {
            throw new IllegalArgumentException(
                    "half-life must be a positive number of days, cannot be: " + halfLifeDays);
        }
        this.halfLifeDays = halfLifeDays;
    }

    @Override
    public ModelName name() {
        return ModelName.TIME_DECAY;
    }

    @Override
    public void conversionWeights(Touches journey, double[] weights) {
        int n = journey.size();
        long last = journey.touchMicros(n - 1);
        double scale = -halfLifeDays * MICROS_PER_DAY;
        for (int i = 0; i < n; i++) {
            weights[i] = Math.pow(2.0, (last - journey.touchMicros(i)) / scale);
        }
    }
}
