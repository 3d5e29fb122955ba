package io.trueroi.config;

import io.trueroi.catalog.ModelName;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/** {@code trueroi.attribution}: the models to run and each one's parameters (README, "Attribution"). */
public record AttributionSettings(
        List<ModelName> models,
        List<String> directChannels,
        double firstWeight,
        double lastWeight,
        double halfLifeDays,
        int markovOrder,
        int trainingWindowDays,
        boolean collapseRepeats,
        String segmentColumn,
        int minSegmentJourneys,
        int maxSegments,
        int shapleyTrainingWindowDays,
        int shapleyMinSetJourneys,
        int incrementalTrainingWindowDays,
        int incrementalExposureWindowDays,
        double incrementalHalfLifeDays,
        IncrementalTerms incrementalTerms,
        int intervalReplicates,
        double intervalLevel) {

    /** The value of {@link #markovOrder} when {@code markov.order = auto}. */
    public static final int MARKOV_ORDER_AUTO = 0;

    static AttributionSettings read(ConfigReader c) {
        String p = "trueroi.attribution.";
        List<String> names = c.config().getStringList(p + "models");
        List<ModelName> models = new ArrayList<>();
        for (String m : names) {
            try {
                models.add(ModelName.of(m));
            } catch (IllegalArgumentException e) {
                throw c.error(p + "models", e.getMessage());
            }
        }
        if (models.isEmpty() || EnumSet.copyOf(models).size() != models.size()) {
            throw c.error(p + "models", "must list at least one model, each once, cannot be: " + names);
        }
        double first = c.fraction(p + "position-based.first-weight");
        double last = c.fraction(p + "position-based.last-weight");
        if (first + last > 1) {
            throw c.error(
                    p + "position-based", "first-weight + last-weight must be at most 1, cannot be: " + (first + last));
        }
        double halfLife = c.config().getDouble(p + "time-decay.half-life-days");
        if (!(halfLife > 0) || Double.isInfinite(halfLife)) {
            throw c.error(p + "time-decay.half-life-days", "must be a positive number of days, cannot be: " + halfLife);
        }
        String m = p + "markov.";
        int order = markovOrder(c, m + "order");
        double incrementalHalfLife = positiveDays(c, p + "incremental.half-life-days");
        return new AttributionSettings(
                List.copyOf(models),
                List.copyOf(c.config().getStringList(p + "direct-channels")),
                first,
                last,
                halfLife,
                order,
                c.atLeast(m + "training-window-days", 1),
                c.config().getBoolean(m + "collapse-repeats"),
                c.config().getString(m + "segment-column").trim(),
                c.atLeast(m + "min-segment-journeys", 1),
                c.atLeast(m + "max-segments", 1),
                c.atLeast(p + "shapley.training-window-days", 1),
                c.atLeast(p + "shapley.min-set-journeys", 1),
                c.atLeast(p + "incremental.training-window-days", 1),
                c.atLeast(p + "incremental.exposure-window-days", 1),
                incrementalHalfLife,
                IncrementalTerms.read(c, p + "incremental.", incrementalHalfLife),
                replicates(c, p + "intervals.replicates"),
                level(c, p + "intervals.level"));
    }

    /** Bootstrap replicates: 0 (no intervals) or enough for the interval's tails to hold a replicate. */
    private static int replicates(ConfigReader c, String key) {
        int n = c.atLeast(key, 0);
        if (n != 0 && (n < 10 || n > 1000)) {
            throw c.error(key, "must be 0 (no intervals) or between 10 and 1000, cannot be: " + n);
        }
        return n;
    }

    private static double level(ConfigReader c, String key) {
        double v = c.config().getDouble(key);
        if (!(v > 0 && v < 1)) {
            throw c.error(key, "must be a coverage strictly between 0 and 1, cannot be: " + v);
        }
        return v;
    }

    /** {@code markov.order}: 1 to 4, or {@code auto} ({@link #MARKOV_ORDER_AUTO}). */
    private static int markovOrder(ConfigReader c, String key) {
        Object value = c.config().getValue(key).unwrapped();
        if ("auto".equals(value)) {
            return MARKOV_ORDER_AUTO;
        }
        if (!(value instanceof Integer order) || order < 1 || order > 4) {
            throw c.error(key, "must be auto or a whole number from 1 to 4, cannot be: " + value);
        }
        return order;
    }

    /** Returns these settings with the Markov order set (the order {@code auto} chose). */
    public AttributionSettings withMarkovOrder(int order) {
        if (order < 1 || order > 4) {
            throw new IllegalArgumentException("order must be between 1 and 4, cannot be: " + order);
        }
        return new AttributionSettings(
                models,
                directChannels,
                firstWeight,
                lastWeight,
                halfLifeDays,
                order,
                trainingWindowDays,
                collapseRepeats,
                segmentColumn,
                minSegmentJourneys,
                maxSegments,
                shapleyTrainingWindowDays,
                shapleyMinSetJourneys,
                incrementalTrainingWindowDays,
                incrementalExposureWindowDays,
                incrementalHalfLifeDays,
                incrementalTerms,
                intervalReplicates,
                intervalLevel);
    }

    /** Whether {@code markov.order} is {@code auto}: chosen each run from the data. */
    public boolean markovOrderAuto() {
        return markovOrder == MARKOV_ORDER_AUTO;
    }

    private static double positiveDays(ConfigReader c, String key) {
        double v = c.config().getDouble(key);
        if (!(v > 0) || Double.isInfinite(v)) {
            throw c.error(key, "must be a positive number of days, cannot be: " + v);
        }
        return v;
    }
}
