package io.trueroi.attribution;

import java.util.Arrays;

/**
 * One person's sufficient statistics for the incremental fit over the training window, in
 * {@link ExactSums} units: a plain loop over the person's days, each day's terms
 * ({@link ExposureTerms}) from the touches of the exposure window before it. Only the days with
 * some exposure enter the sums of terms; the others are counted (days, purchases) for the
 * baseline. The layout of a slot ({@link #width}): unexposed days, all purchases, exposed
 * purchases Σy, exposed days, Σy², then Σx_t (F), Σx_t·y (F) and Σx_s·x_t for s ≤ t (F(F+1)/2).
 *
 * <p>Sums are taken in the order of the person's sorted touches and days, in doubles, then rounded
 * once to units: the same person gives the same units on any partitioning. Cost: per exposed
 * person-day, the window's touches × half-lives plus (active terms)² / 2 multiply-adds.
 */
final class PersonSums implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    static final int UNEXPOSED_DAYS = 0;
    static final int PURCHASES = 1;
    static final int EXPOSED_PURCHASES = 2;
    static final int EXPOSED_DAYS = 3;
    static final int PURCHASES_SQUARED = 4;
    static final int HEAD = 5;

    private final ExposureTerms terms;
    private final int from;
    private final int days;
    private final int size;
    private final Calibration calibration;
    /** Reused per person: a day's terms, all F of them. */
    private final double[] x;

    PersonSums(ExposureTerms terms, int from, int days) {
        this(terms, from, days, Calibration.none(terms));
    }

    /**
     * @param from the first day of the training window, epoch day
     * @param days the training window's length
     * @param calibration the experiments whose sums follow the layout's main part
     */
    PersonSums(ExposureTerms terms, int from, int days, Calibration calibration) {
        this.terms = terms;
        this.from = from;
        this.days = days;
        this.size = terms.size();
        this.calibration = calibration;
        this.x = new double[size];
    }

    /** Entries of this person's slot: the main layout, then the calibration's. */
    int width() {
        return width(size) + calibration.width();
    }

    /** Entries of a slot's main layout for {@code f} terms. */
    static int width(int f) {
        return HEAD + 2 * f + f * (f + 1) / 2;
    }

    static int sumX(int t) {
        return HEAD + t;
    }

    static int sumXy(int f, int t) {
        return HEAD + f + t;
    }

    /** Σx_s·x_t, s ≤ t or t ≤ s. */
    static int sumXx(int f, int s, int t) {
        int a = Math.min(s, t);
        int b = Math.max(s, t);
        return HEAD + 2 * f + a * f - a * (a - 1) / 2 + (b - a);
    }

    /**
     * The person's non-zero entries: {@code index[0..n)} into the slot layout and their units.
     *
     * @param touchDay epoch days, with {@code touchChannel} and {@code touchCount}, sorted by day
     *     then channel
     * @param buyDay epoch days of the window with purchases, {@code buyCount} each, sorted
     */
    Entries of(int[] touchDay, int[] touchChannel, long[] touchCount, int[] buyDay, long[] buyCount) {
        boolean[] touched = new boolean[terms.channels()];
        for (int c : touchChannel) {
            touched[c] = true;
        }
        int[] active = activeTerms(touched);
        int m = active.length;
        double[] sx = new double[m];
        double[] sxy = new double[m];
        double[] sxx = new double[m * (m + 1) / 2];
        double exposedDays = 0;
        double exposedY = 0;
        double exposedY2 = 0;
        double allY = 0;
        for (long y : buyCount) {
            allY += y;
        }
        int window = terms.window();
        int first = 0;
        int buy = 0;
        for (int t = from; t < from + days; t++) {
            while (first < touchDay.length && touchDay[first] <= t - window) {
                first++;
            }
            if (first == touchDay.length || touchDay[first] > t) {
                continue;
            }
            for (int a : active) {
                x[a] = 0;
            }
            for (int i = first; i < touchDay.length && touchDay[i] <= t; i++) {
                terms.addTouch(x, touchChannel[i], t - touchDay[i], touchCount[i]);
            }
            terms.derive(x);
            while (buy < buyDay.length && buyDay[buy] < t) {
                buy++;
            }
            double y = buy < buyDay.length && buyDay[buy] == t ? buyCount[buy] : 0;
            exposedDays++;
            exposedY += y;
            exposedY2 += y * y;
            int p = 0;
            for (int i = 0; i < m; i++) {
                double xi = x[active[i]];
                sx[i] += xi;
                sxy[i] += xi * y;
                for (int j = i; j < m; j++) {
                    sxx[p++] += xi * x[active[j]];
                }
            }
        }
        Entries e = entries(
                active, sx, sxy, sxx, new double[] {days - exposedDays, allY, exposedY, exposedDays, exposedY2});
        for (int k = 0; k < calibration.size(); k++) {
            addTest(e, k, touchDay, touchChannel, touchCount, buyDay, buyCount);
        }
        return e;
    }

    /**
     * Test k's sums for a person the channel touched during the test: B, the purchases of the
     * test's days in the window, and per own term of the channel, its values on those days minus
     * their values without the channel's touches of the test's days.
     */
    private void addTest(
            Entries e, int k, int[] touchDay, int[] touchChannel, long[] touchCount, int[] buyDay, long[] buyCount) {
        Calibration.Test test = calibration.tests().get(k);
        int c = test.channel();
        boolean treated = false;
        for (int i = 0; i < touchDay.length; i++) {
            treated |= touchChannel[i] == c && touchDay[i] >= test.from() && touchDay[i] <= test.to();
        }
        int first = Math.max(test.from(), from);
        int last = Math.min(test.to(), from + days - 1);
        if (!treated || first > last) {
            return;
        }
        double bought = 0;
        for (int i = 0; i < buyDay.length; i++) {
            bought += buyDay[i] >= first && buyDay[i] <= last ? buyCount[i] : 0;
        }
        int h = terms.halfLives().length;
        double[] a = new double[h + 1];
        for (int t = first; t <= last; t++) {
            double before = 0;
            double all = 0;
            for (int i = 0; i < touchDay.length && touchDay[i] <= t; i++) {
                int age = t - touchDay[i];
                if (touchChannel[i] != c || age >= terms.window()) {
                    continue;
                }
                double primary = touchCount[i] * terms.decay(terms.primary(), age);
                all += primary;
                if (touchDay[i] < test.from()) {
                    before += primary;
                    continue;
                }
                for (int j = 0; j < h; j++) {
                    a[j] += touchCount[i] * terms.decay(j, age);
                }
            }
            a[h] += Math.log1p(all) - Math.log1p(before);
        }
        int at = calibration.offset(size, k);
        e.put(at, bought);
        for (int j = 0; j <= h; j++) {
            e.put(at + 1 + j, a[j]);
        }
    }

    /** The terms that can be non-zero for a person who touched these channels, ascending. */
    private int[] activeTerms(boolean[] touched) {
        int[] out = new int[size];
        int n = 0;
        for (int t = 0; t < size; t++) {
            if (touched[terms.channelOf(t)]
                    && (!terms.isSynergy(t) || touched[terms.pairChannel(t - terms.synergyTerm(0), 1)])) {
                out[n++] = t;
            }
        }
        return Arrays.copyOf(out, n);
    }

    private Entries entries(int[] active, double[] sx, double[] sxy, double[] sxx, double[] head) {
        int m = active.length;
        Entries e = new Entries(HEAD + 2 * m + sxx.length + calibration.width());
        for (int i = 0; i < HEAD; i++) {
            e.put(i, head[i]);
        }
        if (head[EXPOSED_DAYS] == 0) {
            return e;
        }
        int p = 0;
        for (int i = 0; i < m; i++) {
            e.put(sumX(active[i]), sx[i]);
            e.put(sumXy(size, active[i]), sxy[i]);
            for (int j = i; j < m; j++) {
                e.put(sumXx(size, active[i], active[j]), sxx[p++]);
            }
        }
        return e;
    }

    /** Sparse entries of one person's slot, in units. */
    static final class Entries {
        final int[] index;
        final long[] units;
        int n;

        Entries(int capacity) {
            index = new int[capacity];
            units = new long[capacity];
        }

        void put(int i, double value) {
            index[n] = i;
            units[n++] = ExactSums.units(value);
        }
    }
}
