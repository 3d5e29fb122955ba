package io.trueroi.config;

import java.util.List;
import java.util.TreeSet;

/**
 * {@code trueroi.attribution.incremental}: which terms the incremental model may take beyond one
 * decay per channel (README, "Attribution"). {@code auto} chooses among decay at several half-lives,
 * saturation and synergy terms on held-out persons; {@code linear} is the one-half-life model.
 *
 * @param auto whether {@code terms = auto}
 * @param halfLivesDays the decay bases, ascending, with the configured {@code half-life-days}
 * @param synergyMinPeople a channel pair gets a synergy term when at least this many people touched both
 * @param synergyMaxPairs at most this many pairs, the most co-touched first
 * @param synergyRidges the relative ridge penalties the synergy terms are tried with
 * @param specTolerance specifications within this held-out deviance of the best are kept as doubt
 */
public record IncrementalTerms(
        boolean auto,
        List<Double> halfLivesDays,
        int synergyMinPeople,
        int synergyMaxPairs,
        List<Double> synergyRidges,
        double specTolerance) {

    /** The one-half-life model: what the settings say when the terms are not configured. */
    public static IncrementalTerms linear(double halfLifeDays) {
        return new IncrementalTerms(false, List.of(halfLifeDays), Integer.MAX_VALUE, 0, List.of(), 0);
    }

    static IncrementalTerms read(ConfigReader c, String p, double halfLife) {
        String terms = c.config().getString(p + "terms");
        if (!terms.equals("auto") && !terms.equals("linear")) {
            throw c.error(p + "terms", "must be auto or linear, cannot be: " + terms);
        }
        TreeSet<Double> halfLives = new TreeSet<>(List.of(halfLife));
        for (double h : c.config().getDoubleList(p + "half-lives-days")) {
            if (!(h > 0) || Double.isInfinite(h)) {
                throw c.error(p + "half-lives-days", "must be positive numbers of days, cannot be: " + h);
            }
            halfLives.add(h);
        }
        List<Double> ridges = c.config().getDoubleList(p + "synergy.ridges");
        for (double r : ridges) {
            if (!(r >= 0) || Double.isInfinite(r)) {
                throw c.error(p + "synergy.ridges", "must be non-negative numbers, cannot be: " + r);
            }
        }
        double tolerance = c.config().getDouble(p + "spec-tolerance");
        if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
            throw c.error(p + "spec-tolerance", "must be a non-negative number, cannot be: " + tolerance);
        }
        if (terms.equals("linear")) {
            return linear(halfLife);
        }
        return new IncrementalTerms(
                true,
                List.copyOf(halfLives),
                c.atLeast(p + "synergy.min-people", 1),
                c.atLeast(p + "synergy.max-pairs", 0),
                List.copyOf(ridges),
                tolerance);
    }
}
