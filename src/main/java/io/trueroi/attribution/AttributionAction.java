package io.trueroi.attribution;

import static org.apache.spark.sql.functions.bround;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;

import io.trueroi.catalog.ModelName;
import io.trueroi.catalog.Stage;
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
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Runs the configured attribution models over {@code journey.journeys} and writes
 * {@code attribution.credits} (every model's per-touchpoint credit for every converting journey,
 * rebuilt whole because journeys are, partitioned by model), and for the Markov model
 * {@code attribution.markov_daily_counts} (transition counts per journey day) and, from them, one
 * fit per date up to the run's: {@code attribution.markov_removal_effects} and
 * {@code attribution.markov_transitions}. A conversion's Markov credit uses its own date's fit
 * ({@link MarkovTraining}). With {@code trueroi.attribution.intervals.replicates} above 0 it writes
 * {@code attribution.credit_replicates} ({@link CreditReplicates}): the credits' totals in each
 * replicate of a {@link Bootstrap} over persons, shapley and incremental refitted on each. Each
 * table is written in one transaction.
 *
 * <p>Cost: rule-based models are a narrow map over the journeys each (array functions, no
 * shuffle). The Markov fits add two aggregations (daily paths, then daily transitions), one join of
 * each day with the dates whose window holds it and one aggregation per date, and one task per
 * date and segment for the solve; the driver receives the channel removal effects of every date
 * (dates × segments × channels rows), which the model carries to the credits. The Shapley fit adds
 * one aggregation by channel set ({@link ShapleyTraining}), the incremental fit a pass over the
 * exposed person-days ({@link IncrementalTraining}); their replicate fits one pass each over the
 * window's journeys and the exposed people. The replicates' totals are one more pass over the
 * converting journeys.
 */
public final class AttributionAction extends StageAction<AttributionAction.Result> {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("io.trueroi");

    public AttributionAction(TrueRoiConfig config, Warehouse warehouse, RunContext run) {
        super(Stage.ATTRIBUTION, config, warehouse, run);
    }

    /** Credit rows written per model, the converting journeys credited, and the Markov fit's counts (null without it). */
    public record Result(
            Map<ModelName, Long> creditsByModel,
            long convertingJourneys,
            MarkovCounts markov,
            ShapleyTraining.Fit shapley,
            IncrementalTraining.Fit incremental,
            List<TableWritten> tables)
            implements StageResult {
        @Override
        public Map<String, Long> counters() {
            Map<String, Long> c = new LinkedHashMap<>();
            if (markov != null) {
                c.putAll(markov.counters());
            }
            if (shapley != null) {
                c.putAll(shapley.counters());
            }
            if (incremental != null) {
                c.putAll(incremental.counters());
            }
            creditsByModel.forEach((model, rows) -> c.put("credits:" + model.id(), rows));
            c.put("converting_journeys", convertingJourneys);
            return c;
        }

        /** Which model to move budget with, said where every run's reader looks. */
        @Override
        public List<String> headlines() {
            if (incremental == null) {
                return List.of("budget: add incremental to trueroi.attribution.models to measure what channels"
                        + " cause; the path models here describe journeys, not effects");
            }
            return List.of(String.format(
                    "budget: use the incremental model's iROAS with its 90%% interval (mart.channel_incrementality;"
                            + " fitted as %s, %d specification(s) within the held-out tolerance); markov, shapley"
                            + " and the rule-based models describe paths, not what a channel caused",
                    incremental.spec(), incremental.kept().size()));
        }
    }

    /** What the Markov fit trained on and wrote. */
    public record MarkovCounts(
            long trainingJourneys,
            long trainingConversions,
            long dailyCounts,
            long effectRows,
            long segmentsFitted,
            long segmentsFallback,
            long transitions,
            MarkovOrderChoice.Choice orderChoice) {
        Map<String, Long> counters() {
            Map<String, Long> c = new LinkedHashMap<>();
            if (orderChoice != null) {
                c.putAll(orderChoice.counters());
            }
            c.put("markov_training_journeys", trainingJourneys);
            c.put("markov_training_conversions", trainingConversions);
            c.put("markov_daily_counts", dailyCounts);
            c.put("markov_effect_rows", effectRows);
            c.put("markov_segments_fitted", segmentsFitted);
            c.put("markov_segments_fallback", segmentsFallback);
            c.put("markov_transitions", transitions);
            return c;
        }
    }

    /** The fitted model, and what fitting it wrote. */
    private record MarkovFit(MarkovModel model, MarkovCounts counts) {}

