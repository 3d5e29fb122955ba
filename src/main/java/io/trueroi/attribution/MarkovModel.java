package io.trueroi.attribution;

import io.trueroi.catalog.ModelName;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Markov removal effect per touchpoint: a converting journey's conversion (revenue) is split among
 * its channels in proportion to their conversion (revenue) removal effects, and a channel's part
 * is split equally among its touches on the path, so repeating a channel does not raise its
 * credit. Removal effects are those of the fit of the journey's conversion date (or the one fit
 * every date shares), of the journey's segment, or of that date's global model when the segment
 * was not fitted. A journey whose channels all have a removal effect of 0 (or that no
 * fit saw) is split equally among its touches, as {@link Credits} does for any all-zero weights.
 */
public final class MarkovModel implements AttributionModel {
    private static final long serialVersionUID = 1L;

    /**
     * epoch day of the fit's date → segment → channel → {removal effect, revenue removal effect};
     * bounded by fitted dates × segments × channels. {@link #EVERY_DAY} holds a fit for every date.
     */
    private final HashMap<Integer, Map<String, Map<String, double[]>>> effects = new HashMap<>();

    private static final int EVERY_DAY = Integer.MIN_VALUE;

    private final String segmentColumn;

    /**
     * @param effects removal effects by fitted segment ({@link MarkovTraining#ALL} for the global fit)
     * @param segmentColumn the journeys column segments come from, "" for none
     */
    public MarkovModel(Map<String, Map<String, double[]>> effects, String segmentColumn) {
        this(segmentColumn);
        this.effects.put(EVERY_DAY, copy(effects));
    }

    private MarkovModel(String segmentColumn) {
        this.segmentColumn = segmentColumn;
    }

    /**
     * A model whose conversions are credited with the fit of their conversion date; a date with no
     * fit splits its journeys equally.
     *
     * @param effects removal effects by fit date, then by fitted segment
     */
    public static MarkovModel byDate(Map<LocalDate, Map<String, Map<String, double[]>>> effects, String segmentColumn) {
        MarkovModel m = new MarkovModel(segmentColumn);
        effects.forEach((date, bySegment) -> m.effects.put(Math.toIntExact(date.toEpochDay()), copy(bySegment)));
        return m;
    }

    private static Map<String, Map<String, double[]>> copy(Map<String, Map<String, double[]>> bySegment) {
        Map<String, Map<String, double[]>> out = new TreeMap<>();
        bySegment.forEach((segment, channels) -> out.put(segment, new HashMap<>(channels)));
        return out;
    }

    @Override
    public ModelName name() {
        return ModelName.MARKOV;
    }

    @Override
    public String segmentColumn() {
        return segmentColumn;
    }

    @Override
    public void conversionWeights(Touches journey, double[] weights) {
        weights(journey, weights, 0);
    }

    @Override
    public void revenueWeights(Touches journey, double[] weights) {
        weights(journey, weights, 1);
    }

    private void weights(Touches journey, double[] weights, int which) {
        Map<String, double[]> channels = effectsFor(journey.day(), journey.segment());
        for (int i = 0; i < journey.size(); i++) {
            double[] re = channels.get(journey.channel(i));
            weights[i] = re == null ? 0.0 : re[which] / journey.touchesOfChannel(i);
        }
    }

    /** The removal effects that apply to a journey: its date's fit, its segment's, else the global one's. */
    private Map<String, double[]> effectsFor(int day, String segment) {
        Map<String, Map<String, double[]>> effects =
                this.effects.getOrDefault(day, this.effects.getOrDefault(EVERY_DAY, Map.of()));
        if (!segmentColumn.isEmpty()) {
            String key = segment == null ? MarkovTraining.UNKNOWN : segment;
            Map<String, double[]> own = MarkovTraining.ALL.equals(key) ? null : effects.get(key);
            if (own != null) {
                return own;
            }
        }
        return effects.getOrDefault(MarkovTraining.ALL, Map.of());
    }
}
