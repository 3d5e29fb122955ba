package io.trueroi.ops;

import java.util.List;
import java.util.Map;

/** What a stage did: the tables it wrote and its named counts, as {@code ops.job_runs} records them. */
public interface StageResult {
    /** Every table written, with its rows and location, in the order written. */
    List<TableWritten> tables();

    /** The counts {@code ops.job_runs.counters} holds, by their column names there. */
    Map<String, Long> counters();

    /** Per source table counts ({@code ops.job_runs.sources}); only ingest has them. */
    default List<SourceStats> sources() {
        return List.of();
    }

    /**
     * The counts worth a line at the end of a run, by their {@link #counters()} names: what was set
     * aside or could not be placed (quarantined lines, touches with no channel, ...).
     */
    default Map<String, Long> setAside() {
        return Map.of();
    }

    /** Lines a reader of the run's summary should see first about what the stage found (plain text). */
    default List<String> headlines() {
        return List.of();
    }
}
