package io.trueroi.attribution;

import io.trueroi.catalog.ModelName;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Shapley value of each channel in the conversion-rate game over channel sets: a converting
 * journey that touched the set S is split among S's channels by their Shapley values in the game
 * whose worth of a coalition U ⊆ S is the conversion rate of journeys that touched exactly U
 * (converting and not), and a channel's part equally among its touches.
 *
 * <p>Rates are observed only for sets enough journeys touched. The game is completed the way that
 * adds no interaction the data did not show: its Harsanyi dividends d(T) ({@code v(U) = Σ_{T ⊆ U}
 * d(T)}) are those that reproduce every observed rate, and 0 on every set not observed. Then the
 * Shapley value of channel j in S is exactly {@code φ_j(S) = Σ_{T ⊆ S, j ∈ T, T observed} d(T) / |T|}
 * (Zhao et al. 2018's simplified form; a dividend is shared equally by the members of its set), so
 * the model carries one number per observed set and costs, per journey, a walk over the subsets of
 * its own set (or over the observed sets, whichever is fewer). Exact for any number of channels up
 * to 64, deterministic. The untouched have no journeys, so the game has no organic rate: {@code
 * v(∅) = 0}, and the channels share each conversion whole. Negative values (a channel whose
 * coalitions convert less) count as 0, as any model's negative weights do ({@link Credits}).
 */
public final class ShapleyModel implements AttributionModel {
    private static final long serialVersionUID = 1L;

    /** Channels the fit saw, by bit position in a set's mask. */
    private final List<String> channels;

    /** Observed set mask → {conversion dividend / |T|, revenue dividend / |T|}. */
    private final HashMap<Long, double[]> perMember;

    private transient Map<String, Integer> index;

    /**
     * @param channels the fitted channels; a set's mask has bit i for {@code channels.get(i)}
     * @param dividends observed set mask → {conversion-rate dividend, revenue-per-journey dividend}
     */
    ShapleyModel(List<String> channels, Map<Long, double[]> dividends) {
        if (channels.size() > 64) {
            throw new IllegalArgumentException("at most 64 channels, cannot be: " + channels.size());
        }
        this.channels = List.copyOf(channels);
        this.perMember = new HashMap<>();
        dividends.forEach((mask, d) -> {
            int members = Long.bitCount(mask);
            perMember.put(mask, new double[] {d[0] / members, d[1] / members});
        });
    }

    @Override
    public ModelName name() {
        return ModelName.SHAPLEY;
    }

    List<String> channels() {
        return channels;
    }

    @Override
    public void conversionWeights(Touches journey, double[] weights) {
        weights(journey, weights, 0);
    }

    @Override
    public void revenueWeights(Touches journey, double[] weights) {
        weights(journey, weights, 1);
    }

    private void weights(Touches journey, double[] weights, int which) {
        if (index == null) {
            index = new HashMap<>();
            for (int i = 0; i < channels.size(); i++) {
                index.put(channels.get(i), i);
            }
        }
        long set = 0;
        int n = journey.size();
        for (int i = 0; i < n; i++) {
            Integer bit = index.get(journey.channel(i));
            if (bit != null) {
                set |= 1L << bit;
            }
        }
        double[] value = values(set, which);
        for (int i = 0; i < n; i++) {
            Integer bit = index.get(journey.channel(i));
            weights[i] = bit == null ? 0.0 : value[bit] / journey.touchesOfChannel(i);
        }
    }

    /** φ_j(S) for every channel j (0 outside S): conversion ({@code which} 0) or revenue (1). */
    double[] values(long set, int which) {
        double[] phi = new double[channels.size()];
        if (set == 0) {
            return phi;
        }
        if (Long.bitCount(set) <= 20 && (1L << Long.bitCount(set)) <= perMember.size()) {
            // Every non-empty subset of the set, largest first (the standard sub-mask walk).
            for (long t = set; t != 0; t = (t - 1) & set) {
                add(phi, t, perMember.get(t), which);
            }
        } else {
            for (Map.Entry<Long, double[]> e : perMember.entrySet()) {
                if ((e.getKey() & ~set) == 0) {
                    add(phi, e.getKey(), e.getValue(), which);
                }
            }
        }
        return phi;
    }

    private static void add(double[] phi, long t, double[] share, int which) {
        if (share == null) {
            return;
        }
        for (long rest = t; rest != 0; rest &= rest - 1) {
            phi[Long.numberOfTrailingZeros(rest)] += share[which];
        }
    }

    @Override
    public String toString() {
        return "shapley over " + channels + ", " + perMember.size() + " observed sets";
    }

    /** For tests: the model's per-member dividend of a set, or null. */
    double[] perMember(long set) {
        double[] d = perMember.get(set);
        return d == null ? null : Arrays.copyOf(d, 2);
    }
}
