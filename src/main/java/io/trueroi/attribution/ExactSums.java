package io.trueroi.attribution;

import java.io.Serializable;
import java.math.BigInteger;

/**
 * Sums that are the same whatever order their terms arrive in. Each term is a fixed-point number
 * with {@link #FRACTION_BITS} fractional bits (a {@code long} of units, {@link #units}); each sum is
 * a 128-bit integer of units, so adding is exact and associative. Doubles added in another order
 * differ in their last bits; a least-squares fit on such sums would then differ between a backfill
 * and a run of nights, and with it every credit rounded to the cent.
 *
 * <p>Cost: two longs per sum; an add is one 64×32-bit multiply and a carry.
 */
final class ExactSums implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Fractional bits of a term: a term is exact to 2^−32 ≈ 2.3e−10. */
    static final int FRACTION_BITS = 32;

    /** One in units: 2^{@link #FRACTION_BITS}. */
    static final double ONE = 0x1p32;

    private final long[] high;
    private final long[] low;

    ExactSums(int size) {
        if (size < 0) {
            throw new IllegalArgumentException(String.format("size must be at least 0, cannot be: %s", size));
        }
        this.high = new long[size];
        this.low = new long[size];
    }

    int size() {
        return low.length;
    }

    /**
     * {@code value} in units of 2^−32, rounded half to even; fails past ±2^31. The same rounding
     * as the SQL {@code rint(value × ONE)} the incremental fit sums with.
     */
    static long units(double value) {
        double scaled = Math.rint(value * ONE);
        if (!(Math.abs(scaled) < 0x1p63)) {
            throw new ArithmeticException(String.format("value must be finite and below 2^31, cannot be: %s", value));
        }
        return (long) scaled;
    }

    /** A whole count in units. */
    static long count(long n) {
        if (n < 0 || n >= 1L << (63 - FRACTION_BITS)) {
            throw new ArithmeticException(String.format("count must be in [0, 2^31), cannot be: %s", n));
        }
        return n << FRACTION_BITS;
    }

    /** Adds {@code times × units} to sum {@code i}. */
    void add(int i, long units, int times) {
        long productHigh = Math.multiplyHigh(units, times);
        long productLow = units * times;
        long sum = low[i] + productLow;
        high[i] += productHigh + (Long.compareUnsigned(sum, low[i]) < 0 ? 1 : 0);
        low[i] = sum;
    }

    /** Adds every sum of {@code other} to this; returns this. */
    ExactSums merge(ExactSums other) {
        if (other.size() != size()) {
            throw new IllegalArgumentException(
                    String.format("sizes must match, cannot be: %s and %s", size(), other.size()));
        }
        for (int i = 0; i < low.length; i++) {
            long sum = low[i] + other.low[i];
            high[i] += other.high[i] + (Long.compareUnsigned(sum, low[i]) < 0 ? 1 : 0);
            low[i] = sum;
        }
        return this;
    }

    /** Sum {@code i} exactly, in units. */
    BigInteger exact(int i) {
        return BigInteger.valueOf(high[i]).shiftLeft(64).add(new BigInteger(Long.toUnsignedString(low[i])));
    }

    /** Sum {@code i}, rounded once to the nearest double. */
    double get(int i) {
        return Math.scalb(exact(i).doubleValue(), -FRACTION_BITS);
    }
}