    /** The models fitted and built for the run, and what fitting them counted. */
    private record Fitted(
            List<AttributionModel> models,
            MarkovCounts markov,
            ShapleyTraining.Fit shapley,
            IncrementalTraining.Fit incremental) {
        /** Each refitted model's replicates, for the bootstrap. */
        Map<ModelName, List<? extends AttributionModel>> refits() {
            Map<ModelName, List<? extends AttributionModel>> refits = new LinkedHashMap<>();
            if (shapley != null) {
                refits.put(ModelName.SHAPLEY, shapley.replicates());
            }
            if (incremental != null) {
                refits.put(ModelName.INCREMENTAL, incremental.replicates());
            }
            return refits;
        }

        /** The other specifications the incremental fit kept, split once each: the model doubt. */
        Map<ModelName, List<? extends AttributionModel>> alternatives() {
            if (incremental == null || incremental.kept().size() < 2) {
                return Map.of();
            }
            List<IncrementalModel> others = new ArrayList<>();
            for (IncrementalSpecs.Scored s :
                    incremental.kept().subList(1, incremental.kept().size())) {
                others.add(s.model());
            }
            return Map.of(ModelName.INCREMENTAL, others);
        }
    }

    /**
     * The journeys; the touchpoints and conversions only for the incremental model, which fits on
     * them; the identity map never (without it the bootstrap draws per OneID).
     */
    @Override
    protected List<Table> required() {
        return config.attribution().models().contains(ModelName.INCREMENTAL)
                ? List.of(Table.JOURNEYS, Table.TOUCHPOINTS, Table.CONVERSIONS)
                : List.of(Table.JOURNEYS);
    }

    @Override
    public Result execute() {
        requireInputs();
        AttributionSettings settings = config.attribution();
        Dataset<Row> stored = warehouse.read(Table.JOURNEYS);
        String segmentColumn = settings.segmentColumn();
        if (!segmentColumn.isEmpty() && !Arrays.asList(stored.columns()).contains(segmentColumn)) {
            throw new JobFailure("trueroi.attribution.markov.segment-column: " + segmentColumn + " is not a column of "
                    + Table.JOURNEYS + " " + Arrays.toString(stored.columns()));
        }
        try (Persisted cached = new Persisted()) {
            Dataset<Row> journeys = cached.keep(stored);
            Bootstrap bootstrap =
                    settings.intervalReplicates() > 0 ? Bootstrap.poisson(settings.intervalReplicates()) : null;
            // Read by every replicate pass; without an identity map (a warehouse fed journeys
            // directly) the counts are drawn for the OneIDs.
            Dataset<Row> personKeys = bootstrap != null && warehouse.exists(Table.IDENTITY_MAP)
                    ? cached.keep(Bootstrap.personKeys(warehouse.read(Table.IDENTITY_MAP)))
                    : null;
            Fitted fitted = fit(journeys, settings, cached, bootstrap, personKeys);
            Map<ModelName, Long> credits = new LinkedHashMap<>();
            long converting = writeCredits(journeys, fitted.models(), credits);
            List<TableWritten> tables = new ArrayList<>();
            tables.add(written(
                    Table.CREDITS,
                    credits.values().stream().mapToLong(Long::longValue).sum()));
            Dataset<Row> replicates = bootstrap == null
                    ? CreditReplicates.none(spark())
                    : CreditReplicates.of(
                            journeys, fitted.models(), fitted.refits(), fitted.alternatives(), bootstrap, personKeys);
            long replicateRows = step(
                    "write " + Table.CREDIT_REPLICATES + " (" + (bootstrap == null ? 0 : bootstrap.replicates())
                            + " replicates)",
                    () -> writeCounted(replicates, Table.CREDIT_REPLICATES));
            tables.add(written(Table.CREDIT_REPLICATES, replicateRows));
            MarkovCounts markov = fitted.markov();
            if (markov != null) {
                tables.add(written(Table.MARKOV_DAILY_COUNTS, markov.dailyCounts()));
                tables.add(written(Table.MARKOV_REMOVAL_EFFECTS, markov.effectRows()));
                tables.add(written(Table.MARKOV_TRANSITIONS, markov.transitions()));
            }
            return new Result(credits, converting, markov, fitted.shapley(), fitted.incremental(), List.copyOf(tables));
        }
    }

