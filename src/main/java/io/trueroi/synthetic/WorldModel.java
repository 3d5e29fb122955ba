package io.trueroi.synthetic;

import java.io.Serializable;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntPredicate;

/**
 * The stated causal model of a synthetic world ({@link WorldSpec}), person by person. Pure Java and
 * deterministic: every random number is a function of (seed, person, purpose), so a person
 * simulated twice, or with channels removed, draws the same numbers.
 *
 * <p><b>Touches.</b> Person i has an activity weight {@code w = exp(1.2 Z − 0.72)} (lognormal,
 * mean 1: a few very active people, most light) and {@code K ~ Poisson(meanTouches × w)} paid ad
 * clicks (at most 400), spread uniformly over the days, 08:00–20:00 business time. Each person
 * prefers two channels, drawn with weight popularity × m^targeting (m below), and takes 80% of
 * their clicks there, the rest on any channel alike. One person in {@code bot-every} is a bot:
 * 30 clicks within one hour of one day, never a purchase.
 *
 * <p><b>Purchases.</b> On every day t the person buys (one order, 21:00–23:00) when
 * {@code U(i, t) < p(t)} with {@code p(t) = baseline × m + Σ_touches lift(c) × (1 + n)^−s(c) ×
 * 2^(−Δ/h(c)) + Σ_synergies}, {@code Δ = t − touch day ∈ [0, window)}: each touch adds its
 * channel's lift, halving every half-life h(c), gone after the lift window; n is the number of
 * the same channel's earlier touches within the window (saturation s(c), 0 unless set). The
 * organic multiplier {@code m = exp(σZ − σ²/2)} (mean 1) is 1 unless the spec sets
 * {@code organic-sigma}. A synergy of channels A and B adds its lift × 2^(−Δ/h) on days when
 * both have a touch in the window, Δ counted from the later of their latest touches. {@code U(i, t)}
 * is uniform and depends only on (seed, i, t).
 *
 * <p><b>Holdout tests.</b> Of the people a tested channel would touch on a test's days
 * ({@code world.experiments}), a random share (a draw of their own) is held out: their clicks of
 * that channel on those days do not happen. The world, its exports and its truth are the world
 * with the test run.
 *
 * <p><b>Ground truth.</b> Removing channel c means simulating the same person with c's touches
 * deleted and the same U: a purchase is lost when {@code p_without_c(t) ≤ U(i, t) < p(t)}. The
 * conversions and net revenue lost per channel are summed over people
 * ({@link GenerateAction} writes them to {@code ground_truth.json}).
 */
public final class WorldModel implements Serializable {
    private static final long serialVersionUID = 1L;

    /** One click. */
    public record Touch(int day, long epochSecond, int channel, int campaign, boolean bot) {}

    /** One purchase: day, time, amount in cents of CNY before refunds, refund cents, store (-1 online). */
    public record Purchase(int day, long epochSecond, long cents, long refundCents, int store) {}

    /** {@link #group}: not in the test's audience, treated, held out. */
    public static final int OUTSIDE = -1;

    public static final int TREATED = 0;
    public static final int HELD_OUT = 1;

    private final WorldSpec spec;
    private final long seed;
    private final LocalDate from;
    private final int days;
    private final int window;
    private final double meanTouches;
    /** decay[c][Δ] = 2^(−Δ / half-life of c). */
    private final double[][] decay;

    public WorldModel(WorldSpec spec) {
        this.spec = spec;
        this.seed = spec.seed();
        this.from = spec.from();
        this.days = spec.days();
        this.window = spec.liftWindowDays();
        this.meanTouches = spec.meanTouches();
        this.decay = new double[spec.channels().size()][window];
        for (int c = 0; c < decay.length; c++) {
            double h = spec.channels().get(c).halfLifeDays();
            for (int delta = 0; delta < window; delta++) {
                decay[c][delta] = Math.pow(2, -delta / h);
            }
        }
    }

    /** The shipped default world over these days, with this seed and mean touches. */
    public WorldModel(long seed, LocalDate from, LocalDate to, double meanTouches) {
        this(defaultWorld(seed, from, to, meanTouches));
    }

