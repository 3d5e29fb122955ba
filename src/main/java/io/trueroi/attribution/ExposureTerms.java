package io.trueroi.attribution;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The terms of the incremental model for one person-day, from the person's touches of the exposure
 * window before it. Per channel c: its decayed exposure {@code e_{c,h} = Σ n·2^(−Δ/h)} at each
 * half-life h of {@link #halfLives()} (Δ the touch's age in days, 0 ≤ Δ < window, n the touches
 * that day); a saturation term {@code log(1 + e_{c,h0})} at the configured half-life h0; and per
 * synergy pair (a, b) the geometric mean {@code √(e_{a,h0}·e_{b,h0})}, non-zero only while both
 * were touched. The layout: channel c's decay terms at {@code c·|H| + j}, its saturation term at
 * {@code k·|H| + c}, pair p's at {@code k·|H| + k + p}. The fit ({@link IncrementalTraining}) and
 * the credits ({@link IncrementalModel}) compute terms here, so they cannot drift apart.
 *
 * <p>Cost: per person-day, touches in the window × half-lives multiply-adds.
 */
final class ExposureTerms implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int channels;
    private final double[] halfLives;
    private final int primary;
    private final int window;
    private final int[][] pairs;
    /** decay[j][Δ] = 2^(−Δ/halfLives[j]). */
    private final double[][] decay;

    /**
     * @param halfLives the decay bases, ascending, containing {@code primary}'s value
     * @param primary index in {@code halfLives} of the configured half-life: the saturation and
     *     synergy terms', and the one term of the linear model
     * @param pairs synergy pairs of channel indexes, each {a, b} with a &lt; b
     */
    ExposureTerms(int channels, double[] halfLives, int primary, int window, List<int[]> pairs) {
        if (halfLives.length == 0 || primary < 0 || primary >= halfLives.length) {
            throw new IllegalArgumentException(
                    "primary must index the half-lives, cannot be: " + primary + " of " + Arrays.toString(halfLives));
        }
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1, cannot be: " + window);
        }
        this.channels = channels;
        this.halfLives = halfLives.clone();
        this.primary = primary;
        this.window = window;
        this.pairs = pairs.stream().map(int[]::clone).toArray(int[][]::new);
        this.decay = new double[halfLives.length][window];
        for (int j = 0; j < halfLives.length; j++) {
            for (int d = 0; d < window; d++) {
                decay[j][d] = Math.pow(2, -d / halfLives[j]);
            }
        }
    }

    int channels() {
        return channels;
    }

    double[] halfLives() {
        return halfLives.clone();
    }

    int primary() {
        return primary;
    }

    int window() {
        return window;
    }

    List<int[]> pairs() {
        List<int[]> out = new ArrayList<>();
        for (int[] p : pairs) {
            out.add(p.clone());
        }
        return out;
    }

    int pairCount() {
        return pairs.length;
    }

    /** Channel {@code side} (0 or 1) of synergy pair {@code p}. */
    int pairChannel(int p, int side) {
        return pairs[p][side];
    }

    /** The channel a decay, saturation or synergy term belongs to (a pair's first channel). */
    int channelOf(int term) {
        int h = halfLives.length;
        if (term < channels * h) {
            return term / h;
        }
        if (term < channels * h + channels) {
            return term - channels * h;
        }
        return pairs[term - channels * h - channels][0];
    }

    boolean isSynergy(int term) {
        return term >= channels * halfLives.length + channels;
    }

    boolean isSaturation(int term) {
        return term >= channels * halfLives.length && !isSynergy(term);
    }

    /** Number of terms: k·|H| decay, k saturation, one per pair. */
    int size() {
        return channels * halfLives.length + channels + pairs.length;
    }

    int decayTerm(int channel, int j) {
        return channel * halfLives.length + j;
    }

    int saturationTerm(int channel) {
        return channels * halfLives.length + channel;
    }

    int synergyTerm(int pair) {
        return channels * halfLives.length + channels + pair;
    }

    /** 2^(−age/h_j), 0 outside the window. */
    double decay(int j, int age) {
        return age < 0 || age >= window ? 0 : decay[j][age];
    }

    /**
     * Fills {@code terms} with one day's terms. {@code terms[c·|H| + j]} must already hold the
     * decayed exposures {@link #addTouch} summed; the rest is derived from them.
     */
    void derive(double[] terms) {
        for (int c = 0; c < channels; c++) {
            terms[saturationTerm(c)] = Math.log1p(terms[decayTerm(c, primary)]);
        }
        for (int p = 0; p < pairs.length; p++) {
            double a = terms[decayTerm(pairs[p][0], primary)];
            double b = terms[decayTerm(pairs[p][1], primary)];
            terms[synergyTerm(p)] = Math.sqrt(a * b);
        }
    }

    /** Adds {@code n} touches of {@code channel} {@code age} days before the day to its decay terms. */
    void addTouch(double[] terms, int channel, int age, double n) {
        if (age < 0 || age >= window) {
            return;
        }
        for (int j = 0; j < halfLives.length; j++) {
            terms[decayTerm(channel, j)] += n * decay[j][age];
        }
    }
}
