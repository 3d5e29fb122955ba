package io.trueroi.attribution;

/**
 * One converting journey's touches as a model sees them: channels and touch times in time order
 * (index 0 the earliest), and the journey's segment value. A reusable view filled by
 * {@link Credits} for each journey in turn; a model must not keep it.
 */
public final class Touches {
    private String[] channels = new String[16];
    private long[] micros = new long[16];
    private int size;
    private String segment;
    private int day = Integer.MIN_VALUE;
    private final java.util.HashMap<String, Integer> perChannel = new java.util.HashMap<>();

    Touches() {}

    /** A view of the given touches, for tests and reference computations outside Spark. */
    public static Touches of(String[] channels, long[] touchMicros, String segment) {
        if (channels.length != touchMicros.length) {
            throw new IllegalArgumentException("channels and times must have the same length, cannot be: "
                    + channels.length + " and " + touchMicros.length);
        }
        Touches t = new Touches();
        t.reset(channels.length, segment);
        for (int i = 0; i < channels.length; i++) {
            t.set(i, channels[i], touchMicros[i]);
        }
        return t;
    }

    void reset(int n, String segmentValue) {
        if (channels.length < n) {
            int capacity = Math.max(n, channels.length * 2);
            channels = new String[capacity];
            micros = new long[capacity];
        }
        size = n;
        segment = segmentValue;
        perChannel.clear();
    }

    void set(int i, String channel, long touchMicros) {
        channels[i] = channel;
        micros[i] = touchMicros;
        perChannel.clear();
    }

    /**
     * How many of the journey's touches have touch i's channel: the models that give a channel one
     * value split it equally among its touches, so repeating a channel does not raise its credit.
     */
    public int touchesOfChannel(int i) {
        if (perChannel.isEmpty()) {
            for (int k = 0; k < size; k++) {
                perChannel.merge(channels[k], 1, Integer::sum);
            }
        }
        return perChannel.get(channels[i]);
    }

    /** Number of touches, at least 1. */
    public int size() {
        return size;
    }

    /** Channel of touch {@code i}. */
    public String channel(int i) {
        return channels[i];
    }

    /** Time of touch {@code i} in microseconds since the epoch (UTC). */
    public long touchMicros(int i) {
        return micros[i];
    }

    /** The journey's conversion date as days since 1970-01-01; {@link Integer#MIN_VALUE} when unknown. */
    public int day() {
        return day;
    }

    void day(int epochDay) {
        day = epochDay;
    }

    /** The journey's value of the model's segment column as a string; null when absent. */
    public String segment() {
        return segment;
    }
}
