package io.trueroi.attribution;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import io.trueroi.config.TrueRoiConfig;
import io.trueroi.config.TrueRoiConfig.AttributionSettings;
import io.trueroi.journey.JourneysAction;
import io.trueroi.ops.JobFailure;
import io.trueroi.ops.RunContext;
import io.trueroi.spark.JobGroup;
import io.trueroi.spark.Persisted;
import io.trueroi.spark.Warehouse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Runs the configured attribution models over {@code journey.journeys} and writes
 * {@code attribution.credits} (every model's per-touchpoint credit for every converting journey,
 * rebuilt whole because journeys are, partitioned by model), and for the Markov model
 * {@code attribution.markov_removal_effects} and {@code attribution.markov_transitions} (one fit
 * per run date, replaced when the date is re-run). Each table is written in one transaction.
 *
 * <p>Cost: rule-based models are a narrow map over the journeys each (array functions, no
 * shuffle). The Markov fit adds two aggregations (distinct paths, then transition counts) and
 * one task per segment for the solve ({@link MarkovTraining}); the driver receives only segment
 * counts and channel removal effects.
 */
public final class AttributionAction {
  public static final String LAYER = "attribution";
  public static final String CREDITS = "credits";
  public static final String REMOVAL_EFFECTS = "markov_removal_effects";
  public static final String TRANSITIONS = "markov_transitions";

  private final SparkSession spark;
  private final TrueRoiConfig config;
  private final Warehouse warehouse;
  private final RunContext run;

  public AttributionAction(SparkSession spark, TrueRoiConfig config, Warehouse warehouse, RunContext run) {
    this.spark = spark;
    this.config = config;
    this.warehouse = warehouse;
    this.run = run;
  }

  /** Counters for ops.job_runs. */
  public Map<String, Long> execute() {
    if (!warehouse.exists(JourneysAction.LAYER, JourneysAction.JOURNEYS)) {
      throw new JobFailure("attribution: " + JourneysAction.LAYER + "." + JourneysAction.JOURNEYS
          + " does not exist: run journeys first");
    }
    AttributionSettings settings = config.attribution();
    String group = run.runId();
    Dataset<Row> stored = warehouse.read(JourneysAction.LAYER, JourneysAction.JOURNEYS);
    String segmentColumn = settings.segmentColumn();
    if (!segmentColumn.isEmpty() && !Arrays.asList(stored.columns()).contains(segmentColumn)) {
      throw new JobFailure("trueroi.attribution.markov.segment-column: " + segmentColumn + " is not a column of "
          + JourneysAction.LAYER + "." + JourneysAction.JOURNEYS + " " + Arrays.toString(stored.columns()));
    }
    Map<String, Long> counters = new LinkedHashMap<>();
    try (Persisted cached = new Persisted()) {
      Dataset<Row> journeys = cached.keep(stored);
      List<AttributionModel> models = new ArrayList<>();
      for (String name : settings.models()) {
        models.add(switch (name) {
          case FirstTouch.NAME -> new FirstTouch();
          case LastTouch.NAME -> new LastTouch();
          case LastNonDirectTouch.NAME -> new LastNonDirectTouch(settings.directChannels());
          case Linear.NAME -> new Linear();
          case PositionBased.NAME -> new PositionBased(settings.firstWeight(), settings.lastWeight());
          case TimeDecay.NAME -> new TimeDecay(settings.halfLifeDays());
          case MarkovModel.NAME -> fitMarkov(journeys, settings, group, counters, cached);
          default -> throw new IllegalStateException("unknown model " + name);
        });
      }
      Dataset<Row> all = Credits.of(journeys, models, config.businessTimeZone());
      JobGroup.run(spark, group, "attribution: write " + LAYER + "." + CREDITS,
          () -> warehouse.overwrite(all, LAYER, CREDITS, List.of("model")));
      JobGroup.run(spark, group, "attribution: count credits", () -> {
        for (Row r : warehouse.read(LAYER, CREDITS).groupBy("model").agg(count(lit(1))).collectAsList()) {
          counters.put("credits:" + r.getString(0), r.getLong(1));
        }
        counters.put("converting_journeys", journeys.filter(col("converted")).count());
      });
      return counters;
    }
  }

