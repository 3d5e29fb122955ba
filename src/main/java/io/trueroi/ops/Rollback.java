package io.trueroi.ops;

import io.trueroi.catalog.Table;
import io.trueroi.spark.Warehouse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Undoes exactly one run's commits to the tables a stage owns ({@link StageAction#owned()}), and
 * never another run's. Every commit a run makes carries its run id ({@link Warehouse#withCommitTag});
 * before the stage, each owned table's version is taken ({@link #before}). On failure, per table:
 * <ul>
 *   <li>no commit of this run since then: left alone;
 *   <li>only this run's commits since then: Delta {@code RESTORE} to the version before (a table the
 *       run created is removed);
 *   <li>another run committed too (parallel ingests share the quarantine and the manifest): the
 *       run's own slice of rows is put back as it was before, the other run's rows stay;
 *   <li>another run committed to a table the run owns whole: no safe undo, so it fails naming both.
 * </ul>
 *
 * <p>Cost: one log snapshot per owned table before the stage; on failure, one read of the commit
 * infos since then per table and one Delta transaction per table undone.
 */
public final class Rollback {
    private final Warehouse warehouse;
    private final String runId;
    private final Map<Table, String> owned;
    private final Map<Table, Long> before;

    private Rollback(Warehouse warehouse, String runId, Map<Table, String> owned, Map<Table, Long> before) {
        this.warehouse = warehouse;
        this.runId = runId;
        this.owned = owned;
        this.before = before;
    }

    /** Takes the versions of the owned tables before the run {@code runId} writes to them. */
    public static Rollback before(Warehouse warehouse, String runId, Map<Table, String> owned) {
        Map<Table, Long> versions = new LinkedHashMap<>();
        owned.keySet().forEach(t -> versions.put(t, warehouse.version(t)));
        return new Rollback(warehouse, runId, new LinkedHashMap<>(owned), versions);
    }

    /** Undoes the run's commits; returns the tables it put back. */
    public List<Table> undo() {
        List<Table> undone = new ArrayList<>();
        for (Map.Entry<Table, Long> e : before.entrySet()) {
            Table table = e.getKey();
            long version = e.getValue();
            List<Warehouse.Commit> since = warehouse.commitsAfter(table, version);
            boolean mine = since.stream().anyMatch(c -> runId.equals(c.tag()));
            if (!mine) {
                continue;
            }
            boolean onlyMine = since.stream().allMatch(c -> runId.equals(c.tag()));
            String slice = owned.get(table);
            if (onlyMine) {
                warehouse.restore(table, version);
            } else if (slice != null) {
                warehouse.restoreSlice(table, slice, version);
            } else {
                throw new JobFailure("cannot undo run " + runId + "'s commits to " + table + ": "
                        + others(since) + " committed to it after version " + version
                        + " although the run held it whole; restore it by hand (RESTORE TABLE ... TO VERSION AS OF)");
            }
            undone.add(table);
        }
        return undone;
    }

    private String others(List<Warehouse.Commit> since) {
        return since.stream()
                .filter(c -> !runId.equals(c.tag()))
                .map(c ->
                        (c.tag() == null ? "an untagged writer" : "run " + c.tag()) + " (version " + c.version() + ")")
                .toList()
                .toString();
    }
}
