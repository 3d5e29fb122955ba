package io.trueroi.catalog;

import java.util.Locale;

/**
 * The warehouse's layers, in the order data flows through them (dbt's staging, intermediate and
 * marts, plus the run's own records). A table lives at {@code <warehouse>/<layer>/<table>} and is
 * queried as {@code <layer>.<table>}.
 */
public enum Layer {
    /** Raw exports typed and checked, one table per feed, every delivery kept. */
    SILVER,
    /** Raw lines that failed a check, with the reason. */
    QUARANTINE,
    /** The OneID map and its history. */
    IDENTITY,
    /** Touchpoints, conversions and the journeys that join them. */
    JOURNEY,
    /** Each model's credit per touch, and the Markov fit. */
    ATTRIBUTION,
    /** Analyst-facing aggregates. */
    MART,
    /** One row per job run. */
    OPS;

    /** The layer's name in paths and SQL: {@code silver}, {@code mart}, ... */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