  private MarkovModel fitMarkov(Dataset<Row> journeys, AttributionSettings settings, String group,
      Map<String, Long> counters, Persisted cached) {
    MarkovTraining.Fit fit = JobGroup.run(spark, group, "attribution: markov training paths",
        () -> MarkovTraining.fit(journeys, settings, run.to(), config.businessTimeZone()));
    Dataset<Row> rows = cached.keep(fit.rows());
    Map<String, Map<String, double[]>> effects = new TreeMap<>();
    Map<String, List<Row>> channelRows = new TreeMap<>();
    JobGroup.run(spark, group, "attribution: markov fit (order " + settings.markovOrder() + ")", () -> {
      // One row per fitted segment and channel: bounded by segments x channels.
      for (Row r : rows.filter(col("kind").equalTo("channel")).collectAsList()) {
        effects.computeIfAbsent(r.getString(0), k -> new TreeMap<>())
            .put(r.getString(2), new double[] {r.getDouble(3), r.getDouble(6)});
        channelRows.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(r);
      }
    });
    String asOf = run.to().toString();
    List<Row> out = new ArrayList<>();
    long fitted = 0;
    long fallback = 0;
    for (MarkovTraining.SegmentTotals s : fit.segments()) {
      String source = s.fitted() ? s.segment() : MarkovTraining.ALL;
      if (s.segment().equals(MarkovTraining.ALL)) {
        counters.put("markov_training_journeys", s.journeys());
        counters.put("markov_training_conversions", s.conversions());
      } else if (s.fitted()) {
        fitted++;
      } else {
        fallback++;
      }
      for (Row r : channelRows.getOrDefault(source, List.of())) {
        // A segment on the global model: the global shares applied to the segment's own totals.
        double conversions = s.fitted() ? r.getDouble(5) : r.getDouble(4) * s.conversions();
        double revenue = s.fitted() ? r.getDouble(8) : r.getDouble(7) * s.revenue();
        out.add(RowFactory.create(java.sql.Date.valueOf(run.to()), run.runId(), settings.markovOrder(),
            java.sql.Date.valueOf(fit.trainingFrom()), java.sql.Date.valueOf(fit.trainingTo()), s.segment(), source,
            s.journeys(), r.getString(2), r.getDouble(3), r.getDouble(4), conversions, r.getDouble(6), r.getDouble(7),
            new java.math.BigDecimal(revenue).setScale(2, java.math.RoundingMode.HALF_EVEN)));
      }
    }
    counters.put("markov_effect_rows", (long) out.size());
    counters.put("markov_segments_fitted", fitted);
    counters.put("markov_segments_fallback", fallback);
    Dataset<Row> effectsTable = spark.createDataFrame(out, REMOVAL_EFFECTS_SCHEMA);
    String predicate = "as_of_date = DATE'" + asOf + "'";
    JobGroup.run(spark, group, "attribution: write " + LAYER + "." + REMOVAL_EFFECTS,
        () -> warehouse.replace(effectsTable, LAYER, REMOVAL_EFFECTS, predicate, List.of()));
    Dataset<Row> transitions = rows.filter(col("kind").equalTo("transition"))
        .select(lit(java.sql.Date.valueOf(run.to())).as("as_of_date"), lit(run.runId()).as("run_id"),
            lit(settings.markovOrder()).as("model_order"), col("segment"), col("from_state"), col("to_state"),
            col("probability"));
    JobGroup.run(spark, group, "attribution: write " + LAYER + "." + TRANSITIONS,
        () -> warehouse.replace(transitions, LAYER, TRANSITIONS, predicate, List.of()));
    counters.put("markov_transitions", rows.filter(col("kind").equalTo("transition")).count());
    return new MarkovModel(effects, settings.segmentColumn());
  }

  static final StructType REMOVAL_EFFECTS_SCHEMA = new StructType()
      .add("as_of_date", DataTypes.DateType, false)
      .add("run_id", DataTypes.StringType, false)
      .add("model_order", DataTypes.IntegerType, false)
      .add("training_from", DataTypes.DateType, false)
      .add("training_to", DataTypes.DateType, false)
      .add("segment", DataTypes.StringType, false)
      .add("fitted_on", DataTypes.StringType, false)
      .add("segment_journeys", DataTypes.LongType, false)
      .add("channel", DataTypes.StringType, false)
      .add("removal_effect", DataTypes.DoubleType, false)
      .add("share", DataTypes.DoubleType, false)
      .add("conversions", DataTypes.DoubleType, false)
      .add("revenue_removal_effect", DataTypes.DoubleType, false)
      .add("revenue_share", DataTypes.DoubleType, false)
      .add("revenue", DataTypes.createDecimalType(18, 2), false);
}
