package io.trueroi.attribution;

import io.trueroi.catalog.ModelName;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fitted purchase probability of a person-day, {@code p = b + Σ_c β_c x_c}, where x_c is the
 * person's decayed exposure to channel c ({@code Σ 2^(−Δ/h)} over its touches Δ days before, Δ
 * below the exposure window) and b the organic baseline ({@link IncrementalTraining} fits it).
 *
 * <p>A conversion's credit is the counterfactual drop in its probability when one channel's
 * touches are removed, {@code β_c x_c}, and the baseline keeps {@code b}: shares over
 * {@code b + Σ β_c x_c}, the baseline's share credited to the row {@code (baseline)}
 * ({@link Credits#BASELINE}). In this additive model the drops add up to the probability, so the
 * shares are exact. Each touch of the journey carries its own term {@code β_c 2^(−Δ/h)}. Only the
 * journey's own touches count (a touch counts toward one conversion; an older touch that lifted
 * a repeat purchase was credited to the purchase before). A negative coefficient (a channel whose
 * exposure goes with fewer purchases) counts as 0.
 */
public final class IncrementalModel implements AttributionModel {
    private static final long serialVersionUID = 1L;

    private final List<String> channels;
    private final double[] beta;
    private final double baseline;
    private final int exposureWindowDays;
    private final double halfLifeDays;
    private final String zone;

    private transient Map<String, Integer> index;
    private transient ZoneId zoneId;

    IncrementalModel(
            List<String> channels,
            double[] beta,
            double baseline,
            int exposureWindowDays,
            double halfLifeDays,
            ZoneId zone) {
        if (channels.size() != beta.length) {
            throw new IllegalArgumentException(
                    "one coefficient per channel, cannot be: " + beta.length + " for " + channels);
        }
        this.channels = List.copyOf(channels);
        this.beta = beta.clone();
        this.baseline = baseline;
        this.exposureWindowDays = exposureWindowDays;
        this.halfLifeDays = halfLifeDays;
        this.zone = zone.getId();
    }

    @Override
    public ModelName name() {
        return ModelName.INCREMENTAL;
    }

    public List<String> channels() {
        return channels;
    }

    /** The coefficient of each channel, in the order of {@link #channels()}. */
    public double[] coefficients() {
        return beta.clone();
    }

    public double baseline() {
        return baseline;
    }

    @Override
    public void conversionWeights(Touches journey, double[] weights) {
        if (index == null) {
            index = new HashMap<>();
            for (int i = 0; i < channels.size(); i++) {
                index.put(channels.get(i), i);
            }
            zoneId = ZoneId.of(zone);
        }
        int n = journey.size();
        for (int i = 0; i < n; i++) {
            Integer c = index.get(journey.channel(i));
            weights[i] = 0;
            if (c == null || !(beta[c] > 0)) {
                continue;
            }
            long micros = journey.touchMicros(i);
            long touchDay = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L))
                    .atZone(zoneId)
                    .toLocalDate()
                    .toEpochDay();
            long lag = journey.day() - touchDay;
            if (lag >= 0 && lag < exposureWindowDays) {
                weights[i] = beta[c] * Math.pow(2, -lag / halfLifeDays);
            }
        }
    }

    @Override
    public boolean hasBaseline() {
        return true;
    }

    @Override
    public double baselineWeight(Touches journey) {
        return Math.max(0, baseline);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("incremental: baseline " + baseline);
        for (int i = 0; i < channels.size(); i++) {
            b.append(", ").append(channels.get(i)).append(' ').append(beta[i]);
        }
        return b.toString();
    }
}
