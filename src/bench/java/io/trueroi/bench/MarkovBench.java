package io.trueroi.bench;

import io.trueroi.attribution.MarkovChain;
import io.trueroi.attribution.MarkovRemovalEffect;
import io.trueroi.attribution.PathCount;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Benchmark of the Markov fit alone (not a test): generates distinct channel paths over 20
 * channels with conversions, values and nulls, and fits orders 1 and 3 on 10k, 100k and 1M of
 * them, printing seconds (chain building and solves separately) and paths/s.
 *
 * <p>Paths: channel popularity falls like 1/rank; a path has 1 + Geometric(0.3) touches (mean
 * about 3.3, capped at 16); each channel adds its own lift to the conversion probability, so
 * removal effects differ; each path was followed by 1 + Geometric(0.5) journeys.
 * Usage: {@code jobs/bench-markov [paths ...]}.
 */
public final class MarkovBench {
    static final int CHANNELS = 20;

    private MarkovBench() {}

    public static void main(String[] args) {
        List<Integer> sizes = BenchSizes.ofInts(args, List.of(10_000, 100_000, 1_000_000));
        // Warm the JIT on a small fit so the first size is not charged for compilation.
        MarkovRemovalEffect.fit(paths(20_000, 1), 3);
        System.out.printf(
                "%-9s %5s %7s %9s %9s %9s %12s%n",
                "paths", "order", "states", "chain s", "solve s", "total s", "paths/s");
        for (int size : sizes) {
            List<PathCount> paths = paths(size, 20261123L);
            for (int order : new int[] {1, 3}) {
                long t0 = System.nanoTime();
                MarkovChain chain = MarkovChain.fromPaths(paths, order);
                long t1 = System.nanoTime();
                MarkovRemovalEffect.Result r = MarkovRemovalEffect.fit(chain);
                long t2 = System.nanoTime();
                double total = (t2 - t0) / 1e9;
                System.out.printf(
                        "%-9d %5d %7d %9.3f %9.3f %9.3f %12.0f   P(conv)=%.6f%n",
                        size,
                        order,
                        chain.states(),
                        (t1 - t0) / 1e9,
                        (t2 - t1) / 1e9,
                        total,
                        size / total,
                        r.conversionProbability());
            }
        }
    }

    /** {@code count} distinct paths, deterministic for a seed. */
    public static List<PathCount> paths(int count, long seed) {
        Random random = new Random(seed);
        String[] names = new String[CHANNELS];
        double[] cumulative = new double[CHANNELS];
        double[] lift = new double[CHANNELS];
        double total = 0;
        for (int c = 0; c < CHANNELS; c++) {
            names[c] = String.format("ch%02d", c);
            total += 1.0 / (c + 1);
            cumulative[c] = total;
            lift[c] = 0.01 + 0.04 * ((c * 7) % CHANNELS) / CHANNELS;
        }
        Set<List<String>> seen = new HashSet<>();
        List<PathCount> out = new ArrayList<>(count);
        while (out.size() < count) {
            int length = 1;
            while (length < 16 && random.nextDouble() > 0.3) {
                length++;
            }
            List<String> path = new ArrayList<>(length);
            double p = 0.02;
            for (int i = 0; i < length; i++) {
                double u = random.nextDouble() * total;
                int c = 0;
                while (cumulative[c] < u) {
                    c++;
                }
                path.add(names[c]);
                p += lift[c] * Math.pow(0.8, length - 1 - i);
            }
            if (!seen.add(path)) {
                continue;
            }
            int journeys = 1;
            while (random.nextDouble() > 0.5) {
                journeys++;
            }
            long conversions = 0;
            double value = 0;
            for (int j = 0; j < journeys; j++) {
                if (random.nextDouble() < Math.min(0.9, p)) {
                    conversions++;
                    value += Math.round(Math.exp(4 + random.nextGaussian() * 0.8) * 100) / 100.0;
                }
            }
            out.add(new PathCount(path, conversions, value, journeys - conversions));
        }
        return out;
    }
}
