package io.trueroi.identity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.unhex;

import io.trueroi.catalog.Stage;
import io.trueroi.catalog.Table;
import io.trueroi.ops.JobRuns;
import io.trueroi.spark.Persisted;
import io.trueroi.spark.Warehouse;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part of the identity graph a night must resolve again, when the stage's last run left its
 * tables as they are: the persons of every identifier of a record that is new, changed or gone
 * since then, all of those persons' records, and the new records. Persons are connected
 * components, so resolving that part alone gives what a rebuild gives for it, and every other
 * person's rows stay as they are.
 *
 * <p>The over-merge guard counts an identifier's neighbours over all its records. A touched
 * identifier that is not ambiguous has all its records among the touched persons'; one that is
 * ambiguous (a shop's phone) has records of other persons too, which are read for the guard only.
 * An ambiguous identifier that loses a record could link persons again, so that night rebuilds.
 *
 * <p>Cost: the Delta log of each silver table since the versions the last run read; the
 * deliveries it changed, read from silver; two scans of {@code identity.record_identifiers} (the
 * changed deliveries' old records, the touched persons' records) and one of the map; a third scan
 * when a touched identifier is ambiguous.
 */
final class NightScope {
    private static final Logger LOG = LoggerFactory.getLogger("io.trueroi");

    /** An occurrence's columns, as the stage works with them: what a delivery's old and new records are compared on. */
    static final String[] RECORD = {"source", "dt", "record", "seen_at", "id_type", "id"};

    /** The touched persons' records and the new ones (occurrence rows), what the graph is built on. */
    final Dataset<Row> subgraph;
    /** Records of other persons holding a touched ambiguous identifier: the guard's alone. */
    final Dataset<Row> guardOnly;
    /** Every identifier of a record that changed (id, binary). */
    final Dataset<Row> touchedIds;
    /** The previous OneIDs of the touched persons (one_id). */
    final Dataset<Row> persons;
    /** Records gone or changed since the last run: their old occurrence rows. */
    final Dataset<Row> gone;
    /** The previous ambiguous identifiers (id_type, id, degree, neighbour_type). */
    final Dataset<Row> ambiguousBefore;

    final long personCount;
    final long touchedIdCount;

    private NightScope(
            Dataset<Row> subgraph,
            Dataset<Row> guardOnly,
            Dataset<Row> touchedIds,
            Dataset<Row> persons,
            Dataset<Row> gone,
            Dataset<Row> ambiguousBefore,
            long personCount,
            long touchedIdCount) {
        this.subgraph = subgraph;
        this.guardOnly = guardOnly;
        this.touchedIds = touchedIds;
        this.persons = persons;
        this.gone = gone;
        this.ambiguousBefore = ambiguousBefore;
        this.personCount = personCount;
        this.touchedIdCount = touchedIdCount;
    }

    /**
     * The night's part of the graph, or null when the stage must read all of silver: no earlier
     * run, its tables changed since (a rollback, another run), a silver table new to it, a log
     * that cannot say what changed, or an ambiguous identifier that lost a record.
     */
    static NightScope of(
            Warehouse warehouse, JobRuns.StageState last, LocalDate to, Dataset<Row> previousMap, Persisted cached) {
        Map<Table, Set<LocalDate>> changed = changedDeliveries(warehouse, last, to);
        if (changed == null) {
            return null;
        }
        Dataset<Row> stored = storedRecords(warehouse);
        Dataset<Row> fresh = IdentityAction.occurrenceRows(Identifiers.records(warehouse, to, changed));
        Dataset<Row> old = stored.filter(delivered(changed));
        Dataset<Row> changedRecords;
        if (fresh == null) {
            changedRecords = old.select("record").distinct();
        } else {
            Dataset<Row> a = fresh.selectExpr(RECORD);
            Dataset<Row> b = old.selectExpr(RECORD);
            changedRecords = a.except(b)
                    .select("record")
                    .unionByName(b.except(a).select("record"))
                    .distinct();
        }
        changedRecords = cached.materialize(changedRecords);
        Dataset<Row> added = fresh == null
                ? stored.limit(0).drop("one_id")
                : cached.materialize(fresh.join(changedRecords, "record", "left_semi"));
        Dataset<Row> gone = cached.materialize(old.join(changedRecords, "record", "left_semi"));
        Dataset<Row> touchedIds = cached.materialize(
                added.select("id").unionByName(gone.select("id")).distinct());
        Dataset<Row> ambiguousBefore = cached.materialize(warehouse
                .read(Table.AMBIGUOUS_IDENTIFIERS)
                .select(col("id_type"), unhex(col("id_value_hash")).as("id"), col("degree"), col("neighbour_type")));
        if (!gone.join(ambiguousBefore.select("id"), "id", "left_semi").isEmpty()) {
            LOG.info(
                    "identity: an ambiguous identifier lost a record, so it could link persons again: reading all of silver");
            return null;
        }
        Dataset<Row> persons = cached.materialize(
                previousMap.join(touchedIds, "id", "left_semi").select("one_id").distinct());
        long personCount = persons.count();
        Dataset<Row> theirs = stored.join(persons, "one_id", "left_semi")
                .join(changedRecords, "record", "left_anti")
                .drop("one_id");
        Dataset<Row> subgraph = theirs.unionByName(added);
        Dataset<Row> heldAmbiguous = ambiguousBefore.select("id").join(touchedIds, "id", "left_semi");
        Dataset<Row> guardOnly = stored.join(
                        stored.join(heldAmbiguous, "id", "left_semi")
                                .select("record")
                                .distinct(),
                        "record",
                        "left_semi")
                .join(changedRecords, "record", "left_anti")
                .join(persons, "one_id", "left_anti")
                .drop("one_id");
        LOG.info(
                "identity: {} deliveries changed, {} persons touched",
                changed.values().stream().mapToInt(Set::size).sum(),
                personCount);
        return new NightScope(
                subgraph, guardOnly, touchedIds, persons, gone, ambiguousBefore, personCount, touchedIds.count());
    }

    /**
     * The ambiguous identifiers after tonight: the guard's finding for the touched identifiers
     * ({@code found}, worked out over all their records), the earlier finding for every other one,
     * whose records did not change.
     */
    Dataset<Row> ambiguous(Dataset<Row> found) {
        return ambiguousBefore
                .join(touchedIds, "id", "left_anti")
                .unionByName(found.join(touchedIds, "id", "left_semi"));
    }

    /** The stored occurrences, identifiers as {@code id} (binary) as the stage works with them. */
    static Dataset<Row> storedRecords(Warehouse warehouse) {
        return warehouse
                .read(Table.RECORD_IDENTIFIERS)
                .withColumnRenamed("id_hash", "id")
                .selectExpr(java.util.stream.Stream.concat(
                                java.util.Arrays.stream(RECORD), java.util.stream.Stream.of("one_id"))
                        .toArray(String[]::new));
    }

    /**
     * The deliveries (dates by silver table) written since the last run read silver, up to
     * {@code to}: those its log says changed, and every date after the last run's; null when the
     * night cannot rely on the last run's tables.
     */
    private static Map<Table, Set<LocalDate>> changedDeliveries(
            Warehouse warehouse, JobRuns.StageState last, LocalDate to) {
        if (last == null || last.to() == null) {
            return null;
        }
        for (Table t : Stage.IDENTITY.writes()) {
            Long left = last.outputs().get(t.qualifiedName());
            if (left == null || left != warehouse.version(t)) {
                LOG.info("identity: {} is not as its last run left it: reading all of silver", t);
                return null;
            }
        }
        Map<Table, Set<LocalDate>> changed = new LinkedHashMap<>();
        for (Table t : Identifiers.idsByTable().keySet()) {
            Long read = last.inputs().get(t.qualifiedName());
            if (!warehouse.exists(t)) {
                continue;
            }
            Optional<Set<String>> dates = warehouse.partitionsChangedSince(t, read == null ? -1 : read, "dt");
            if (dates.isEmpty()) {
                LOG.info(
                        "identity: the log of {} does not say what changed since its version {}: reading all of silver",
                        t,
                        read);
                return null;
            }
            Set<LocalDate> d = new TreeSet<>();
            dates.get().forEach(s -> d.add(LocalDate.parse(s)));
            for (LocalDate day = last.to().plusDays(1); !day.isAfter(to); day = day.plusDays(1)) {
                d.add(day);
            }
            d.removeIf(day -> day.isAfter(to));
            changed.put(t, d);
        }
        return changed;
    }

    /** Rows of these deliveries. */
    private static Column delivered(Map<Table, Set<LocalDate>> changed) {
        Column any = lit(false);
        for (Map.Entry<Table, Set<LocalDate>> e : changed.entrySet()) {
            if (!e.getValue().isEmpty()) {
                any = any.or(col("source")
                        .equalTo(e.getKey().tableName())
                        .and(col("dt")
                                .isin(e.getValue().stream()
                                        .map(java.sql.Date::valueOf)
                                        .toArray())));
            }
        }
        return any;
    }
}