    private static WorldSpec defaultWorld(long seed, LocalDate from, LocalDate to, double meanTouches) {
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("to must not be before from, cannot be: " + from + " .. " + to);
        }
        if (!(meanTouches > 0)) {
            throw new IllegalArgumentException("mean touches must be positive, cannot be: " + meanTouches);
        }
        return WorldSpec.shipped("default").with(null, from, to, seed, meanTouches);
    }

    public WorldSpec spec() {
        return spec;
    }

    public List<WorldSpec.Channel> channels() {
        return spec.channels();
    }

    public int windowDays() {
        return window;
    }

    public int days() {
        return days;
    }

    public LocalDate day(int d) {
        return from.plusDays(d);
    }

    /** The index of a day of the world; throws naming the world's days for any other date. */
    public int index(LocalDate day) {
        long d = day.toEpochDay() - from.toEpochDay();
        if (d < 0 || d >= days) {
            throw new IllegalArgumentException(
                    "must be a day of the world, " + from + " .. " + day(days - 1) + ", cannot be: " + day);
        }
        return (int) d;
    }

    public boolean isBot(long person) {
        int every = spec.botEvery();
        return every > 0 && person % every == every - 1;
    }

    /** The person's organic multiplier m (mean 1; exactly 1 without {@code organic-sigma}). */
    public double organic(long person) {
        double sigma = spec.organicSigma();
        if (sigma == 0) {
            return 1;
        }
        double z =
                Math.sqrt(-2 * Math.log(1 - uniform(person, 40, 0))) * Math.cos(2 * Math.PI * uniform(person, 41, 0));
        return Math.exp(sigma * z - sigma * sigma / 2);
    }

    /** Uniform in [0, 1) from (seed, person, purpose, index): a stateless hash (SplitMix64). */
    double uniform(long person, long purpose, long index) {
        long z = seed * 0x9E3779B97F4A7C15L
                + person * 0xBF58476D1CE4E5B9L
                + purpose * 0x94D049BB133111EBL
                + index * 0xD6E8FEB86659FD93L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (z >>> 11) * 0x1.0p-53;
    }

    /** Start of a business day (Asia/Shanghai, UTC+8, no daylight saving) in epoch seconds. */
    long dayStart(int d) {
        return from.plusDays(d).toEpochDay() * 86_400L - 8 * 3_600L;
    }

    /**
     * The person's clicks as they happened: as drawn, less the clicks of a channel on the days of
     * a holdout test the person was held out of ({@link #group}).
     */
    public List<Touch> touches(long person) {
        return asRun(person, drawn(person));
    }

    /** The clicks {@link #drawn} for the person, less those of every test they were held out of. */
    public List<Touch> asRun(long person, List<Touch> drawn) {
        if (spec.experiments().isEmpty()) {
            return drawn;
        }
        List<Touch> out = new ArrayList<>(drawn);
        for (int e = 0; e < spec.experiments().size(); e++) {
            int test = e;
            if (group(person, drawn, e) == HELD_OUT) {
                out.removeIf(t -> inTest(t, test));
            }
        }
        return out;
    }

    /** Whether the click is of test e's channel, on one of its days. */
    public boolean inTest(Touch t, int e) {
        WorldSpec.Holdout test = spec.experiments().get(e);
        int first = index(test.from());
        return t.channel() == test.channel() && t.day() >= first && t.day() < first + test.days();
    }

    /**
     * The person's group in holdout test e, from the clicks as drawn: in the audience when the
     * test's channel would touch them on its days; held out with the test's share, by a draw of
     * their own.
     */
    public int group(long person, List<Touch> drawn, int e) {
        if (drawn.stream().noneMatch(t -> inTest(t, e))) {
            return OUTSIDE;
        }
        return uniform(person, 60 + e, 0) < spec.experiments().get(e).share() ? HELD_OUT : TREATED;
    }

    /** The person's clicks as drawn, before any holdout test. */
    public List<Touch> drawn(long person) {
        SplittableRandom r = new SplittableRandom(seed ^ (person * 0x9E3779B97F4A7C15L));
        List<Touch> out = new ArrayList<>();
        if (isBot(person)) {
            int day = r.nextInt(days);
            int channel = r.nextInt(channels().size());
            long hour = dayStart(day) + (9 + r.nextInt(10)) * 3_600L;
            for (int k = 0; k < 30; k++) {
                out.add(new Touch(day, hour + r.nextInt(3_600), channel, r.nextInt(2), true));
            }
            return out;
        }
        double w = Math.exp(1.2 * r.nextGaussian() - 0.72);
        int k = Math.min(400, poisson(r, meanTouches * w));
        double[] weight = preference(person);
        int first = pick(r, weight);
        int second = pick(r, weight);
        for (int j = 0; j < k; j++) {
            int channel = r.nextDouble() < 0.8
                    ? (r.nextBoolean() ? first : second)
                    : r.nextInt(channels().size());
            int day = r.nextInt(days);
            long t = dayStart(day) + 8 * 3_600L + r.nextInt(12 * 3_600);
            out.add(new Touch(day, t, channel, r.nextInt(2), false));
        }
        out.sort((a, b) -> Long.compare(a.epochSecond(), b.epochSecond()));
        return out;
    }

    /** The person's purchases with the touches of channel {@code removed} deleted (-1: none). */
    public List<Purchase> purchases(long person, List<Touch> touches, int removed) {
        return purchases(person, touches, c -> c == removed);
    }

    /** The person's purchases with the touches of every channel {@code removed} accepts deleted. */
    public List<Purchase> purchases(long person, List<Touch> touches, IntPredicate removed) {
        List<Purchase> out = new ArrayList<>();
        if (isBot(person)) {
            return out;
        }
        double[] p = probability(person, touches, removed);
        for (int d = 0; d < days; d++) {
            if (uniform(person, 1, d) < p[d]) {
                out.add(purchase(person, d));
            }
        }
        return out;
    }

    /** p(t) for every day of the world: the person's purchase probability given these touches. */
    double[] probability(long person, List<Touch> touches, IntPredicate removed) {
        double[] lift = new double[days + window];
        List<WorldSpec.Channel> channels = channels();
        for (int i = 0; i < touches.size(); i++) {
            Touch t = touches.get(i);
            if (removed.test(t.channel())) {
                continue;
            }
            WorldSpec.Channel c = channels.get(t.channel());
            double l = c.lift();
            if (c.saturation() > 0) {
                l *= Math.pow(1 + earlierInWindow(touches, i), -c.saturation());
            }
            double[] dc = decay[t.channel()];
            for (int delta = 0; delta < window && t.day() + delta < days; delta++) {
                lift[t.day() + delta] += l * dc[delta];
            }
        }
        for (WorldSpec.Synergy s : spec.synergies()) {
            if (!removed.test(s.first()) && !removed.test(s.second())) {
                addSynergy(s, touches, lift);
            }
        }
        double baseline = spec.baseline() * organic(person);
        double[] p = new double[days];
        for (int d = 0; d < days; d++) {
            p[d] = baseline + lift[d];
        }
        return p;
    }

    /** Touches of touch i's channel before it (touches are in time order) less than a window earlier. */
    private int earlierInWindow(List<Touch> touches, int i) {
        Touch t = touches.get(i);
        int n = 0;
        for (int j = i - 1; j >= 0 && t.day() - touches.get(j).day() < window; j--) {
            if (touches.get(j).channel() == t.channel()) {
                n++;
            }
        }
        return n;
    }

    private void addSynergy(WorldSpec.Synergy s, List<Touch> touches, double[] lift) {
        int[] latest = new int[2];
        latest[0] = -1;
        latest[1] = -1;
        int next = 0;
        for (int d = 0; d < days; d++) {
            while (next < touches.size() && touches.get(next).day() <= d) {
                int c = touches.get(next).channel();
                if (c == s.first()) {
                    latest[0] = touches.get(next).day();
                } else if (c == s.second()) {
                    latest[1] = touches.get(next).day();
                }
                next++;
            }
            if (latest[0] >= 0 && latest[1] >= 0 && d - Math.min(latest[0], latest[1]) < window) {
                int since = d - Math.max(latest[0], latest[1]);
                lift[d] += s.lift() * Math.pow(2, -since / s.halfLifeDays());
            }
        }
    }

    /** The order person i would place on day d: time, amount, refund and store drawn from (i, d). */
    Purchase purchase(long person, int d) {
        long time = dayStart(d) + 21 * 3_600L + (long) (uniform(person, 2, d) * 7_200);
        // Lognormal around 300 CNY, to the 0.10.
        double z = Math.sqrt(-2 * Math.log(1 - uniform(person, 3, d))) * Math.cos(2 * Math.PI * uniform(person, 4, d));
        long cents = Math.max(990, Math.round(Math.exp(Math.log(300) + 0.6 * z - 0.18) * 10) * 10);
        int store = uniform(person, 5, d) < 0.25 ? (uniform(person, 6, d) < 0.3 ? 1 : 0) : -1;
        long refund = 0;
        if (store < 0 && uniform(person, 7, d) < 0.08) {
            refund = uniform(person, 8, d) < 0.5 ? cents : cents / 2 / 10 * 10;
        }
        return new Purchase(d, time, cents, refund, store);
    }

    /** Preference weights of the person's channels: popularity × m^targeting. */
    private double[] preference(long person) {
        List<WorldSpec.Channel> channels = channels();
        double[] weight = new double[channels.size()];
        double m = spec.organicSigma() > 0 ? organic(person) : 1;
        for (int c = 0; c < weight.length; c++) {
            WorldSpec.Channel ch = channels.get(c);
            weight[c] = ch.targeting() > 0 ? ch.popularity() * Math.pow(m, ch.targeting()) : ch.popularity();
        }
        return weight;
    }

    private static int pick(SplittableRandom r, double[] weight) {
        double total = 0;
        for (double w : weight) {
            total += w;
        }
        double u = r.nextDouble() * total;
        for (int c = 0; c < weight.length; c++) {
            u -= weight[c];
            if (u < 0) {
                return c;
            }
        }
        return weight.length - 1;
    }

    private static int poisson(SplittableRandom r, double mean) {
        if (mean > 50) {
            return Math.max(0, (int) Math.round(mean + Math.sqrt(mean) * r.nextGaussian()));
        }
        double l = Math.exp(-mean);
        int k = 0;
        double p = r.nextDouble();
        while (p > l) {
            k++;
            p *= r.nextDouble();
        }
        return k;
    }
}
