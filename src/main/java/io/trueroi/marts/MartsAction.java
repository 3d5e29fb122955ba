package io.trueroi.marts;

import io.trueroi.attribution.AttributionAction;
import io.trueroi.config.TrueRoiConfig;
import io.trueroi.journey.JourneysAction;
import io.trueroi.ops.JobFailure;
import io.trueroi.ops.RunContext;
import io.trueroi.spark.JobGroup;
import io.trueroi.spark.Warehouse;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Builds the analyst-facing {@code mart.*} tables from the journeys, the credits and the ad
 * spend, as of the run's last date: {@link ChannelRoiDaily}, {@link ModelComparison},
 * {@link CustomerLtv}, {@link CohortLtv}, {@link ChannelLtvCac}, {@link PathSummary}.
 *
 * <p>Each table is written in one Delta transaction. {@code channel_roi_daily} replaces every
 * date up to the run's last date (late refunds, late conversions crediting old touches and OneID
 * merges change past days; days after it, from a later run, are kept); the other marts are
 * snapshots as of that date ({@code as_of_date}) and are replaced whole. Re-running gives the same
 * tables. A failure part-way leaves the marts already written at their new version and the rest at
 * their previous one; the re-run completes them.
 *
 * <p>Cost: small next to attribution — one join of credits to conversions, aggregations of
 * credits, conversions and journeys; customer_ltv is written first and read back by the two
 * marts built on it.
 */
public final class MartsAction {
  public static final String LAYER = "mart";
  public static final String CHANNEL_ROI_DAILY = "channel_roi_daily";
  public static final String MODEL_COMPARISON = "model_comparison";
  public static final String CUSTOMER_LTV = "customer_ltv";
  public static final String COHORT_LTV = "cohort_ltv";
  public static final String CHANNEL_LTV_CAC = "channel_ltv_cac";
  public static final String PATH_SUMMARY = "path_summary";
  /** In the order they are written. */
  public static final List<String> TABLES = List.of(CHANNEL_ROI_DAILY, MODEL_COMPARISON, CUSTOMER_LTV, COHORT_LTV,
      CHANNEL_LTV_CAC, PATH_SUMMARY);

  private final SparkSession spark;
  private final TrueRoiConfig config;
  private final Warehouse warehouse;
  private final RunContext run;

  public MartsAction(SparkSession spark, TrueRoiConfig config, Warehouse warehouse, RunContext run) {
    this.spark = spark;
    this.config = config;
    this.warehouse = warehouse;
    this.run = run;
  }

  /** Rows written per mart, for ops.job_runs. */
  public Map<String, Long> execute() {
    for (String[] input : new String[][] {{JourneysAction.LAYER, JourneysAction.TOUCHPOINTS},
        {JourneysAction.LAYER, JourneysAction.CONVERSIONS}, {JourneysAction.LAYER, JourneysAction.JOURNEYS},
        {AttributionAction.LAYER, AttributionAction.CREDITS}}) {
      if (!warehouse.exists(input[0], input[1])) {
        throw new JobFailure("marts: " + input[0] + "." + input[1] + " does not exist: run "
            + (input[0].equals(JourneysAction.LAYER) ? "journeys" : "attribution") + " first");
      }
    }
    LocalDate upTo = run.to();
    String group = run.runId();
    Dataset<Row> credits = warehouse.read(AttributionAction.LAYER, AttributionAction.CREDITS);
    Dataset<Row> conversions = warehouse.read(JourneysAction.LAYER, JourneysAction.CONVERSIONS);
    Dataset<Row> touchpoints = warehouse.read(JourneysAction.LAYER, JourneysAction.TOUCHPOINTS);
    Dataset<Row> journeys = warehouse.read(JourneysAction.LAYER, JourneysAction.JOURNEYS);
    // Two marts each use the spend and the customers' orders: kept after first use, not recomputed.
    Dataset<Row> spend = Spend.daily(spark, warehouse, config, upTo).persist(StorageLevel.MEMORY_AND_DISK());
    Map<String, Long> counters = new LinkedHashMap<>();
    try {
      write(group, CHANNEL_ROI_DAILY, ChannelRoiDaily.build(spark, credits, conversions, touchpoints, spend,
          config.attribution().models(), upTo), "date <= DATE'" + upTo + "'", counters);
      write(group, MODEL_COMPARISON, ModelComparison.build(credits, upTo), null, counters);
      write(group, CUSTOMER_LTV, CustomerLtv.build(conversions, journeys, upTo), null, counters);
      Dataset<Row> customers = warehouse.read(LAYER, CUSTOMER_LTV);
      Dataset<Row> orders = CustomerLtv.customerOrders(conversions, customers, upTo)
          .persist(StorageLevel.MEMORY_AND_DISK());
      try {
        write(group, COHORT_LTV, CohortLtv.build(customers, orders, upTo), null, counters);
        write(group, CHANNEL_LTV_CAC, ChannelLtvCac.build(customers, orders, spend, upTo), null, counters);
      } finally {
        orders.unpersist();
      }
      write(group, PATH_SUMMARY, PathSummary.build(journeys, config.marts().topPaths(), upTo), null, counters);
      return counters;
    } finally {
      spend.unpersist();
    }
  }

  /** One transaction: the rows matching {@code predicate} replaced, or (null) the whole table. */
  private void write(String group, String table, Dataset<Row> data, String predicate, Map<String, Long> counters) {
    // The rows written come from the commit's metrics (the rows now matching the predicate, or
    // the whole table), not from a second scan of what was just written.
    long rows = JobGroup.run(spark, group, "marts: write " + LAYER + "." + table, () -> {
      if (predicate == null) {
        warehouse.overwrite(data, LAYER, table);
      } else {
        warehouse.replace(data, LAYER, table, predicate, List.of());
      }
      return warehouse.lastCommitOutputRows(LAYER, table);
    });
    counters.put(table, rows);
  }
}
