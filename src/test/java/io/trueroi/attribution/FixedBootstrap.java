package io.trueroi.attribution;

import java.util.Map;

/** A bootstrap whose counts the test sets: each listed OneID's count per replicate, 1 for everyone else. */
final class FixedBootstrap extends Bootstrap {
    private static final long serialVersionUID = 1L;
    private final Map<String, int[]> counts;

    FixedBootstrap(int replicates, Map<String, int[]> counts) {
        super(replicates);
        this.counts = Map.copyOf(counts);
    }

    @Override
    public void weights(String oneId, int[] out) {
        int[] c = counts.get(oneId);
        for (int b = 0; b < replicates(); b++) {
            out[b] = c == null ? 1 : c[b];
        }
    }
}
