package io.trueroi.identity;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.hex;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.unhex;
import static org.apache.spark.sql.functions.when;

import io.trueroi.catalog.IdType;
import io.trueroi.catalog.Stage;
import io.trueroi.catalog.Table;
import io.trueroi.config.TrueRoiConfig;
import io.trueroi.ops.RunContext;
import io.trueroi.ops.StageAction;
import io.trueroi.ops.StageResult;
import io.trueroi.ops.TableWritten;
import io.trueroi.spark.Persisted;
import io.trueroi.spark.Warehouse;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Resolves every identifier in the silver tables to a OneID, keeping OneIDs stable across runs.
 *
 * <p>Steps: (1) every silver record delivered up to the run's last date gives its identifiers
 * ({@link Identifiers}); (2) over-merge guard: an identifier whose records link it to more than
 * {@code trueroi.identity.max-links} distinct identifiers of one other type (a store's phone typed
 * for walk-in customers, a shared tablet; event-level types such as click ids are not counted,
 * since one person has many) is ambiguous: it links nothing and is reported in
 * {@code identity.ambiguous_identifiers}; (3) each record links its remaining identifiers that
 * occur in more than one record (a star from the smallest, the record's hub); an identifier of a
 * single record (a click id, usually) cannot link records and is placed with its hub afterwards,
 * so the graph holds only identifiers that link; (4) connected components
 * ({@link ConnectedComponents}); (5) the components are named from the previous map: each keeps
 * the oldest previous OneID among those whose oldest identifier it holds, the others it holds are
 * retired into it ({@code merged} in {@code identity.one_id_history}), a part that left a previous
 * OneID is recorded as {@code split} from it, and a component with none gets {@code oid_} + the
 * first 24 hex digits of its smallest identifier hash ({@link #name}).
 *
 * <p>The persons are a function of the silver tables alone: a rebuild over the same silver finds
 * the same partition of identifiers, and only OneIDs carry history. An identifier the silver no
 * longer shows leaves the map. Re-running the same inputs changes nothing: the previous map
 * already holds the merges and splits, so no new history is written.
 *
 * <p>Cost: one pass over the silver identifier columns; two shuffles of the occurrences (by
 * identifier, then by record), O(log n) connected-components rounds over linking identifiers only,
 * and two shuffles to name components and map every identifier; caches are unencoded (hashes).
 */
public final class IdentityAction extends StageAction<IdentityAction.Result> {
    static final String ONE_ID_PREFIX = "oid_";
    /** {@code one_id_history.reason}: from_one_id's person is now to_one_id's. */
    static final String MERGED = "merged";
    /** {@code one_id_history.reason}: part of from_one_id's person is now to_one_id. */
    static final String SPLIT = "split";
    /** A row of one OneID as Spark holds it: null bits, the string's offset and length, 28 characters padded to 32. */
    private static final long ONE_ID_ROW_BYTES = 48;

    /**
     * Spark's switch for encoding the columnar cache's batches. Off for this stage: its caches hold
     * mostly 32-byte hashes, which never repeat within a batch, so choosing an encoding (a
     * dictionary pass over every value) costs time and saves nothing.
     */
    static final String CACHE_COMPRESSED = "spark.sql.inMemoryColumnarStorage.compressed";

    public IdentityAction(TrueRoiConfig config, Warehouse warehouse, RunContext run) {
        super(Stage.IDENTITY, config, warehouse.withSessionSetting(CACHE_COMPRESSED, "false"), run);
    }

    /** What the run resolved: identifiers mapped, persons, and what the guard and the merges did. */
    public record Result(
            long identifiers,
            long oneIds,
            long ambiguousIdentifiers,
            long linkingIdentifiers,
            long ccRounds,
            long mergedOneIds,
            long splitOneIds,
            long touchedPersons,
            List<TableWritten> tables)
            implements StageResult {
        @Override
        public Map<String, Long> counters() {
            Map<String, Long> c = new LinkedHashMap<>();
            c.put("identifiers", identifiers);
            c.put("one_ids", oneIds);
            c.put("ambiguous_identifiers", ambiguousIdentifiers);
            c.put("linking_identifiers", linkingIdentifiers);
            c.put("cc_rounds", ccRounds);
            c.put("merged_one_ids", mergedOneIds);
            c.put("split_one_ids", splitOneIds);
            // -1: the run read all of silver; otherwise the earlier persons it resolved again.
            c.put("touched_persons", touchedPersons);
            return c;
        }
    }

    /** The occurrences with hubs chosen without the ambiguous identifiers, and the graph's edges. */
    private record Graph(Dataset<Row> withHub, Dataset<Row> evidence) {}

    /** What the map is made of: each anchor's OneID, and the merges and splits of previous OneIDs. */
    private record Named(Dataset<Row> anchorOneIds, Dataset<Row> history) {}

    @Override
    public Result execute() {
        try (Persisted cached = new Persisted()) {
            // Checkpointed rather than cached, so that no kept plan reads the table this stage overwrites.
            Dataset<Row> previous = warehouse.exists(Table.IDENTITY_MAP)
                    ? step("read the previous " + Table.IDENTITY_MAP, () -> previousMap()
                            .localCheckpoint())
                    : null;
            NightScope scope = previous == null || previous() == null
                    ? null
                    : step("find what changed", () -> NightScope.of(warehouse, previous(), run.to(), previous, cached));
            Dataset<Row> occurrences = cached.keep(occurrences(
                    scope == null
                            ? occurrenceRows(Identifiers.records(warehouse, run.to()))
                                    .withColumn("subgraph", lit(true))
                            : scope.subgraph
                                    .withColumn("subgraph", lit(true))
                                    .unionByName(scope.guardOnly.withColumn("subgraph", lit(false)))));
            Dataset<Row> found = ambiguous(occurrences);
            Dataset<Row> ambiguous = cached.keep(scope == null ? found : scope.ambiguous(found));
            // Counted before use, so the planner knows its size: normally a few rows, joined by broadcast
            // without moving the occurrences off their record layout.
            long ambiguousCount = step("over-merge guard", ambiguous::count);
            Dataset<Row> resolved = scope == null ? occurrences : occurrences.filter(col("subgraph"));
            Graph graph = graph(resolved, ambiguous, ambiguousCount > 0, cached);
            ConnectedComponents cc = new ConnectedComponents(
                    spark(), run.runId(), config.identity().reliableCheckpoint());
            if (config.identity().reliableCheckpoint()) {
                spark().sparkContext().setCheckpointDir(config.identity().checkpointDir());
            }
            // The occurrences were computed by the guard's count; re-chosen hubs are lazy until the
            // components' first job (their input edges), after which the occurrences are not read again.
            Dataset<Row> roots = cached.keep(cc.run(graph.evidence()));
            Dataset<Row> labels =
                    roots.select(col("node").as("anchor"), col("root").as("label"));
            Dataset<Row> leaves = leaves(graph.withHub());
            Dataset<Row> linking = linking(graph.withHub());
            Dataset<Row> prior =
                    scope == null || previous == null ? previous : previous.join(scope.persons, "one_id", "left_semi");
            Named named = name(leaves, linking, labels, prior, previous == null ? null : taken(previous), cached);
            Dataset<Row> map = cached.keep(leaves.unionByName(linking)
                    .join(named.anchorOneIds(), "anchor", "inner")
                    .select(
                            col("id_type"),
                            hexHash(col("id")).as("id_value_hash"),
                            col("one_id"),
                            col("first_seen"),
                            col("last_seen"),
                            col("linking")));
            Dataset<Row> records = stored(resolved, graph.withHub(), named.anchorOneIds());
            Dataset<Row> history = cached.keep(named.history());
            if (scope == null) {
                return write(map, records, ambiguous, ambiguousCount, history, cc.rounds());
            }
            // Materialized: these plans stand on many cached ones, which Spark re-plans and prints slowly.
            return writeChanges(
                    cached.materialize(map),
                    step("resolve the records", () -> cached.materialize(records)),
                    found,
                    scope,
                    history,
                    cc.rounds(),
                    ambiguousCount);
        }
    }

    /**
     * One row per identifier of each record ({@link Identifiers#records}, with its source, date and
     * record key), identifiers as the 32 bytes of their hash; null when there are no records.
     */
    static Dataset<Row> occurrenceRows(Dataset<Row> records) {
        if (records == null) {
            return null;
        }
        // A record's array holds a null for each identifier it lacks (see Identifiers.records).
        return records.select(
                        col("source"),
                        col("dt"),
                        col("record"),
                        col("seen_at"),
                        explode(col("ids")).as("i"))
                .filter(col("i").isNotNull())
                .select(
                        col("source"),
                        col("dt"),
                        col("record"),
                        col("seen_at"),
                        col("i.id_type").as("id_type"),
                        unhex(col("i.id_value_hash")).as("id"));
    }

    /**
     * The records resolved tonight as {@code identity.record_identifiers} keeps them: each
     * identifier occurrence with its record's OneID, which is its hub's (null for a record whose
     * identifiers are all ambiguous: it has no hub).
     */
    private static Dataset<Row> stored(Dataset<Row> occurrences, Dataset<Row> withHub, Dataset<Row> anchorOneIds) {
        Dataset<Row> persons = withHub.select("record", "hub")
                .dropDuplicates("record")
                .join(anchorOneIds, col("hub").equalTo(col("anchor")), "inner")
                .select("record", "one_id");
        return occurrences
                .selectExpr(NightScope.RECORD)
                .withColumnRenamed("id", "id_hash")
                .join(persons, "record", "left_outer")
                .select("source", "dt", "record", "seen_at", "id_type", "id_hash", "one_id");
    }

    /**
     * The occurrences (one row per identifier of a record, {@link #explode}) with each identifier's
     * record count, first and last seen and first record (one window by identifier), laid out by
     * record, so that the guard's self-join and the hub's window by record read it in place. Flat
     * rows: an array column in the columnar cache costs far more memory.
     */
    private static Dataset<Row> occurrences(Dataset<Row> exploded) {
        WindowSpec byId = Window.partitionBy("id");
        return withHubs(exploded.select(
                        col("*"),
                        count(lit(1)).over(byId).as("records"),
                        min("seen_at").over(byId).as("first_seen"),
                        max("seen_at").over(byId).as("last_seen"),
                        min("record").over(byId).as("first_record"))
                .repartition(col("record"))
                .sortWithinPartitions("record"));
    }

    /**
     * The graph's edges from the occurrences. Their hubs were chosen among all of a record's
     * identifiers: with no ambiguous identifier (the usual night) they stand; otherwise the records
     * lose their ambiguous identifiers and choose again, a second cache of the occurrences.
     */
    private static Graph graph(Dataset<Row> occurrences, Dataset<Row> ambiguous, boolean rechoose, Persisted cached) {
        Dataset<Row> withHub = !rechoose
                ? occurrences
                : cached.keep(
                        withHubs(occurrences.drop("leaf", "hub").join(ambiguous.select("id"), "id", "left_anti")));
        Dataset<Row> evidence = withHub.filter(
                        col("leaf").unary_$bang().and(col("id").notEqual(col("hub"))))
                .select(col("id").as("a"), col("hub").as("b"));
        return new Graph(withHub, evidence);
    }

    /** The previous map, identifiers as binary: what names the components. */
    private Dataset<Row> previousMap() {
        return warehouse
                .read(Table.IDENTITY_MAP)
                .select(unhex(col("id_value_hash")).as("id"), col("one_id"), col("first_seen"));
    }

    /** Leaves, one row each (an identifier of one occurrence), anchored at their record's hub. */
    private static Dataset<Row> leaves(Dataset<Row> withHub) {
        return withHub.filter(col("leaf"))
                .select(
                        col("id"),
                        col("id_type"),
                        col("first_seen"),
                        col("last_seen"),
                        col("hub").as("anchor"),
                        lit(false).as("linking"));
    }

    /**
     * Linking identifiers, one row each, anchored at themselves: the occurrence of each one's first
     * record, read in place. Every occurrence carries the same type, first and last seen (set by the
     * window by id), and an identifier occurs at most once per record, so no shuffle picks one.
     */
    private static Dataset<Row> linking(Dataset<Row> withHub) {
        return withHub.filter(col("leaf").unary_$bang().and(col("record").equalTo(col("first_record"))))
                .select(
                        col("id"),
                        col("id_type"),
                        col("first_seen"),
                        col("last_seen"),
                        col("id").as("anchor"),
                        lit(true).as("linking"));
    }

    /** Each anchor with its component's label and the component's smallest identifier (root). */
    private static Dataset<Row> byAnchor(Dataset<Row> leaves, Dataset<Row> linking, Dataset<Row> labels) {
        return leaves.select(col("anchor"), col("id"))
                .unionByName(linking.select(col("anchor"), col("id")))
                .groupBy("anchor")
                .agg(min("id").as("smallest"))
                .join(labels, "anchor", "left_outer")
                .withColumn("label", coalesce(col("label"), col("anchor")))
                .withColumn("root", min("smallest").over(Window.partitionBy("label")));
    }

    /**
     * The history the naming makes: a previous OneID whose claim another survived is merged into
     * it; a previous OneID whose identifiers now lie in components it did not claim is split into
     * theirs.
     */
    private static Dataset<Row> mergesAndSplits(
            Dataset<Row> present, Dataset<Row> claims, Dataset<Row> survivors, Dataset<Row> named) {
        Dataset<Row> merged = claims.join(survivors.withColumnRenamed("label", "claim"), "claim", "inner")
                .filter(col("one_id").notEqual(col("survivor")))
                .select(
                        col("one_id").as("from_one_id"),
                        col("survivor").as("to_one_id"),
                        lit(MERGED).as("reason"));
        Dataset<Row> split = present.select("one_id", "label")
                .distinct()
                .join(claims.select("one_id", "claim"), "one_id", "inner")
                .filter(col("label").notEqual(col("claim")))
                .join(named.withColumnRenamed("one_id", "to_one_id"), "label", "inner")
                .select(
                        col("one_id").as("from_one_id"),
                        col("to_one_id"),
                        lit(SPLIT).as("reason"));
        return merged.unionByName(split);
    }

    /**
     * Each anchor's OneID, and the changes to previous OneIDs. A component is named by its smallest
     * identifier, leaves included, as if they had been in the graph; the minimum is taken per anchor
     * first (a hub's leaves, a linking identifier), so only one short row per anchor meets the
     * components.
     *
     * <p>With a previous map, each previous OneID is claimed by the component that holds its oldest
     * identifier still present (earliest first_seen, then the smallest hash). A component keeps the
     * oldest OneID it claims (by that identifier's first_seen, then the OneID); the others it claims
     * are retired into it ({@code merged}). A component holding identifiers of a previous OneID that
     * it does not claim split from that OneID ({@code split}): an identifier that crossed the guard
     * no longer holds the person together. A component that claims nothing gets a new OneID.
     * So the persons are those of the current evidence alone, as a rebuild would find them, and
     * only their names carry history.
     */
    private Named name(
            Dataset<Row> leaves,
            Dataset<Row> linking,
            Dataset<Row> labels,
            Dataset<Row> previous,
            Dataset<Row> taken,
            Persisted cached) {
        // Materialized rather than cached, each: every later dataset here is built on the ones before
        // it, and a plan carrying their cached plans is printed whole at every job (Persisted).
        Dataset<Row> byAnchor = step(
                "name: components' smallest identifiers", () -> cached.materialize(byAnchor(leaves, linking, labels)));
        Dataset<Row> components = byAnchor.select("label", "root").distinct();
        if (previous == null) {
            // Nothing can merge or split without a previous map; the history table still exists from
            // the first run on, so a re-run leaves the warehouse exactly as the first run did.
            return new Named(
                    byAnchor.select(col("anchor"), newOneId(col("root")).as("one_id")), emptyHistory());
        }
        // Every previous identifier still present, with its component.
        Dataset<Row> present = step(
                "name: previous identifiers present",
                () -> cached.materialize(leaves.select(col("id"), col("anchor"))
                        .unionByName(linking.select(col("id"), col("anchor")))
                        .join(
                                previous.select(
                                        col("id"),
                                        col("one_id"),
                                        col("first_seen").as("born")),
                                "id",
                                "inner")
                        .join(byAnchor.select("anchor", "label"), "anchor", "inner")
                        .select("one_id", "id", "born", "label")));
        Dataset<Row> claims = step(
                "name: claims",
                () -> cached.materialize(present.groupBy("one_id")
                        .agg(min(struct(col("born"), col("id"), col("label"))).as("c"))
                        .select(
                                col("one_id"),
                                col("c.born").as("born"),
                                col("c.label").as("claim"))));
        Dataset<Row> survivors = claims.groupBy(col("claim").as("label"))
                .agg(min(struct(col("born"), col("one_id"))).getField("one_id").as("survivor"));
        Dataset<Row> named = step(
                "name: survivors",
                () -> cached.materialize(components
                        .join(survivors, "label", "left_outer")
                        .join(taken, newOneId(col("root")).equalTo(col("taken")), "left_outer")
                        .select(
                                col("label"),
                                coalesce(
                                                col("survivor"),
                                                when(col("taken").isNull(), newOneId(col("root")))
                                                        .otherwise(freshOneId(col("root"), col("taken"))))
                                        .as("one_id"))));
        return new Named(
                byAnchor.join(named, "label", "inner").select("anchor", "one_id"),
                mergesAndSplits(present, claims, survivors, named)
                        .select(
                                col("from_one_id"),
                                col("to_one_id"),
                                col("reason"),
                                lit(run.runId()).as("run_id"),
                                lit(new Timestamp(run.startedAt().toEpochMilli()))
                                        .as("changed_at")));
    }

    /** OneIDs given out before: the previous map's, and those merges retired. */
    private Dataset<Row> taken(Dataset<Row> previous) {
        Dataset<Row> names = previous.select(col("one_id").as("taken"));
        if (warehouse.exists(Table.ONE_ID_HISTORY)) {
            names = names.unionByName(warehouse
                    .read(Table.ONE_ID_HISTORY)
                    .filter(col("reason").equalTo(MERGED))
                    .select(col("from_one_id").as("taken")));
        }
        // Checkpointed like the previous map: this stage writes one_id_history.
        return names.distinct().localCheckpoint();
    }

    private Dataset<Row> emptyHistory() {
        return spark().emptyDataFrame()
                .select(
                        lit(null).cast("string").as("from_one_id"),
                        lit(null).cast("string").as("to_one_id"),
                        lit(null).cast("string").as("reason"),
                        lit(null).cast("string").as("run_id"),
                        lit(null).cast("timestamp").as("changed_at"));
    }

    /** Rebuilds the stage's tables whole. */
    private Result write(
            Dataset<Row> map,
            Dataset<Row> records,
            Dataset<Row> ambiguous,
            long ambiguousCount,
            Dataset<Row> history,
            int rounds) {
        Row c = counts(map);
        Map<String, Long> changes = writeHistory(history);
        step(
                "write " + Table.AMBIGUOUS_IDENTIFIERS,
                () -> warehouse.overwrite(stored(ambiguous), Table.AMBIGUOUS_IDENTIFIERS));
        step("write " + Table.IDENTITY_MAP, () -> warehouse.overwrite(map.drop("linking"), Table.IDENTITY_MAP));
        long before = warehouse.version(Table.RECORD_IDENTIFIERS);
        step("write " + Table.RECORD_IDENTIFIERS, () -> warehouse.overwrite(records, Table.RECORD_IDENTIFIERS));
        return result(
                c,
                ambiguousCount,
                rounds,
                changes,
                -1,
                List.of(
                        written(Table.IDENTITY_MAP, c.getLong(0)),
                        written(Table.AMBIGUOUS_IDENTIFIERS, ambiguousCount),
                        written(Table.RECORD_IDENTIFIERS, warehouse.rowsWrittenSince(Table.RECORD_IDENTIFIERS, before)),
                        written(Table.ONE_ID_HISTORY, changes.get(MERGED) + changes.get(SPLIT))));
    }

    /**
     * Replaces the touched persons' rows of the map and of the records (the other persons' rows are
     * kept by OneID), and the touched identifiers' guard findings by identifier; every other row is
     * kept as it is. Each table is one overwrite: one read and one write of it.
     */
    private Result writeChanges(
            Dataset<Row> map,
            Dataset<Row> records,
            Dataset<Row> found,
            NightScope scope,
            Dataset<Row> history,
            int rounds,
            long ambiguousCount) {
        Row c = counts(map);
        if (scope.touchedIdCount == 0) {
            // No record changed: every table is as the last run left it, and stays so (no commit).
            return result(c, ambiguousCount, rounds, Map.of(MERGED, 0L, SPLIT, 0L), 0, List.of());
        }
        Map<String, Long> changes = writeHistory(history);
        Dataset<Row> guarded = found.join(scope.touchedIds, "id", "left_semi").localCheckpoint();
        long flagged = guarded.count();
        step(
                "write " + Table.AMBIGUOUS_IDENTIFIERS,
                () -> warehouse.replaceKeys(
                        stored(guarded),
                        stored(scope.ambiguousBefore.join(scope.touchedIds, "id", "left_semi")),
                        Table.AMBIGUOUS_IDENTIFIERS,
                        List.of("id_type", "id_value_hash")));
        // Every identifier and record of a touched person is in the night's rows, so the rows kept are
        // the other persons'; a changed record's old rows are dropped by record.
        step(
                "write " + Table.IDENTITY_MAP,
                () -> warehouse.overwrite(
                        othersRows(Table.IDENTITY_MAP, scope).unionByName(map.drop("linking")), Table.IDENTITY_MAP));
        long before = warehouse.version(Table.RECORD_IDENTIFIERS);
        step(
                "write " + Table.RECORD_IDENTIFIERS,
                () -> warehouse.overwrite(
                        othersRows(Table.RECORD_IDENTIFIERS, scope)
                                .join(scope.gone.select("record").distinct(), "record", "left_anti")
                                .unionByName(records),
                        Table.RECORD_IDENTIFIERS));
        return result(
                c,
                ambiguousCount,
                rounds,
                changes,
                scope.personCount,
                List.of(
                        written(Table.IDENTITY_MAP, c.getLong(0)),
                        written(Table.AMBIGUOUS_IDENTIFIERS, flagged),
                        written(Table.RECORD_IDENTIFIERS, warehouse.rowsWrittenSince(Table.RECORD_IDENTIFIERS, before)),
                        written(Table.ONE_ID_HISTORY, changes.get(MERGED) + changes.get(SPLIT))));
    }

    /**
     * The table's rows of the persons a night did not touch. The touched persons meet every row, so
     * they are broadcast when they fit Spark's broadcast threshold: the table is then read in place
     * instead of shuffled by OneID.
     */
    private Dataset<Row> othersRows(Table table, NightScope scope) {
        Dataset<Row> persons = scope.persons;
        if (scope.personCount * ONE_ID_ROW_BYTES
                <= spark().sessionState().conf().autoBroadcastJoinThreshold()) {
            persons = broadcast(persons);
        }
        return warehouse.read(table).join(persons, "one_id", "left_anti");
    }

    private Row counts(Dataset<Row> map) {
        return step(
                "count", () -> map.agg(count(lit(1)), countDistinct(col("one_id")), count(when(col("linking"), lit(1))))
                        .first());
    }

    /** Appends the merges and splits the naming found; returns their counts by reason. */
    private Map<String, Long> writeHistory(Dataset<Row> history) {
        return step("write " + Table.ONE_ID_HISTORY, () -> {
            Map<String, Long> n = new LinkedHashMap<>(Map.of(MERGED, 0L, SPLIT, 0L));
            for (Row r : history.groupBy("reason").count().collectAsList()) {
                n.put(r.getString(0), r.getLong(1));
            }
            if (n.get(MERGED) + n.get(SPLIT) > 0 || !warehouse.exists(Table.ONE_ID_HISTORY)) {
                warehouse.appendNew(history, Table.ONE_ID_HISTORY, "from_one_id", "to_one_id", "reason");
            }
            return n;
        });
    }

    /** Guard findings as {@code identity.ambiguous_identifiers} keeps them. */
    private Dataset<Row> stored(Dataset<Row> ambiguous) {
        return ambiguous.select(
                col("id_type"),
                hexHash(col("id")).as("id_value_hash"),
                col("degree"),
                col("neighbour_type"),
                lit(run.runId()).as("run_id"));
    }

    private Result result(
            Row c,
            long ambiguousCount,
            int rounds,
            Map<String, Long> changes,
            long touched,
            List<TableWritten> tables) {
        return new Result(
                c.getLong(0),
                c.getLong(1),
                ambiguousCount,
                c.getLong(2),
                rounds,
                changes.get(MERGED),
                changes.get(SPLIT),
                touched,
                tables);
    }

    /**
     * Adds {@code leaf} (the identifier occurs in this record only) and {@code hub} to occurrences
     * laid out by record: the record's smallest identifier that can link (not a leaf), else its
     * smallest identifier. Identifiers seen in one record only (most click ids) cannot link two
     * records, so they stay out of the connected components: each hangs off its record's hub and
     * takes the hub's component afterwards. The window reads the record layout in place.
     */
    static Dataset<Row> withHubs(Dataset<Row> occurrences) {
        WindowSpec byRecord = Window.partitionBy("record");
        return occurrences
                .withColumn("leaf", col("records").equalTo(1))
                .withColumn(
                        "hub",
                        coalesce(
                                min(when(col("leaf").unary_$bang(), col("id"))).over(byRecord),
                                min(col("id")).over(byRecord)));
    }

    /** The stored form of an identifier: its hash as 64 lower-case hex digits, as sha2 writes it. */
    static Column hexHash(Column id) {
        return lower(hex(id));
    }

    /** {@code oid_} and the first 24 hex digits of the component's smallest identifier hash. */
    static Column newOneId(Column root) {
        return concat(lit(ONE_ID_PREFIX), substring(hexHash(root), 1, 24));
    }

    /**
     * The name of a new person whose {@link #newOneId} was given out before (a part that split
     * from the person its smallest identifier named): {@code oid_} and 24 hex digits of the
     * SHA-256 of that name and the identifier.
     */
    static Column freshOneId(Column root, Column taken) {
        return concat(lit(ONE_ID_PREFIX), substring(sha2(concat(taken.cast("binary"), root), 256), 1, 24));
    }

    /**
     * Identifiers linked, through shared records, to more distinct identifiers of one other type
     * than the limit for their own type. Columns: id_type, id (binary), degree, neighbour_type.
     *
     * <p>A record carries at most one identifier of each type ({@link Identifiers#idsByTable}), so
     * an identifier has at most as many distinct neighbours of a type as it has records: only those
     * with more records than their limit can exceed it, and only they are joined with their records'
     * other identifiers. The join reads both sides in their record layout (no shuffle); the distinct
     * count shuffles the candidates' pairs only.
     */
    Dataset<Row> ambiguous(Dataset<Row> occurrences) {
        Column limit = lit(config.identity().defaultMaxLinks());
        for (IdType type : IdType.values()) {
            limit = when(
                            col("id_type").equalTo(type.id()),
                            lit(config.identity().maxLinks(type)))
                    .otherwise(limit);
        }
        Dataset<Row> x = occurrences.filter(col("records").gt(limit)).select(col("record"), col("id_type"), col("id"));
        Dataset<Row> y = occurrences
                .filter(col("id_type")
                        .isin(config.identity().eventLevelTypes().stream()
                                .map(IdType::id)
                                .toArray())
                        .unary_$bang())
                .select(col("record"), col("id_type").as("n_type"), col("id").as("n_id"));
        Dataset<Row> degrees = x.join(y, "record", "inner")
                .filter(col("n_type").notEqual(col("id_type")))
                .groupBy("id_type", "id", "n_type")
                .agg(countDistinct("n_id").as("links"));
        return degrees.filter(col("links").gt(limit))
                .groupBy("id_type", "id")
                .agg(max(struct(col("links"), col("n_type"))).as("top"))
                .select(
                        col("id_type"),
                        col("id"),
                        col("top.links").as("degree"),
                        col("top.n_type").as("neighbour_type"));
    }
}
