package io.trueroi.attribution;

import java.util.List;

/**
 * A distinct channel path and the journeys that followed it: how many converted, their summed
 * value, and how many did not convert. The unit the Markov fit works on, so its cost grows with
 * distinct paths, not with events.
 */
public record PathCount(List<String> channels, long conversions, double value, long nulls) {
    public PathCount {
        channels = List.copyOf(channels);
        if (conversions < 0 || nulls < 0) {
            throw new IllegalArgumentException("counts must not be negative, cannot be: " + conversions + ", " + nulls);
        }
    }
}