    /** Every configured model, fitted or built, in the configured order. */
    private Fitted fit(
            Dataset<Row> journeys,
            AttributionSettings settings,
            Persisted cached,
            Bootstrap bootstrap,
            Dataset<Row> personKeys) {
        List<AttributionModel> models = new ArrayList<>();
        MarkovCounts markov = null;
        ShapleyTraining.Fit shapley = null;
        IncrementalTraining.Fit incremental = null;
        for (ModelName name : settings.models()) {
            if (name == ModelName.MARKOV) {
                MarkovFit fit = fitMarkov(journeys, settings, cached);
                markov = fit.counts();
                models.add(fit.model());
            } else if (name == ModelName.SHAPLEY) {
                shapley = step(
                        "shapley fit (" + settings.shapleyTrainingWindowDays() + " days to " + run.to() + ")",
                        () -> ShapleyTraining.fit(
                                journeys,
                                settings.shapleyTrainingWindowDays(),
                                settings.shapleyMinSetJourneys(),
                                run.to(),
                                config.businessTimeZone(),
                                bootstrap,
                                personKeys));
                models.add(shapley.model());
            } else if (name == ModelName.INCREMENTAL) {
                incremental = fitIncremental(settings, cached, bootstrap, personKeys);
                models.add(incremental.model());
            } else {
                models.add(ruleBased(name, settings));
            }
        }
        return new Fitted(models, markov, shapley, incremental);
    }

    private IncrementalTraining.Fit fitIncremental(
            AttributionSettings settings, Persisted cached, Bootstrap bootstrap, Dataset<Row> personKeys) {
        IncrementalTraining.Fit fit = step(
                "incremental fit (" + settings.incrementalTrainingWindowDays() + " days to " + run.to() + ")",
                () -> IncrementalTraining.fit(
                        warehouse.read(Table.TOUCHPOINTS),
                        warehouse.read(Table.CONVERSIONS),
                        new IncrementalTraining.Settings(
                                settings.incrementalTrainingWindowDays(),
                                settings.incrementalExposureWindowDays(),
                                settings.incrementalHalfLifeDays(),
                                settings.incrementalTerms(),
                                config.experiments()),
                        run.to(),
                        config.businessTimeZone(),
                        cached,
                        bootstrap,
                        personKeys));
        LOG.info(
                "attribution: {} ({}, {} specifications kept)",
                fit.model(),
                fit.spec(),
                fit.kept().size());
        return fit;
    }

