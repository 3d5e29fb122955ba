package io.trueroi.attribution;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Any {@link AttributionModel} applied to path aggregates (distinct path → conversions, value)
 * instead of journey rows: per channel, the conversions and value the model credits to it, with
 * the same shares as {@link Credits} (weights cleaned and normalised the same way) but unrounded.
 * For comparing the production models with published results on path data (ChannelAttribution's
 * example paths). Paths without channels credit nobody. Touch times are one second apart, so a
 * time-based model sees the order, not a real spacing.
 */
public final class PathCredits {
    private PathCredits() {}

    public static Map<String, double[]> of(List<PathCount> paths, AttributionModel model) {
        Map<String, double[]> out = new TreeMap<>();
        double[] weights = new double[16];
        double[] shares = new double[16];
        for (PathCount p : paths) {
            int n = p.channels().size();
            if (n == 0) {
                continue;
            }
            if (weights.length < n) {
                weights = new double[n];
                shares = new double[n];
            }
            long[] micros = new long[n];
            for (int i = 0; i < n; i++) {
                micros[i] = i * 1_000_000L;
            }
            Touches touches = Touches.of(p.channels().toArray(String[]::new), micros, null);
            model.conversionWeights(touches, weights);
            Credits.Split.shares(weights, n, shares);
            for (int i = 0; i < n; i++) {
                out.computeIfAbsent(p.channels().get(i), k -> new double[2])[0] += p.conversions() * shares[i];
            }
            model.revenueWeights(touches, weights);
            Credits.Split.shares(weights, n, shares);
            for (int i = 0; i < n; i++) {
                out.get(p.channels().get(i))[1] += p.value() * shares[i];
            }
        }
        return out;
    }
}
