package io.trueroi.attribution;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import io.trueroi.catalog.ModelName;
import io.trueroi.catalog.Table;
import io.trueroi.config.AttributionSettings;
import io.trueroi.config.TrueRoiConfig;
import io.trueroi.ops.JobFailure;
import io.trueroi.ops.RunContext;
import io.trueroi.ops.StageAction;
import io.trueroi.ops.StageResult;
import io.trueroi.ops.TableWritten;
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
public final class AttributionAction extends StageAction<AttributionAction.Result> {
    /** The stage, and the job that runs it alone. */
    public static final String NAME = "attribution";

    public AttributionAction(TrueRoiConfig config, Warehouse warehouse, RunContext run) {
        super(NAME, config, warehouse, run);
    }

    /** Credit rows written per model, the converting journeys credited, and the Markov fit's counts (null without it). */
    public record Result(
            Map<ModelName, Long> creditsByModel,
            long convertingJourneys,
            MarkovCounts markov,
            List<TableWritten> tables)
            implements StageResult {
        @Override
        public Map<String, Long> counters() {
            Map<String, Long> c = new LinkedHashMap<>();
            if (markov != null) {
                c.putAll(markov.counters());
            }
            creditsByModel.forEach((model, rows) -> c.put("credits:" + model.id(), rows));
            c.put("converting_journeys", convertingJourneys);
            return c;
        }
    }

    /** What the Markov fit trained on and wrote. */
    public record MarkovCounts(
            long trainingJourneys,
            long trainingConversions,
            long effectRows,
            long segmentsFitted,
            long segmentsFallback,
            long transitions) {
        Map<String, Long> counters() {
            Map<String, Long> c = new LinkedHashMap<>();
            c.put("markov_training_journeys", trainingJourneys);
            c.put("markov_training_conversions", trainingConversions);
            c.put("markov_effect_rows", effectRows);
            c.put("markov_segments_fitted", segmentsFitted);
            c.put("markov_segments_fallback", segmentsFallback);
            c.put("markov_transitions", transitions);
            return c;
        }
    }

    /** The fitted model, and what fitting it wrote. */
    private record MarkovFit(MarkovModel model, MarkovCounts counts) {}

    @Override
    public Result execute() {
        require(Table.JOURNEYS);
        AttributionSettings settings = config.attribution();
        Dataset<Row> stored = warehouse.read(Table.JOURNEYS);
        String segmentColumn = settings.segmentColumn();
        if (!segmentColumn.isEmpty() && !Arrays.asList(stored.columns()).contains(segmentColumn)) {
            throw new JobFailure("trueroi.attribution.markov.segment-column: " + segmentColumn + " is not a column of "
                    + Table.JOURNEYS + " " + Arrays.toString(stored.columns()));
        }
        try (Persisted cached = new Persisted()) {
            Dataset<Row> journeys = cached.keep(stored);
            List<AttributionModel> models = new ArrayList<>();
            MarkovCounts markov = null;
            for (ModelName name : settings.models()) {
                if (name == ModelName.MARKOV) {
                    MarkovFit fit = fitMarkov(journeys, settings, cached);
                    markov = fit.counts();
                    models.add(fit.model());
                } else {
                    models.add(ruleBased(name, settings));
                }
            }
            Dataset<Row> all = Credits.of(journeys, models, config.businessTimeZone());
            step("write " + Table.CREDITS, () -> warehouse.overwrite(all, Table.CREDITS, List.of("model")));
            Map<ModelName, Long> credits = new LinkedHashMap<>();
            long converting = step("count credits", () -> {
                for (Row r : warehouse
                        .read(Table.CREDITS)
                        .groupBy("model")
                        .agg(count(lit(1)))
                        .collectAsList()) {
                    credits.put(ModelName.of(r.getString(0)), r.getLong(1));
                }
                return journeys.filter(col("converted")).count();
            });
            List<TableWritten> tables = new ArrayList<>();
            tables.add(written(
                    Table.CREDITS,
                    credits.values().stream().mapToLong(Long::longValue).sum()));
            if (markov != null) {
                tables.add(written(Table.MARKOV_REMOVAL_EFFECTS, markov.effectRows()));
                tables.add(written(Table.MARKOV_TRANSITIONS, markov.transitions()));
            }
            return new Result(credits, converting, markov, List.copyOf(tables));
        }
    }

