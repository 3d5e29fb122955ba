package io.trueroi.bench;

import java.util.ArrayList;
import java.util.List;

/** Sizes given to the bench commands: plain counts or with a k / M suffix (10k, 4M). */
final class BenchSizes {
    private BenchSizes() {}

    static long parse(String text) {
        String t = text.trim();
        long unit = t.endsWith("M") ? 1_000_000L : t.endsWith("k") ? 1_000L : 1L;
        String digits = unit == 1L ? t : t.substring(0, t.length() - 1);
        try {
            long n = Math.multiplyExact(Long.parseLong(digits), unit);
            if (n < 1) {
                throw new IllegalArgumentException("a size must be at least 1, cannot be: " + text);
            }
            return n;
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(
                    "a size is a whole number with an optional k or M suffix, cannot be: " + text);
        }
    }

    /** Every argument as a size, or the defaults when there is none. */
    static List<Long> of(String[] args, List<Long> defaults) {
        List<Long> sizes = new ArrayList<>();
        for (String a : args) {
            sizes.add(parse(a));
        }
        return sizes.isEmpty() ? defaults : sizes;
    }

    /** {@link #of} for benches whose sizes index arrays. */
    static List<Integer> ofInts(String[] args, List<Integer> defaults) {
        return args.length == 0
                ? defaults
                : of(args, List.of()).stream().map(Math::toIntExact).toList();
    }
}
