package io.trueroi.attribution;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * The Poisson bootstrap over persons: replicate b counts each OneID {@code w_b ~ Poisson(1)} times
 * (Hanley &amp; MacGibbon 2006; Chamandy et al. 2012), so a replicate is a weighted pass over the same
 * rows rather than a resample, and all replicates come from one pass. The weights are a function
 * of the OneID alone (a seeded generator per person): every fit and every total of a replicate
 * sees the same persons with the same counts, on any partitioning, night after night.
 *
 * <p>Cost: {@code replicates} uniform draws per call, no allocation.
 */
public class Bootstrap implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Replicates when {@code trueroi.attribution.intervals.replicates} is not set. */
    public static final int REPLICATES_DEFAULT = 100;

    /** The interval's coverage when {@code trueroi.attribution.intervals.level} is not set. */
    public static final double LEVEL_DEFAULT = 0.90;

    private static final double E_INVERSE = Math.exp(-1);

    private final int replicates;

    Bootstrap(int replicates) {
        if (replicates < 1) {
            throw new IllegalArgumentException("replicates must be at least 1, cannot be: " + replicates);
        }
        this.replicates = replicates;
    }

    /** The Poisson bootstrap of {@code replicates} replicates. */
    public static Bootstrap poisson(int replicates) {
        return new Bootstrap(replicates);
    }

    public int replicates() {
        return replicates;
    }

    /** Fills {@code counts[0..replicates)} with the person's count in each replicate. */
    public void weights(String oneId, int[] counts) {
        SplittableRandom random = new SplittableRandom(seed(oneId));
        for (int b = 0; b < replicates; b++) {
            counts[b] = poisson1(random.nextDouble());
        }
    }

    /** Poisson(1) by inversion of its distribution function at {@code u}. */
    static int poisson1(double u) {
        int k = 0;
        double p = E_INVERSE;
        double cdf = p;
        // The tail beyond 20 is below 1e-19, under a double's resolution near 1.
        while (u >= cdf && k < 20) {
            k++;
            p /= k;
            cdf += p;
        }
        return k;
    }

    /**
     * The id's 64-bit FNV-1a hash over its UTF-16 units: {@link String#hashCode} collides for ids
     * as alike as "Aa" and "BB", which would give two persons the same counts; the generator mixes
     * the seed before use.
     */
    static long seed(String oneId) {
        long h = 0xCBF29CE484222325L;
        for (int i = 0; i < oneId.length(); i++) {
            h ^= oneId.charAt(i);
            h *= 0x100000001B3L;
        }
        return h;
    }
}
