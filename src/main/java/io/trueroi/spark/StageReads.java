package io.trueroi.spark;

import io.trueroi.catalog.Table;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * What one stage may read and what it did read: a read of a table outside {@code readable} fails,
 * naming the stage and the table, so a stage's declaration ({@link io.trueroi.catalog.Stage}) can
 * never fall behind its code; each table's version at its first read is kept for the run's record.
 */
public final class StageReads {
    private final String stage;
    private final Set<Table> readable;
    private final Map<Table, Long> versions = Collections.synchronizedMap(new LinkedHashMap<>());

    public StageReads(String stage, Set<Table> readable) {
        this.stage = stage;
        this.readable = Set.copyOf(readable);
    }

    void check(Table table, ToLongFunction<Table> version) {
        if (!readable.contains(table)) {
            throw new IllegalStateException("stage " + stage + " reads " + table
                    + ", which it does not declare: add it to Stage." + stage.toUpperCase(java.util.Locale.ROOT)
                    + " reads");
        }
        versions.computeIfAbsent(table, version::applyAsLong);
    }

    /** Each table read, with its version when first read, in the order first read. */
    public Map<Table, Long> versions() {
        synchronized (versions) {
            return Map.copyOf(new LinkedHashMap<>(versions));
        }
    }
}