    /** Writes every model's credits; fills {@code credits} per model, returns the converting journeys. */
    private long writeCredits(Dataset<Row> journeys, List<AttributionModel> models, Map<ModelName, Long> credits) {
        Dataset<Row> all = Credits.of(journeys, models, config.businessTimeZone());
        step("write " + Table.CREDITS, () -> warehouse.overwrite(all, Table.CREDITS, List.of("model")));
        return step("count credits", () -> {
            for (Row r : warehouse
                    .read(Table.CREDITS)
                    .groupBy("model")
                    .agg(count(lit(1)))
                    .collectAsList()) {
                credits.put(ModelName.of(r.getString(0)), r.getLong(1));
            }
            return journeys.filter(col("converted")).count();
        });
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
            case MARKOV, SHAPLEY, INCREMENTAL -> throw new IllegalArgumentException(
                    name.id() + " is fitted, not rule-based");
        };
    }

    /**
     * Counts the journeys' transitions per day, writes them, fits every date from the first day to
     * the run's date on them and writes each date's removal effects and transitions; the model
     * credits each conversion with its own date's fit.
     */
    private MarkovFit fitMarkov(Dataset<Row> journeys, AttributionSettings configured, Persisted cached) {
        MarkovOrderChoice.Choice choice = configured.markovOrderAuto()
                ? step(
                        "markov order (auto, " + configured.trainingWindowDays() + " days to " + run.to() + ")",
                        () -> MarkovOrderChoice.choose(journeys, configured, run.to(), config.businessTimeZone()))
                : null;
        if (choice != null) {
            LOG.info("attribution: {}", choice);
        }
        AttributionSettings settings = choice == null ? configured : configured.withMarkovOrder(choice.order());
        long dailyRows = step(
                "write " + Table.MARKOV_DAILY_COUNTS,
                () -> writeCounted(
                        MarkovTraining.dailyCounts(journeys, settings, config.businessTimeZone()),
                        Table.MARKOV_DAILY_COUNTS));
        Dataset<Row> daily = warehouse.read(Table.MARKOV_DAILY_COUNTS);
        Row first = daily.agg(min("day")).first();
        LocalDate from =
                first.isNullAt(0) ? run.to().plusDays(1) : first.getDate(0).toLocalDate();
        MarkovTraining.Fits kept = MarkovTraining.fit(daily, settings, from, run.to(), cached);
        Map<LocalDate, Map<String, Map<String, double[]>>> effects = new TreeMap<>();
        step("markov fits (order " + settings.markovOrder() + ", " + from + ".." + run.to() + ")", () -> {
            for (Row e : kept.channelEffects()
                    .select("as_of_date", "fit_segment", "channel", "removal_effect", "revenue_removal_effect")
                    .collectAsList()) {
                effects.computeIfAbsent(e.getDate(0).toLocalDate(), k -> new TreeMap<>())
                        .computeIfAbsent(e.getString(1), k -> new TreeMap<>())
                        .put(e.getString(2), new double[] {e.getDouble(3), e.getDouble(4)});
            }
        });
        long effectRows = step(
                "write " + Table.MARKOV_REMOVAL_EFFECTS,
                () -> writeCounted(removalEffects(kept, settings), Table.MARKOV_REMOVAL_EFFECTS));
        long transitions = step(
                "write " + Table.MARKOV_TRANSITIONS,
                () -> writeCounted(
                        kept.transitions()
                                .select(
                                        col("as_of_date"),
                                        lit(run.runId()).as("run_id"),
                                        lit(settings.markovOrder()).as("model_order"),
                                        col("fit_segment").as("segment"),
                                        col("from_state"),
                                        col("to_state"),
                                        col("probability")),
                        Table.MARKOV_TRANSITIONS));
        MarkovCounts counts = counts(kept.totals(), dailyRows, effectRows, transitions, choice);
        return new MarkovFit(MarkovModel.byDate(effects, settings.segmentColumn()), counts);
    }

    /** The counters of the run date's fit. */
    private MarkovCounts counts(
            Dataset<Row> totals, long dailyRows, long effectRows, long transitions, MarkovOrderChoice.Choice choice) {
        long journeysThen = 0;
        long conversionsThen = 0;
        long fittedThen = 0;
        long fallbackThen = 0;
        for (Row t : totals.filter(col("as_of_date").equalTo(lit(java.sql.Date.valueOf(run.to()))))
                .collectAsList()) {
            if (MarkovTraining.ALL.equals(t.getAs("segment"))) {
                journeysThen = t.<Long>getAs("journeys");
                conversionsThen = t.<Long>getAs("conversions");
            } else if (t.<Boolean>getAs("fitted")) {
                fittedThen++;
            } else {
                fallbackThen++;
            }
        }
        return new MarkovCounts(
                journeysThen, conversionsThen, dailyRows, effectRows, fittedThen, fallbackThen, transitions, choice);
    }

    /** Replaces the table with {@code data}; returns the rows written, from Delta's log. */
    private long writeCounted(Dataset<Row> data, Table table) {
        long before = warehouse.version(table);
        warehouse.overwrite(data, table);
        return warehouse.rowsWrittenSince(table, before);
    }

    /**
     * One row per date, segment (every value of the date's window and {@code (all)}) and channel: a
     * fitted segment's own effects and credited totals, or for one on the global model the global
     * effects and shares with its own totals.
     */
    private Dataset<Row> removalEffects(MarkovTraining.Fits fits, AttributionSettings settings) {
        Column fitted = col("fitted");
        Column conversions =
                when(fitted, col("e_conversions")).otherwise(col("share").multiply(col("t_conversions")));
        Column revenue = when(fitted, col("e_revenue"))
                .otherwise(col("revenue_share").multiply(col("t_revenue").cast("double")));
        return fits.totals()
                .withColumn("fitted_on", when(fitted, col("segment")).otherwise(lit(MarkovTraining.ALL)))
                .withColumnRenamed("conversions", "t_conversions")
                .withColumnRenamed("revenue", "t_revenue")
                .join(
                        fits.channelEffects()
                                .withColumnRenamed("conversions", "e_conversions")
                                .withColumnRenamed("revenue", "e_revenue")
                                .withColumnRenamed("as_of_date", "e_date"),
                        col("as_of_date")
                                .equalTo(col("e_date"))
                                .and(col("fitted_on").equalTo(col("fit_segment"))),
                        "inner")
                .select(
                        col("as_of_date"),
                        lit(run.runId()).as("run_id"),
                        lit(settings.markovOrder()).as("model_order"),
                        date_sub(col("as_of_date"), settings.trainingWindowDays() - 1)
                                .as("training_from"),
                        col("as_of_date").as("training_to"),
                        col("segment"),
                        col("fitted_on"),
                        col("journeys").as("segment_journeys"),
                        col("channel"),
                        col("removal_effect"),
                        col("share"),
                        conversions.as("conversions"),
                        col("revenue_removal_effect"),
                        col("revenue_share"),
                        bround(revenue, 2).cast("decimal(18,2)").as("revenue"));
    }
}
