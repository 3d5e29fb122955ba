package io.trueroi.attribution;

import io.trueroi.catalog.ModelName;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fitted purchase probability of a person-day, {@code p = b + Σ_t θ_t·term_t}, over the terms
 * of {@link ExposureTerms}: each channel's decayed exposure at several half-lives, its saturation
 * term and the synergy pairs' terms, b the organic baseline ({@link IncrementalTraining} fits it
 * and chooses which terms enter).
 *
 * <p>A conversion's credit to channel c is the counterfactual drop in its probability when c's
 * touches are removed: c's decay and saturation terms and every synergy it is part of (removing
 * either channel of a pair removes the pair's term, as the synthetic worlds' truth defines it).
 * The baseline keeps {@code b}, credited to the row {@code (baseline)} ({@link Credits#BASELINE}).
 * Each drop over the probability is the chance the conversion is lost without that channel, the
 * truth's definition. Without synergy the drops and {@code b} add up to the probability; with one,
 * each channel of a pair holds the whole synergy, so the drops count it twice and the baseline's
 * weight is {@code b} less the synergy (at least 0): the rows still sum to the probability, and
 * each channel's credit stays its chance of being needed. Within a channel the drop is split among its touches by each
 * touch's own decay terms. A negative drop (a synergy fitted negative outweighing the channel)
 * counts as 0. Only the journey's own touches count (a touch counts toward one conversion).
 *
 * <p>A channel a lift experiment calibrated ({@link Calibration}) has causal coefficients φ apart
 * from the fitted θ: its drop is {@code φ_c·x_c}, and the rest of its association,
 * {@code (θ_c − φ_c)·x_c}, is organic demand, added to that conversion's baseline weight, so the
 * conversion's probability is the fitted one. Elsewhere φ = θ.
 */
public final class IncrementalModel implements AttributionModel {
    private static final long serialVersionUID = 1L;

    private final List<String> channels;
    private final ExposureTerms terms;
    private final double[] theta;
    private final double[] causal;
    private final boolean calibrated;
    private final double baseline;
    private final String zone;
    private final int halfLifeCount;

    private transient Map<String, Integer> index;
    private transient ZoneId zoneId;

    IncrementalModel(List<String> channels, ExposureTerms terms, double[] theta, double baseline, ZoneId zone) {
        this(channels, terms, theta, theta, baseline, zone);
    }

    IncrementalModel(
            List<String> channels, ExposureTerms terms, double[] theta, double[] causal, double baseline, ZoneId zone) {
        if (channels.size() != terms.channels() || theta.length != terms.size() || causal.length != theta.length) {
            throw new IllegalArgumentException("one coefficient per term, cannot be: " + theta.length + " and "
                    + causal.length + " for " + terms.size() + " terms of " + channels);
        }
        this.channels = List.copyOf(channels);
        this.terms = terms;
        this.theta = theta.clone();
        this.causal = causal.clone();
        this.calibrated = !java.util.Arrays.equals(theta, causal);
        this.baseline = baseline;
        this.zone = zone.getId();
        this.halfLifeCount = terms.halfLives().length;
    }

    /** The one-half-life model: lift {@code beta[c]} per unit of channel c's exposure at {@code halfLifeDays}. */
    static IncrementalModel linear(
            List<String> channels, double[] beta, double baseline, int window, double halfLifeDays, ZoneId zone) {
        ExposureTerms terms = new ExposureTerms(channels.size(), new double[] {halfLifeDays}, 0, window, List.of());
        double[] theta = new double[terms.size()];
        for (int c = 0; c < beta.length; c++) {
            theta[terms.decayTerm(c, 0)] = beta[c];
        }
        return new IncrementalModel(channels, terms, theta, baseline, zone);
    }

    @Override
    public ModelName name() {
        return ModelName.INCREMENTAL;
    }

    public List<String> channels() {
        return channels;
    }

    /** Every term's fitted coefficient, in {@link ExposureTerms}' layout. */
    double[] coefficients() {
        return theta.clone();
    }

    /** The causal coefficients the credits use: the fitted ones unless an experiment calibrated them. */
    double[] causalCoefficients() {
        return causal.clone();
    }

    ExposureTerms terms() {
        return terms;
    }

    /**
     * Per channel, what one touch alone adds to the purchase probability summed over its exposure
     * window, divided by that window's sum of the configured decay {@code Σ 2^(−Δ/h0)}: the
     * channel's lift per touch in the units of the one-half-life model, where it is the coefficient.
     */
    public double[] lifts() {
        double[] lifts = new double[channels.size()];
        int primary = terms.primary();
        double norm = 0;
        for (int age = 0; age < terms.window(); age++) {
            norm += terms.decay(primary, age);
        }
        for (int c = 0; c < lifts.length; c++) {
            double effect = 0;
            for (int age = 0; age < terms.window(); age++) {
                for (int j = 0; j < terms.halfLives().length; j++) {
                    effect += causal[terms.decayTerm(c, j)] * terms.decay(j, age);
                }
                effect += causal[terms.saturationTerm(c)] * Math.log1p(terms.decay(primary, age));
            }
            lifts[c] = effect / norm;
        }
        return lifts;
    }

    public double baseline() {
        return baseline;
    }

    @Override
    public void conversionWeights(Touches journey, double[] weights) {
        int n = journey.size();
        int[] channel = new int[n];
        int[] age = new int[n];
        double[] x = terms(journey, channel, age);
        double[] drop = drops(x);
        double[] own = new double[n];
        double[] ownSum = new double[channels.size()];
        double[] fallbackSum = new double[channels.size()];
        for (int i = 0; i < n; i++) {
            if (channel[i] >= 0) {
                own[i] = touchShare(channel[i], age[i]);
                ownSum[channel[i]] += own[i];
                fallbackSum[channel[i]] += terms.decay(terms.primary(), age[i]);
            }
        }
        for (int i = 0; i < n; i++) {
            int c = channel[i];
            if (c < 0) {
                weights[i] = 0;
            } else if (ownSum[c] > 0) {
                weights[i] = drop[c] * own[i] / ownSum[c];
            } else {
                // A channel credited through its saturation or synergy terms alone.
                weights[i] = fallbackSum[c] > 0 ? drop[c] * terms.decay(terms.primary(), age[i]) / fallbackSum[c] : 0;
            }
        }
    }

    /**
     * The conversion day's terms from the journey's touches; fills each touch's channel index (−1
     * for a channel the model does not know) and age in days.
     */
    private double[] terms(Touches journey, int[] channel, int[] age) {
        if (index == null) {
            index = new HashMap<>();
            for (int i = 0; i < channels.size(); i++) {
                index.put(channels.get(i), i);
            }
            zoneId = ZoneId.of(zone);
        }
        double[] x = new double[terms.size()];
        for (int i = 0; i < journey.size(); i++) {
            Integer c = index.get(journey.channel(i));
            channel[i] = c == null ? -1 : c;
            long micros = journey.touchMicros(i);
            long touchDay = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L))
                    .atZone(zoneId)
                    .toLocalDate()
                    .toEpochDay();
            age[i] = (int) Math.max(-1, Math.min(Integer.MAX_VALUE, journey.day() - touchDay));
            if (c != null) {
                terms.addTouch(x, c, age[i], 1);
            }
        }
        terms.derive(x);
        return x;
    }

    /** Per channel, the drop in p when its touches are removed; negative drops are 0. */
    double[] drops(double[] x) {
        int k = channels.size();
        double[] drop = new double[k];
        for (int c = 0; c < k; c++) {
            double d = causal[terms.saturationTerm(c)] * x[terms.saturationTerm(c)];
            for (int j = 0; j < halfLifeCount; j++) {
                d += causal[terms.decayTerm(c, j)] * x[terms.decayTerm(c, j)];
            }
            drop[c] = d;
        }
        for (int p = 0; p < terms.pairCount(); p++) {
            double s = theta[terms.synergyTerm(p)] * x[terms.synergyTerm(p)];
            drop[terms.pairChannel(p, 0)] += s;
            drop[terms.pairChannel(p, 1)] += s;
        }
        for (int c = 0; c < k; c++) {
            drop[c] = Math.max(0, drop[c]);
        }
        return drop;
    }

    /** A touch's part of its channel's drop: its own decay terms (positive coefficients only). */
    private double touchShare(int c, int touchAge) {
        double s = 0;
        for (int j = 0; j < halfLifeCount; j++) {
            s += Math.max(0, causal[terms.decayTerm(c, j)]) * terms.decay(j, touchAge);
        }
        return s;
    }

    @Override
    public boolean hasBaseline() {
        return true;
    }

    /** The baseline, plus the association of calibrated channels that is not their effect. */
    @Override
    public double baselineWeight(Touches journey) {
        if (!calibrated && terms.pairCount() == 0) {
            return Math.max(0, baseline);
        }
        int n = journey.size();
        double[] x = terms(journey, new int[n], new int[n]);
        double organic = baseline;
        for (int t = 0; t < theta.length; t++) {
            organic += terms.isSynergy(t) ? -theta[t] * x[t] : (theta[t] - causal[t]) * x[t];
        }
        return Math.max(0, organic);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("incremental: baseline " + baseline);
        double[] lifts = lifts();
        for (int i = 0; i < channels.size(); i++) {
            b.append(", ").append(channels.get(i)).append(' ').append(lifts[i]);
        }
        return b.toString();
    }
}
