package io.trueroi.ops;

import static org.apache.spark.sql.functions.col;

import io.trueroi.catalog.Table;
import io.trueroi.spark.Warehouse;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code ops.run_locks}: the parts of the warehouse a running job holds, one row per part (a stage,
 * or one source group of ingest), so that two runs never write the same tables at once. A night
 * holds every part; {@code ingest --source ads} holds {@code ingest:ads} only, so the scheduler's
 * ingest tasks still run side by side.
 *
 * <p>Taking the lock is one Delta MERGE that inserts the parts nobody holds; the table is
 * Serializable, so of two runs that take a part at once one commits and the other's MERGE fails
 * with a conflict, reads the winner and stops naming it. The rows are deleted when the run ends,
 * whether it succeeded or failed. A run that was killed leaves them behind: once older than
 * {@code trueroi.runs.lock-stale-after}, {@code --force-unlock} takes them over.
 *
 * <p>Cost: a read of a table of a few rows and two or three small Delta commits per run.
 */
public final class RunLock implements AutoCloseable {
    static final StructType SCHEMA = new StructType()
            .add("part", DataTypes.StringType, false)
            .add("run_id", DataTypes.StringType, false)
            .add("job", DataTypes.StringType, false)
            .add("started_at", DataTypes.TimestampType, false)
            .add("host", DataTypes.StringType, false);

    private static final int ATTEMPTS = 3;

    private final Warehouse warehouse;
    private final String runId;
    private boolean released;

    private RunLock(Warehouse warehouse, String runId) {
        this.warehouse = warehouse;
        this.runId = runId;
    }

    /** A holder of a part: which run, which job, since when. */
    record Holder(String part, String runId, String job, Instant startedAt) {}

    /**
     * Takes the parts for the run, or fails naming the run that holds one. With {@code forceUnlock},
     * a holder older than {@code staleAfter} is removed first; a younger one still fails the run.
     */
    public static RunLock acquire(
            Warehouse warehouse, RunContext run, Set<String> parts, Duration staleAfter, boolean forceUnlock) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("parts must not be empty, cannot be: " + parts);
        }
        create(warehouse);
        for (int attempt = 1; ; attempt++) {
            List<Holder> others = holders(warehouse, parts, run.runId());
            if (!others.isEmpty()) {
                if (!forceUnlock) {
                    throw new JobFailure(inUse(others, staleAfter, run.startedAt()));
                }
                takeOver(warehouse, others, staleAfter, run.startedAt());
            }
            try {
                insertFree(warehouse, run, parts);
            } catch (ConcurrentModificationException e) {
                if (attempt < ATTEMPTS) {
                    continue; // another run committed first: read who, and stop or try again
                }
                throw new JobFailure("cannot take the warehouse lock in " + Table.RUN_LOCKS + ": " + e.getMessage(), e);
            }
            RunLock lock = new RunLock(warehouse, run.runId());
            List<Holder> after = holders(warehouse, parts, run.runId());
            if (after.isEmpty()) {
                return lock;
            }
            lock.close(); // another run took some part between the read and the merge
            throw new JobFailure(inUse(after, staleAfter, run.startedAt()));
        }
    }

    /** Deletes this run's rows; safe to call twice. */
    @Override
    public void close() {
        if (!released) {
            warehouse.delete(Table.RUN_LOCKS, "run_id = '" + runId.replace("'", "''") + "'");
            released = true;
        }
    }

    private static void create(Warehouse warehouse) {
        if (!warehouse.exists(Table.RUN_LOCKS)) {
            warehouse.createIfAbsent(Table.RUN_LOCKS, SCHEMA, "'delta.isolationLevel' = 'Serializable'");
        }
    }

    private static List<Holder> holders(Warehouse warehouse, Set<String> parts, String runId) {
        List<Holder> out = new ArrayList<>();
        for (Row r : warehouse
                .read(Table.RUN_LOCKS)
                .filter(col("part").isin(parts.toArray()).and(col("run_id").notEqual(runId)))
                .orderBy("started_at", "part")
                .collectAsList()) {
            out.add(new Holder(
                    r.getString(0),
                    r.getString(1),
                    r.getString(2),
                    r.getTimestamp(3).toInstant()));
        }
        return out;
    }

    private static void insertFree(Warehouse warehouse, RunContext run, Set<String> parts) {
        String host = host();
        List<Row> rows = new ArrayList<>();
        for (String p : new TreeSet<>(parts)) {
            rows.add(RowFactory.create(p, run.runId(), run.job(), Timestamp.from(run.startedAt()), host));
        }
        warehouse.insertNew(warehouse.spark().createDataFrame(rows, SCHEMA), Table.RUN_LOCKS, "part");
    }

    private static void takeOver(Warehouse warehouse, List<Holder> others, Duration staleAfter, Instant now) {
        List<Holder> live = others.stream()
                .filter(h -> Duration.between(h.startedAt(), now).compareTo(staleAfter) < 0)
                .toList();
        if (!live.isEmpty()) {
            Holder h = live.get(0);
            throw new JobFailure("--force-unlock takes over only a lock older than trueroi.runs.lock-stale-after ("
                    + staleAfter + "): run " + h.runId() + " (" + h.job() + ") started at " + h.startedAt() + ", "
                    + age(h, now) + " ago, and may still be running");
        }
        String ids = others.stream()
                .map(h -> "'" + h.runId().replace("'", "''") + "'")
                .distinct()
                .collect(Collectors.joining(", "));
        warehouse.delete(Table.RUN_LOCKS, "run_id IN (" + ids + ")");
    }

    private static String inUse(List<Holder> others, Duration staleAfter, Instant now) {
        Holder h = others.get(0);
        String parts = others.stream()
                .filter(o -> o.runId().equals(h.runId()))
                .map(Holder::part)
                .collect(Collectors.joining(", "));
        String message = "the warehouse is in use: run " + h.runId() + " (" + h.job() + ") holds " + parts + " since "
                + h.startedAt() + " (" + Table.RUN_LOCKS + ")";
        if (Duration.between(h.startedAt(), now).compareTo(staleAfter) >= 0) {
            return message + "; it started " + age(h, now) + " ago, over trueroi.runs.lock-stale-after (" + staleAfter
                    + "): if it is no longer running, run again with --force-unlock";
        }
        return message + "; wait for it to end";
    }

    private static String age(Holder h, Instant now) {
        Duration d = Duration.between(h.startedAt(), now);
        return d.toHours() + "h" + String.format("%02d", d.toMinutesPart()) + "m";
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
