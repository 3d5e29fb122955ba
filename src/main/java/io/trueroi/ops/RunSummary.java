package io.trueroi.ops;

import io.trueroi.catalog.Stage;
import io.trueroi.catalog.Table;
import io.trueroi.quality.QualityGate;
import io.trueroi.spark.Warehouse;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run did, as its last lines print it: every table written with its rows and location, the
 * rows the runner appended to ops, the failed warn checks, the seconds per stage and what was set
 * aside (quarantined, duplicated, unmapped).
 */
public final class RunSummary {
    private final RunContext run;
    private final boolean nested;
    private final Map<Stage, StageResult> results = new LinkedHashMap<>();
    private final Map<Stage, Long> nanos = new LinkedHashMap<>();
    private final List<QualityGate.Outcome> checks = new ArrayList<>();

    RunSummary(RunContext run, boolean nested) {
        this.run = run;
        this.nested = nested;
    }

    void add(Stage stage, StageResult result, long elapsedNanos) {
        results.put(stage, result);
        nanos.put(stage, elapsedNanos);
    }

    /** The checks' outcomes so far, in the order run. */
    List<QualityGate.Outcome> checks() {
        return checks;
    }

    /** Prints the summary; {@code startNanos} is when the run started. */
    public void print(PrintWriter out, Warehouse warehouse, long startNanos) {
        out.printf(
                "%s %s finished in %ss (run %s)%n",
                run.job(), run.dates(), seconds(System.nanoTime() - startNanos), run.runId());
        out.printf("  %-36s %10s  %s%n", "table", "rows", "location");
        Map<String, Long> setAside = new LinkedHashMap<>();
        for (StageResult r : results.values()) {
            for (TableWritten t : r.tables()) {
                out.printf("  %-36s %10d  %s%n", t.table(), t.rows(), t.location());
            }
            r.setAside().forEach((k, v) -> setAside.merge(k, v, Long::sum));
        }
        out.printf(
                "  %-36s %10s  %s%n",
                Table.JOB_RUNS, "+" + (nested ? results.size() + 2 : 2), warehouse.path(Table.JOB_RUNS));
        if (!checks.isEmpty()) {
            out.printf(
                    "  %-36s %10s  %s%n",
                    Table.QUALITY_CHECKS, "+" + checks.size(), warehouse.path(Table.QUALITY_CHECKS));
        }
        List<QualityGate.Outcome> warnings =
                checks.stream().filter(c -> !c.passed()).toList();
        if (!warnings.isEmpty()) {
            out.printf("  quality warnings (%d):%n", warnings.size());
            warnings.forEach(w -> out.printf("    %s%n", w.describe()));
        }
        List<String> skipped = results.entrySet().stream()
                .filter(e -> e.getValue() instanceof Pipeline.Skipped)
                .map(e -> e.getKey().id())
                .toList();
        if (!skipped.isEmpty()) {
            out.printf(
                    "  skipped (inputs, outputs and rules as their last run for the date left them): %s%n",
                    String.join(", ", skipped));
        }
        if (nanos.size() > 1) {
            List<String> times = new ArrayList<>();
            nanos.forEach((s, n) -> times.add(s.id() + " " + seconds(n) + "s"));
            out.printf("  stages: %s%n", String.join(", ", times));
        }
        results.values().forEach(r -> r.headlines().forEach(h -> out.printf("  %s%n", h)));
        if (!setAside.isEmpty()) {
            List<String> parts = new ArrayList<>();
            setAside.forEach((k, v) -> parts.add(k.replace('_', ' ') + " " + v));
            out.printf("  %s%n", String.join(", ", parts));
        }
        out.flush();
    }

    static String seconds(long nanos) {
        return String.format("%.1f", nanos / 1e9);
    }
}
