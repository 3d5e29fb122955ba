package io.trueroi.synthetic;

import java.io.Serializable;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The stated causal model of the synthetic world, person by person. Pure Java and deterministic:
 * every random number is a function of (seed, person, purpose), so a person simulated twice, or
 * with a channel removed, draws the same numbers.
 *
 * <p><b>Touches.</b> Person i has an activity weight {@code w = exp(1.2 Z − 0.72)} (lognormal,
 * mean 1: a few very active people, most light) and {@code K ~ Poisson(meanTouches × w)} paid ad
 * clicks (at most 400), spread uniformly over the days, 08:00–20:00 business time. Each person
 * prefers two channels (drawn by channel popularity) and takes 80% of their clicks there. One
 * person in 500 is a bot: 30 clicks within one hour of one day, never a purchase.
 *
 * <p><b>Purchases.</b> On every day t the person buys (one order, 21:00–23:00) when
 * {@code U(i, t) < p(t)} with {@code p(t) = baseline + Σ_touches lift(channel) × 2^(−Δ/7)},
 * {@code Δ = t − touch day ∈ [0, 29]} days: each touch adds its channel's lift, halving every week
 * and gone after 30 days; the baseline is organic demand. {@code U(i, t)} is uniform and depends
 * only on (seed, i, t).
 *
 * <p><b>Ground truth.</b> Removing channel c means simulating the same person with c's touches
 * deleted and the same U: a purchase is lost when {@code p_without_c(t) ≤ U(i, t) < p(t)}. The
 * conversions and net revenue lost per channel are summed over people
 * ({@link GenerateAction} writes them to {@code ground_truth.json}).
 */
public final class WorldModel implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final int WINDOW_DAYS = 30;
    public static final double HALF_LIFE_DAYS = 7.0;
    public static final int BOT_EVERY = 500;

    /** A paid channel as the exports show it. */
    public record Channel(
            String name,
            String platform,
            String campaignPrefix,
            double popularity,
            double lift,
            String currency,
            double costPerClick)
            implements Serializable {}

    /** Channels, their popularity (share of preferences) and their true per-touch lift. */
    public static final List<Channel> CHANNELS = List.of(
            new Channel("Baidu SEM", "baidu_sem", "bd", 0.30, 0.0120, "CNY", 2.30),
            new Channel("Douyin (Ocean Engine)", "ocean_engine", "oe", 0.30, 0.0030, "CNY", 1.20),
            new Channel("WeChat Moments (Tencent Ads)", "tencent_ads", "tx", 0.25, 0.0060, "CNY", 1.80),
            new Channel("Google Ads", "google_ads", "gg", 0.15, 0.0200, "USD", 0.45));

    public static final double BASELINE = 0.0008;

    /** One click. */
    public record Touch(int day, long epochSecond, int channel, int campaign, boolean bot) {}

    /** One purchase: day, time, amount in cents of CNY before refunds, refund cents, store (-1 online). */
    public record Purchase(int day, long epochSecond, long cents, long refundCents, int store) {}

    private final long seed;
    private final LocalDate from;
    private final int days;
    private final double meanTouches;

    public WorldModel(long seed, LocalDate from, LocalDate to, double meanTouches) {
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("to must not be before from, cannot be: " + from + " .. " + to);
        }
        if (!(meanTouches > 0)) {
            throw new IllegalArgumentException("mean touches must be positive, cannot be: " + meanTouches);
        }
        this.seed = seed;
        this.from = from;
        this.days = (int) (to.toEpochDay() - from.toEpochDay()) + 1;
        this.meanTouches = meanTouches;
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

    public static boolean isBot(long person) {
        return person % BOT_EVERY == BOT_EVERY - 1;
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

    public List<Touch> touches(long person) {
        SplittableRandom r = new SplittableRandom(seed ^ (person * 0x9E3779B97F4A7C15L));
        List<Touch> out = new ArrayList<>();
        if (isBot(person)) {
            int day = r.nextInt(days);
            int channel = r.nextInt(CHANNELS.size());
            long hour = dayStart(day) + (9 + r.nextInt(10)) * 3_600L;
            for (int k = 0; k < 30; k++) {
                out.add(new Touch(day, hour + r.nextInt(3_600), channel, r.nextInt(2), true));
            }
            return out;
        }
        double w = Math.exp(1.2 * r.nextGaussian() - 0.72);
        int k = Math.min(400, poisson(r, meanTouches * w));
        int first = pick(r);
        int second = pick(r);
        for (int j = 0; j < k; j++) {
            int channel = r.nextDouble() < 0.8 ? (r.nextBoolean() ? first : second) : r.nextInt(CHANNELS.size());
            int day = r.nextInt(days);
            long t = dayStart(day) + 8 * 3_600L + r.nextInt(12 * 3_600);
            out.add(new Touch(day, t, channel, r.nextInt(2), false));
        }
        out.sort((a, b) -> Long.compare(a.epochSecond(), b.epochSecond()));
        return out;
    }

    /** The person's purchases with the touches of channel {@code removed} deleted (-1: none). */
    public List<Purchase> purchases(long person, List<Touch> touches, int removed) {
        List<Purchase> out = new ArrayList<>();
        if (isBot(person)) {
            return out;
        }
        double[] lift = new double[days + WINDOW_DAYS];
        for (Touch t : touches) {
            if (t.channel() == removed) {
                continue;
            }
            double l = CHANNELS.get(t.channel()).lift();
            for (int delta = 0; delta < WINDOW_DAYS && t.day() + delta < days; delta++) {
                lift[t.day() + delta] += l * Math.pow(2, -delta / HALF_LIFE_DAYS);
            }
        }
        for (int d = 0; d < days; d++) {
            if (uniform(person, 1, d) < BASELINE + lift[d]) {
                out.add(purchase(person, d));
            }
        }
        return out;
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

    private int pick(SplittableRandom r) {
        double u = r.nextDouble();
        for (int c = 0; c < CHANNELS.size(); c++) {
            u -= CHANNELS.get(c).popularity();
            if (u < 0) {
                return c;
            }
        }
        return CHANNELS.size() - 1;
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
