package io.trueroi.identity;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.when;

import io.trueroi.config.TrueRoiConfig;
import io.trueroi.ops.RunContext;
import io.trueroi.spark.JobGroup;
import io.trueroi.spark.Warehouse;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.storage.StorageLevel;

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
 * ({@link ConnectedComponents}); (6) each component keeps the OneID of its oldest previous identity (earliest first_seen, then the
 * smallest id); the others are retired into {@code identity.one_id_history}; a component with no
 * previous OneID gets {@code oid_} + the first 24 hex digits of its smallest identifier hash.
 *
 * <p>Re-running the same inputs changes nothing: the previous map already holds the merges, so no
 * new history is written, and history is merged on retired_one_id (a OneID retires once).
 * Merges are permanent: evidence that disappears later does not split a OneID.
 *
 * <p>Cost: one pass over the identifier columns of the silver tables; shuffles for the degree
 * count, the per-identifier counts, the record stars, each connected-components round (O(log n)
 * rounds, over linking identifiers only) and the component names; the map is rewritten in one
 * transaction.
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
    List<Dataset<Row>> cached = new ArrayList<>();
    try {
      // A record is numbered, not keyed by its table and natural key: the number is 8 bytes in
      // the shuffles by record below, the key ~60. The cache holds flat rows: an array column
      // in the columnar cache ran a 4 GiB driver out of heap on the 16M-event world.
      Dataset<Row> occurrences = Identifiers.records(warehouse, run.to())
          .select(monotonically_increasing_id().as("record"), col("seen_at"), col("ids"))
          .select(col("record"), col("seen_at"), explode(col("ids")).as("id"))
          .select(col("record"), col("seen_at"), col("id.id_type").as("id_type"),
              col("id.id_value_hash").as("id_value_hash"))
          .persist(StorageLevel.MEMORY_AND_DISK());
      cached.add(occurrences);

      Dataset<Row> ambiguous = ambiguous(occurrences).persist(StorageLevel.MEMORY_AND_DISK());
      cached.add(ambiguous);
      Dataset<Row> usable = occurrences.join(ambiguous.select("id_value_hash"), "id_value_hash", "left_anti");

      // Identifiers seen in one record only (most click ids) cannot link two records, so they stay
      // out of the connected components: each hangs off its record's hub and takes the hub's
      // component afterwards. The components then run on the identifiers that can link records.
      Dataset<Row> seen = usable.groupBy("id_value_hash")
          .agg(first("id_type").as("id_type"), min("seen_at").as("first_seen"), max("seen_at").as("last_seen"),
              count(lit(1)).as("records"))
          .persist(StorageLevel.MEMORY_AND_DISK());
      cached.add(seen);
      WindowSpec byRecord = Window.partitionBy("record");
      Dataset<Row> withHub = usable.select("record", "id_value_hash")
          .join(seen.select(col("id_value_hash"), col("records").equalTo(1).as("leaf")), "id_value_hash")
          // The hub: the record's smallest identifier that can link, else its smallest identifier.
          .withColumn("hub", coalesce(min(when(col("leaf").unary_$bang(), col("id_value_hash"))).over(byRecord),
              min(col("id_value_hash")).over(byRecord)))
          .persist(StorageLevel.MEMORY_AND_DISK());
      cached.add(withHub);
      Dataset<Row> evidence = withHub
          .filter(col("leaf").unary_$bang().and(col("id_value_hash").notEqual(col("hub"))))
          .select(col("id_value_hash").as("a"), col("hub").as("b"));
      Dataset<Row> leafHub = withHub.filter(col("leaf").and(col("id_value_hash").notEqual(col("hub"))))
          .select(col("id_value_hash"), col("hub"));

      boolean hasPrevious = warehouse.exists(LAYER, MAP);
      Dataset<Row> previous = hasPrevious ? warehouse.read(LAYER, MAP).persist(StorageLevel.MEMORY_AND_DISK()) : null;
      if (previous != null) {
        cached.add(previous);
      }
      // A leaf's previous OneID ties its hub to that OneID: the leaf is contracted into its hub.
      Dataset<Row> edges = previous == null ? evidence
          : evidence.unionByName(previous.join(leafHub, "id_value_hash", "left_outer")
              .select(coalesce(col("hub"), col("id_value_hash")).as("a"), col("one_id").as("b")));

      if (config.identity().reliableCheckpoint()) {
        spark.sparkContext().setCheckpointDir(config.identity().checkpointDir());
      }
      // The components' first job (their input edges) is where the occurrences, the guard and the
      // hubs above are computed: they are lazy until then.
      ConnectedComponents cc = new ConnectedComponents(spark, group, config.identity().reliableCheckpoint());
      Dataset<Row> roots = cc.run(edges).persist(StorageLevel.MEMORY_AND_DISK());
      cached.add(roots);

      // Identifier nodes: this run's usable identifiers and every previously mapped one. Each is
      // labelled by its component in the graph (a leaf by its hub's), and the component is named
      // by its smallest identifier, leaves included, as if they had been in the graph.
      Dataset<Row> nodes = previous == null ? seen.drop("records")
          : seen.join(previous.select(col("id_value_hash"), col("id_type").as("prev_type"),
                  col("first_seen").as("prev_first"), col("last_seen").as("prev_last")), "id_value_hash", "full_outer")
              .select(col("id_value_hash"), coalesce(col("id_type"), col("prev_type")).as("id_type"),
                  least(col("first_seen"), col("prev_first")).as("first_seen"),
                  greatest(col("last_seen"), col("prev_last")).as("last_seen"));
      Dataset<Row> placed = nodes.join(leafHub, "id_value_hash", "left_outer")
          .withColumn("anchor", coalesce(col("hub"), col("id_value_hash")))
          .join(roots.select(col("node").as("anchor"), col("root").as("label")), "anchor", "left_outer")
          .withColumn("label", coalesce(col("label"), col("anchor")))
          .withColumn("root", min("id_value_hash").over(Window.partitionBy("label")))
          .drop("anchor", "hub");

      // OneIDs already given out, with the age of each (its earliest identifier).
      Dataset<Row> survivors;
      Dataset<Row> retired;
      Dataset<Row> components = placed.select("label", "root").distinct();
      if (previous == null) {
        survivors = components.withColumn("one_id", newOneId(col("root"))).drop("root");
        // Nothing can merge without a previous map; the history table still exists from the
        // first run on, so a re-run leaves the warehouse exactly as the first run did.
        retired = spark.emptyDataFrame().select(lit(null).cast("string").as("retired_one_id"),
            lit(null).cast("string").as("surviving_one_id"), lit(null).cast("string").as("run_id"),
            lit(null).cast("string").as("reason"), lit(null).cast("timestamp").as("merged_at"));
      } else {
        Dataset<Row> prevIds = previous.groupBy("one_id").agg(min("first_seen").as("born"))
            .join(roots.select(col("node").as("one_id"), col("root").as("label")), "one_id", "inner");
        Dataset<Row> oldest = prevIds.groupBy("label")
            .agg(min(struct(col("born"), col("one_id"))).getField("one_id").as("survivor"));
        survivors = components
            .join(oldest, "label", "left_outer")
            .select(col("label"), coalesce(col("survivor"), newOneId(col("root"))).as("one_id"));
        retired = prevIds.join(oldest, "label", "inner")
            .filter(col("one_id").notEqual(col("survivor")))
            .select(col("one_id").as("retired_one_id"), col("survivor").as("surviving_one_id"),
                lit(run.runId()).as("run_id"), lit("merged by new evidence linking both identities").as("reason"),
                lit(new Timestamp(run.startedAt().toEpochMilli())).as("merged_at"));
      }
      Dataset<Row> map = placed.join(survivors, "label", "inner")
          .select("id_type", "id_value_hash", "one_id", "first_seen", "last_seen")
          .persist(StorageLevel.MEMORY_AND_DISK());
      cached.add(map);

      Map<String, Long> counters = new LinkedHashMap<>();
      JobGroup.run(spark, group, "identity: count", () -> {
        Row c = map.agg(count(lit(1)), countDistinct(col("one_id"))).first();
        counters.put("identifiers", c.getLong(0));
        counters.put("one_ids", c.getLong(1));
        counters.put("ambiguous_identifiers", ambiguous.count());
        counters.put("linking_identifiers", seen.filter(col("records").gt(1)).count());
      });
      counters.put("cc_rounds", (long) cc.rounds());
      Dataset<Row> r = retired.persist(StorageLevel.MEMORY_AND_DISK());
      cached.add(r);
      counters.put("merged_one_ids", JobGroup.run(spark, group, "identity: write " + LAYER + "." + HISTORY, () -> {
        long merged = r.count();
        if (merged > 0 || !warehouse.exists(LAYER, HISTORY)) {
          warehouse.insertNew(r, LAYER, HISTORY, "retired_one_id");
        }
        return merged;
      }));
      JobGroup.run(spark, group, "identity: write " + LAYER + "." + AMBIGUOUS,
          () -> warehouse.overwrite(ambiguous.withColumn("run_id", lit(run.runId())), LAYER, AMBIGUOUS));
      JobGroup.run(spark, group, "identity: write " + LAYER + "." + MAP, () -> warehouse.overwrite(map, LAYER, MAP));
      return counters;
    } finally {
      cached.forEach(Dataset::unpersist);
    }
  }

  static Column newOneId(Column root) {
    return concat(lit(ONE_ID_PREFIX), substring(root, 1, 24));
  }

  /**
   * Identifiers linked, through shared records, to more distinct identifiers of one other type
   * than the limit for their own type. Columns: id_type, id_value_hash, degree, neighbour_type.
   */
  Dataset<Row> ambiguous(Dataset<Row> occurrences) {
    Dataset<Row> x = occurrences.select(col("record"), col("id_type"), col("id_value_hash"));
    Dataset<Row> y = occurrences.select(col("record"), col("id_type").as("n_type"), col("id_value_hash").as("n_hash"));
    Dataset<Row> degrees = x.join(y, "record", "inner")
        .filter(col("n_type").notEqual(col("id_type")))
        .filter(col("n_type").isin(config.identity().eventLevelTypes().toArray()).unary_$bang())
        .groupBy("id_type", "id_value_hash", "n_type")
        .agg(countDistinct("n_hash").as("links"));
    Column limit = lit(config.identity().maxLinks("default"));
    for (String type : Identifiers.TYPES) {
      limit = when(col("id_type").equalTo(type), lit(config.identity().maxLinks(type))).otherwise(limit);
    }
    return degrees.filter(col("links").gt(limit))
        .groupBy("id_type", "id_value_hash")
        .agg(max(struct(col("links"), col("n_type"))).as("top"))
        .select(col("id_type"), col("id_value_hash"), col("top.links").as("degree"),
            col("top.n_type").as("neighbour_type"));
  }
}