    /** The model of a rule-based name, with its settings. */
    static AttributionModel ruleBased(ModelName name, AttributionSettings settings) {
        return switch (name) {
            case FIRST_TOUCH -> new FirstTouch();
            case LAST_TOUCH -> new LastTouch();
            case LAST_NON_DIRECT -> new LastNonDirectTouch(settings.directChannels());
            case LINEAR -> new Linear();
            case POSITION_BASED -> new PositionBased(settings.firstWeight(), settings.lastWeight());
            case TIME_DECAY -> new TimeDecay(settings.halfLifeDays());
            case MARKOV -> throw new IllegalArgumentException("markov is fitted, not rule-based");
        };
    }

    private MarkovFit fitMarkov(Dataset<Row> journeys, AttributionSettings settings, Persisted cached) {
        MarkovTraining.Fit fit = step(
                "markov training paths",
                () -> MarkovTraining.fit(journeys, settings, run.to(), config.businessTimeZone()));
        MarkovTraining.Fit kept =
                new MarkovTraining.Fit(fit.segments(), cached.keep(fit.rows()), fit.trainingFrom(), fit.trainingTo());
        Map<String, List<MarkovTraining.ChannelEffect>> bySegment = new TreeMap<>();
        step("markov fit (order " + settings.markovOrder() + ")", () -> kept.channelEffects()
                .forEach(e -> bySegment
                        .computeIfAbsent(e.segment(), k -> new ArrayList<>())
                        .add(e)));
        List<Row> out = new ArrayList<>();
        for (MarkovTraining.SegmentTotals s : fit.segments()) {
            for (MarkovTraining.ChannelEffect e :
                    bySegment.getOrDefault(s.fitted() ? s.segment() : MarkovTraining.ALL, List.of())) {
                out.add(effectRow(fit, s, e, settings.markovOrder()));
            }
        }
        String predicate = "as_of_date = DATE'" + run.to() + "'";
        step(
                "write " + Table.MARKOV_REMOVAL_EFFECTS,
                () -> warehouse.replace(
                        spark().createDataFrame(out, REMOVAL_EFFECTS_SCHEMA),
                        Table.MARKOV_REMOVAL_EFFECTS,
                        predicate,
                        List.of()));
        Dataset<Row> transitions = kept.transitions()
                .select(
                        lit(java.sql.Date.valueOf(run.to())).as("as_of_date"),
                        lit(run.runId()).as("run_id"),
                        lit(settings.markovOrder()).as("model_order"),
                        col("segment"),
                        col("from_state"),
                        col("to_state"),
                        col("probability"));
        step(
                "write " + Table.MARKOV_TRANSITIONS,
                () -> warehouse.replace(transitions, Table.MARKOV_TRANSITIONS, predicate, List.of()));
        MarkovTraining.SegmentTotals all = fit.segments().get(0);
        List<MarkovTraining.SegmentTotals> own =
                fit.segments().subList(1, fit.segments().size());
        MarkovCounts counts = new MarkovCounts(
                all.journeys(),
                all.conversions(),
                out.size(),
                own.stream().filter(MarkovTraining.SegmentTotals::fitted).count(),
                own.stream().filter(s -> !s.fitted()).count(),
                kept.transitions().count());
        Map<String, Map<String, double[]>> effects = new TreeMap<>();
        bySegment.forEach((segment, list) -> list.forEach(e -> effects.computeIfAbsent(segment, k -> new TreeMap<>())
                .put(e.channel(), new double[] {e.removalEffect(), e.revenueRemovalEffect()})));
        return new MarkovFit(new MarkovModel(effects, settings.segmentColumn()), counts);
    }

    /** One row of the removal effects table; a segment on the global model gets the global shares of its own totals. */
    private Row effectRow(
            MarkovTraining.Fit fit, MarkovTraining.SegmentTotals s, MarkovTraining.ChannelEffect e, int order) {
        double conversions = s.fitted() ? e.conversions() : e.share() * s.conversions();
        double revenue = s.fitted() ? e.revenue() : e.revenueShare() * s.revenue();
        return RowFactory.create(
                java.sql.Date.valueOf(run.to()),
                run.runId(),
                order,
                java.sql.Date.valueOf(fit.trainingFrom()),
                java.sql.Date.valueOf(fit.trainingTo()),
                s.segment(),
                s.fitted() ? s.segment() : MarkovTraining.ALL,
                s.journeys(),
                e.channel(),
                e.removalEffect(),
                e.share(),
                conversions,
                e.revenueRemovalEffect(),
                e.revenueShare(),
                new java.math.BigDecimal(revenue).setScale(2, java.math.RoundingMode.HALF_EVEN));
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
