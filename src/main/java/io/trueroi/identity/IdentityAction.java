package io.trueroi.identity;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.hex;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.unhex;
import static org.apache.spark.sql.functions.when;

import io.trueroi.config.TrueRoiConfig;
import io.trueroi.ops.RunContext;
import io.trueroi.spark.JobGroup;
import io.trueroi.spark.Persisted;
import io.trueroi.spark.Warehouse;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
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
 * so the graph holds only identifiers that link; (4) the previous map adds an edge from each
 * identifier to its OneID, so people keep their OneID; (5) connected components
 * ({@link ConnectedComponents}); (6) each component keeps the OneID of its oldest previous
 * identity (earliest first_seen, then the smallest id); the others are retired into
 * {@code identity.one_id_history}; a component with no previous OneID gets {@code oid_} + the
 * first 24 hex digits of its smallest identifier hash.
 *
 * <p>Re-running the same inputs changes nothing: the previous map already holds the merges, so no
 * new history is written, and history is merged on retired_one_id (a OneID retires once).
 * Merges are permanent: evidence that disappears later does not split a OneID.
 *
 * <p>Cost: one pass over the identifier columns of the silver tables; two shuffles of the
 * identifier occurrences (a window by identifier for its record count and first/last seen, then a
 * layout by record that the guard's self-join and the hubs' window read in place), kept once with
 * their hubs (kept again, with hubs chosen anew, only on a night whose guard finds ambiguous
 * identifiers; every cache here is unencoded, see {@link Persisted#uncompressed}); the guard's
 * pairs, for identifiers with more records than their limit only; each connected-components round
 * (O(log n) rounds, over linking identifiers only); and for the map, one short row per anchor (a
 * hub, a linking identifier, a previous OneID) shuffled to its component to name it, then one
 * shuffle of the identifiers to their anchor's OneID (with a previous map, one more: the full outer
 * join with it by identifier). Identifiers move as 32-byte binary hashes. The map is rewritten in
 * one transaction.
 */
public final class IdentityAction {
  public static final String LAYER = "identity";
  public static final String MAP = "identity_map";
  public static final String AMBIGUOUS = "ambiguous_identifiers";
  public static final String HISTORY = "one_id_history";
  static final String ONE_ID_PREFIX = "oid_";

  private final SparkSession spark;
  private final TrueRoiConfig config;
  private final Warehouse warehouse;
  private final RunContext run;

  public IdentityAction(SparkSession spark, TrueRoiConfig config, Warehouse warehouse, RunContext run) {
    this.spark = spark;
    this.config = config;
    this.warehouse = warehouse;
    this.run = run;
  }

  /** Counters for ops.job_runs. */
  public Map<String, Long> execute() {
    String group = run.runId();
    // Uncompressed: the kept columns are mostly 32-byte hashes, which no encoding of the columnar
    // cache shrinks, and trying costs (Persisted#uncompressed).
    try (Persisted cached = Persisted.uncompressed(spark)) {
      // Identifiers travel as the 32 bytes of their hash, not its 64 hex characters: every shuffle
      // below moves them, and binary order is hex order, so "smallest" means the same in both.
      // A record is numbered, not keyed by its table and natural key: 8 bytes, not ~60. Each
      // occurrence carries its identifier's record count, first/last seen and first record (one
      // window by identifier), then the occurrences are laid out by record, so that the guard's
      // self-join and the hub's window by record read them in place. The cache holds flat rows: an
      // array column in the columnar cache ran a 4 GiB driver out of heap on the 16M-event world.
      WindowSpec byId = Window.partitionBy("id");
      Dataset<Row> occurrences = cached.keep(withHubs(Identifiers.records(warehouse, run.to())
          .select(monotonically_increasing_id().as("record"), col("seen_at"), col("ids"))
          // A record's array holds a null for each identifier it lacks (see Identifiers.records).
          .select(col("record"), col("seen_at"), explode(col("ids")).as("i"))
          .filter(col("i").isNotNull())
          .select(col("record"), col("seen_at"), col("i.id_type").as("id_type"),
              unhex(col("i.id_value_hash")).as("id"))
          .select(col("record"), col("id_type"), col("id"), count(lit(1)).over(byId).as("records"),
              min("seen_at").over(byId).as("first_seen"), max("seen_at").over(byId).as("last_seen"),
              min("record").over(byId).as("first_record"))
          .repartition(col("record"))
          .sortWithinPartitions("record")));

      Dataset<Row> ambiguous = cached.keep(ambiguous(occurrences));
      // Counted before use, so the planner knows its size: normally a few rows, joined by broadcast
      // without moving the occurrences off their record layout.
      long ambiguousCount = JobGroup.run(spark, group, "identity: over-merge guard", ambiguous::count);
      // The occurrences' hubs were chosen among all of a record's identifiers. With no ambiguous
      // identifier (the usual night) they stand; otherwise the records lose their ambiguous
      // identifiers and choose again, a second cache of the occurrences.
      boolean rechoose = ambiguousCount > 0;
      Dataset<Row> withHub = !rechoose ? occurrences
          : cached.keep(withHubs(occurrences.drop("leaf", "hub").join(ambiguous.select("id"), "id", "left_anti")));
      Dataset<Row> evidence = withHub
          .filter(col("leaf").unary_$bang().and(col("id").notEqual(col("hub"))))
          .select(col("id").as("a"), col("hub").as("b"));
      Dataset<Row> leafHub = withHub.filter(col("leaf").and(col("id").notEqual(col("hub"))))
          .select(col("id"), col("hub"));

      Dataset<Row> previous = null;
      if (warehouse.exists(LAYER, MAP)) {
        // A OneID is a node of the graph too: its UTF-8 bytes ("oid_…", 28) never equal a hash (32).
        previous = cached.keep(warehouse.read(LAYER, MAP)
            .select(unhex(col("id_value_hash")).as("id"), col("id_type"), col("one_id"),
                col("one_id").cast("binary").as("one_id_node"), col("first_seen"), col("last_seen")));
      }
      // A leaf's previous OneID ties its hub to that OneID: the leaf is contracted into its hub.
      Dataset<Row> edges = previous == null ? evidence
          : evidence.unionByName(previous.join(leafHub, "id", "left_outer")
              .select(coalesce(col("hub"), col("id")).as("a"), col("one_id_node").as("b")));

      if (config.identity().reliableCheckpoint()) {
        spark.sparkContext().setCheckpointDir(config.identity().checkpointDir());
      }
      // The occurrences were computed by the guard's count; re-chosen hubs are lazy until the
      // components' first job (their input edges), after which the occurrences are not read again.
      ConnectedComponents cc = new ConnectedComponents(spark, group, config.identity().reliableCheckpoint());
      Dataset<Row> roots = cached.keep(cc.run(edges));
      if (rechoose) {
        occurrences.unpersist(false);
      }
      Dataset<Row> labels = roots.select(col("node").as("anchor"), col("root").as("label"));

      // Identifier nodes, one row each, with an anchor: a leaf's single occurrence is anchored at
      // its hub, a linking identifier at itself. The anchor's component in the graph is the node's.
      Dataset<Row> leaves = withHub.filter(col("leaf"))
          .select(col("id"), col("id_type"), col("first_seen"), col("last_seen"), col("hub").as("anchor"),
              lit(false).as("linking"));
      // One occurrence per linking identifier, its first record's, read in place: every occurrence
      // carries the same type, first and last seen (set by the window by id), and an identifier
      // occurs at most once per record (one of each type), so no shuffle is needed to pick one.
      Dataset<Row> linking = withHub.filter(col("leaf").unary_$bang().and(col("record").equalTo(col("first_record"))))
          .select(col("id"), col("id_type"), col("first_seen"), col("last_seen"), col("id").as("anchor"),
              lit(true).as("linking"));

      // A component is named by its smallest identifier, leaves included, as if they had been in the
      // graph. The minimum is taken per anchor first (a hub's leaves, a linking identifier, a
      // previous OneID's identifiers), so only one short row per anchor meets the components and
      // the wide identifier rows move once, to their anchor's OneID.
      Dataset<Row> smallest = leaves.select(col("anchor"), col("id").as("smallest"))
          .unionByName(linking.select(col("anchor"), col("id").as("smallest")));
      Dataset<Row> prevIds = null;
      if (previous != null) {
        // OneIDs already given out, with the age of each (its earliest identifier).
        prevIds = cached.keep(previous.groupBy("one_id", "one_id_node")
            .agg(min("first_seen").as("born"), min("id").as("smallest")));
        smallest = smallest.unionByName(prevIds.select(col("one_id_node").as("anchor"), col("smallest")));
      }
      Dataset<Row> named = smallest.groupBy("anchor").agg(min("smallest").as("smallest"))
          .join(labels, "anchor", "left_outer")
          .withColumn("label", coalesce(col("label"), col("anchor")))
          .withColumn("root", min("smallest").over(Window.partitionBy("label")));

      Dataset<Row> anchorOneIds;
      Dataset<Row> retired;
      if (previous == null) {
        anchorOneIds = named.select(col("anchor"), newOneId(col("root")).as("one_id"));
        // Nothing can merge without a previous map; the history table still exists from the
        // first run on, so a re-run leaves the warehouse exactly as the first run did.
        retired = spark.emptyDataFrame().select(lit(null).cast("string").as("retired_one_id"),
            lit(null).cast("string").as("surviving_one_id"), lit(null).cast("string").as("run_id"),
            lit(null).cast("string").as("reason"), lit(null).cast("timestamp").as("merged_at"));
      } else {
        // A previous OneID is a node with edges, so the components label it.
        Dataset<Row> prevLabelled = prevIds.join(labels.withColumnRenamed("anchor", "one_id_node"), "one_id_node", "inner");
        Dataset<Row> oldest = prevLabelled.groupBy("label")
            .agg(min(struct(col("born"), col("one_id"))).getField("one_id").as("survivor"));
        anchorOneIds = named.join(oldest, "label", "left_outer")
            .select(col("anchor"), coalesce(col("survivor"), newOneId(col("root"))).as("one_id"));
        retired = prevLabelled.join(oldest, "label", "inner")
            .filter(col("one_id").notEqual(col("survivor")))
            .select(col("one_id").as("retired_one_id"), col("survivor").as("surviving_one_id"),
                lit(run.runId()).as("run_id"), lit("merged by new evidence linking both identities").as("reason"),
                lit(new Timestamp(run.startedAt().toEpochMilli())).as("merged_at"));
      }

      // With a previous map, every identifier it holds is a node too; one that the silver tables no
      // longer show is anchored at its previous OneID, which its component holds.
      Dataset<Row> current = leaves.unionByName(linking);
      Dataset<Row> nodes = previous == null ? current
          : current.join(previous.select(col("id"), col("id_type").as("prev_type"), col("one_id_node"),
                  col("first_seen").as("prev_first"), col("last_seen").as("prev_last")), "id", "full_outer")
              .select(col("id"), coalesce(col("id_type"), col("prev_type")).as("id_type"),
                  least(col("first_seen"), col("prev_first")).as("first_seen"),
                  greatest(col("last_seen"), col("prev_last")).as("last_seen"),
                  coalesce(col("anchor"), col("one_id_node")).as("anchor"), col("linking"));
      Dataset<Row> map = cached.keep(nodes.join(anchorOneIds, "anchor", "inner")
          .select(col("id_type"), hexHash(col("id")).as("id_value_hash"), col("one_id"), col("first_seen"),
              col("last_seen"), col("linking")));

      Map<String, Long> counters = new LinkedHashMap<>();
      JobGroup.run(spark, group, "identity: count", () -> {
        Row c = map.agg(count(lit(1)), countDistinct(col("one_id")), count(when(col("linking"), lit(1)))).first();
        counters.put("identifiers", c.getLong(0));
        counters.put("one_ids", c.getLong(1));
        counters.put("ambiguous_identifiers", ambiguousCount);
        counters.put("linking_identifiers", c.getLong(2));
      });
      counters.put("cc_rounds", (long) cc.rounds());
      Dataset<Row> r = cached.keep(retired);
      counters.put("merged_one_ids", JobGroup.run(spark, group, "identity: write " + LAYER + "." + HISTORY, () -> {
        long merged = r.count();
        if (merged > 0 || !warehouse.exists(LAYER, HISTORY)) {
          warehouse.insertNew(r, LAYER, HISTORY, "retired_one_id");
        }
        return merged;
      }));
      JobGroup.run(spark, group, "identity: write " + LAYER + "." + AMBIGUOUS,
          () -> warehouse.overwrite(ambiguous.select(col("id_type"), hexHash(col("id")).as("id_value_hash"),
              col("degree"), col("neighbour_type"), lit(run.runId()).as("run_id")), LAYER, AMBIGUOUS));
      JobGroup.run(spark, group, "identity: write " + LAYER + "." + MAP,
          () -> warehouse.overwrite(map.drop("linking"), LAYER, MAP));
      return counters;
    }
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
    return occurrences.withColumn("leaf", col("records").equalTo(1))
        .withColumn("hub", coalesce(min(when(col("leaf").unary_$bang(), col("id"))).over(byRecord),
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
    Column limit = lit(config.identity().maxLinks("default"));
    for (String type : Identifiers.TYPES) {
      limit = when(col("id_type").equalTo(type), lit(config.identity().maxLinks(type))).otherwise(limit);
    }
    Dataset<Row> x = occurrences.filter(col("records").gt(limit)).select(col("record"), col("id_type"), col("id"));
    Dataset<Row> y = occurrences
        .filter(col("id_type").isin(config.identity().eventLevelTypes().toArray()).unary_$bang())
        .select(col("record"), col("id_type").as("n_type"), col("id").as("n_id"));
    Dataset<Row> degrees = x.join(y, "record", "inner")
        .filter(col("n_type").notEqual(col("id_type")))
        .groupBy("id_type", "id", "n_type")
        .agg(countDistinct("n_id").as("links"));
    return degrees.filter(col("links").gt(limit))
        .groupBy("id_type", "id")
        .agg(max(struct(col("links"), col("n_type"))).as("top"))
        .select(col("id_type"), col("id"), col("top.links").as("degree"), col("top.n_type").as("neighbour_type"));
  }
}
