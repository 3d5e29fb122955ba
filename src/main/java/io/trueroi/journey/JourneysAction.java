package io.trueroi.journey;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.trueroi.config.TrueRoiConfig;
import io.trueroi.identity.Identifiers;
import io.trueroi.identity.IdentityAction;
import io.trueroi.identity.OneIdLookup;
import io.trueroi.ops.JobFailure;
import io.trueroi.ops.RunContext;
import io.trueroi.spark.JobGroup;
import io.trueroi.spark.Persisted;
import io.trueroi.spark.Warehouse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Rebuilds {@code journey.touchpoints}, {@code journey.conversions} and {@code journey.journeys}
 * from silver as of the run's last date and the current OneID map ({@link Touchpoints},
 * {@link Conversions}, {@link Journeys}). The tables are rebuilt whole, because a merge of two
 * OneIDs can change any past journey; each is replaced in one transaction.
 *
 * <p>Cost: one pass over the touch and order tables with their latest delivery per record (one
 * shuffle each), two joins with the map ({@link Identifiers#resolve}: one for all touch tables,
 * one for both order tables; each shuffles the whole map), and one shuffle by one_id for
 * the journeys. Ad clicks take a second, narrow pass first: their latest delivery over the few
 * columns that find bursts of clicks (one shuffle, then one aggregation by device or IP and hour);
 * the bursts are kept and counted, and the clicks meet them by broadcast. Nothing large is cached:
 * touchpoints and conversions are written straight from their plans, the journeys are built from
 * the written tables, and the counters read back only the columns they count.
 */
public final class JourneysAction {
  public static final String LAYER = "journey";
  /** One row per touch, with its OneID and channel. */
  public static final String TOUCHPOINTS = "touchpoints";
  /** One row per purchase or till sale, net of refunds and returns. */
  public static final String CONVERSIONS = "conversions";
  /** One row per journey, its touches in order: what attribution reads. */
  public static final String JOURNEYS = "journeys";

  private final SparkSession spark;
  private final TrueRoiConfig config;
  private final Warehouse warehouse;
  private final RunContext run;

  public JourneysAction(SparkSession spark, TrueRoiConfig config, Warehouse warehouse, RunContext run) {
    this.spark = spark;
    this.config = config;
    this.warehouse = warehouse;
    this.run = run;
  }

  /** Counters for ops.job_runs. */
  public Map<String, Long> execute() {
    for (String table : List.of(IdentityAction.MAP, IdentityAction.AMBIGUOUS)) {
      if (!warehouse.exists(IdentityAction.LAYER, table)) {
        throw new JobFailure("journeys: " + IdentityAction.LAYER + "." + table + " does not exist: run identity first");
      }
    }
    String group = run.runId();
    try (Persisted cached = new Persisted()) {
      OneIdLookup read = OneIdLookup.read(warehouse);
      // The skipped identifiers are few but cost a scan of the map; six joins use them.
      Dataset<Row> skipped = cached.keep(read.skipped());
      OneIdLookup lookup = new OneIdLookup(read.map(), skipped);
      Map<String, Long> counters = new LinkedHashMap<>();
      // Computed before the touchpoints are planned, so the planner sees how few they are.
      Dataset<Row> bursts = warehouse.exists("silver", "ad_clicks")
          ? cached.keep(Touchpoints.bursts(warehouse, config, run.to())) : null;
      if (bursts != null) {
        counters.put("click_bursts", JobGroup.run(spark, group, "journeys: find click bursts", bursts::count));
      }
      // Each table is written straight from its plan and read back by what follows: the written
      // table is the cache. In-memory caches of the three (16M-event world) spent more of the
      // stage's CPU building and compressing their columns (15.8% of its JFR samples) than the
      // Parquet writes that followed them (10.9%).
      Dataset<Row> touchpoints = writeAndRead(group, TOUCHPOINTS,
          Touchpoints.build(warehouse, config, lookup, bursts, run.to()));
      Dataset<Row> conversions = writeAndRead(group, CONVERSIONS,
          Conversions.build(warehouse, config, lookup, run.to()));
      Dataset<Row> journeys = writeAndRead(group, JOURNEYS,
          Journeys.build(touchpoints, conversions, config.journeys().lookbackDays()));

      JobGroup.run(spark, group, "journeys: count", () -> {
        Row t = touchpoints.agg(count(lit(1)),
            sum(when(col("channel").equalTo(ChannelTaxonomy.UNMAPPED), 1L).otherwise(0L)),
            sum(when(col("is_invalid"), 1L).otherwise(0L)),
            sum(when(col("one_id").isNull(), 1L).otherwise(0L))).first();
        counters.put("touchpoints", t.getLong(0));
        counters.put("unmapped_touches", t.getLong(1));
        counters.put("invalid_clicks", t.getLong(2));
        counters.put("unresolved_touches", t.getLong(3));
        Row c = conversions.agg(count(lit(1)), sum(when(col("one_id").isNull(), 1L).otherwise(0L))).first();
        counters.put("conversions", c.getLong(0));
        counters.put("anonymous_conversions", c.isNullAt(1) ? 0 : c.getLong(1));
        Row j = journeys.agg(sum(when(col("converted"), 1L).otherwise(0L)),
            sum(when(col("converted"), 0L).otherwise(1L))).first();
        counters.put("converting_journeys", j.isNullAt(0) ? 0 : j.getLong(0));
        counters.put("non_converting_journeys", j.isNullAt(1) ? 0 : j.getLong(1));
        // Invalid clicks per campaign: one row per campaign reaches the driver.
        for (Row r : touchpoints.filter(col("is_invalid")).groupBy("campaign_id").count().collectAsList()) {
          counters.put("invalid_clicks:" + (r.isNullAt(0) ? "(none)" : r.getString(0)), r.getLong(1));
        }
        long[] unlinked = Conversions.unlinked(warehouse, run.to(), conversions);
        counters.put("refunds_without_order", unlinked[0]);
        counters.put("returns_without_sale", unlinked[1]);
      });
      return counters;
    }
  }

  /** Replaces {@code journey.<table>} with {@code data}; returns the table as written. */
  private Dataset<Row> writeAndRead(String group, String table, Dataset<Row> data) {
    JobGroup.run(spark, group, "journeys: write " + LAYER + "." + table, () -> warehouse.overwrite(data, LAYER, table));
    return warehouse.read(LAYER, table);
  }
}
