package io.trueroi.attribution;

import io.trueroi.catalog.ModelName;
import java.io.Serializable;

/**
 * How a converting journey's conversion and net revenue are split among its touches.
 *
 * <p>A model fills one non-negative weight per touch of a journey ({@link Touches}, in time
 * order); {@link Credits} turns weights into credits that sum exactly to 1 and to the net revenue.
 * Weights need not be normalised; NaN, infinite or negative weights count as 0, and a journey
 * whose weights are all 0 is split equally (linear), so no model can leave a conversion
 * uncredited.
 *
 * <p>Models are plain Java run on the executors inside one pass over the journeys, not Spark
 * expressions: a per-touch rule over an array is a higher-order function in Spark SQL, and those
 * are evaluated interpreted (Spark 4.2 has no code generation for lambdas), far slower
 * (docs/performance.md). Models are serialised to the executors, so keep their
 * state small (the Markov model carries one removal effect per segment and channel).
 */
public interface AttributionModel extends Serializable {
    /** Which model this is; its id is the value of the credits' {@code model} column. */
    ModelName name();

    /** The journeys column whose value {@link Touches#segment()} gives, "" for none. */
    default String segmentColumn() {
        return "";
    }

    /** Fills {@code weights[0..journey.size())} with the weights for the conversion credit. */
    void conversionWeights(Touches journey, double[] weights);

    /**
     * Whether the model keeps part of each conversion for no touch at all, the organic baseline:
     * then {@link Credits} adds a {@code (baseline)} row per converting journey, weighted by
     * {@link #baselineWeight} beside the touches' weights.
     */
    default boolean hasBaseline() {
        return false;
    }

    /** The baseline's weight beside the touches' (conversion and revenue), when {@link #hasBaseline}. */
    default double baselineWeight(Touches journey) {
        return 0;
    }

    /** Weights for the revenue credit; the same as the conversion weights unless the model says otherwise. */
    default void revenueWeights(Touches journey, double[] weights) {
        conversionWeights(journey, weights);
    }
}
