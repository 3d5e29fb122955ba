package io.trueroi.attribution;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Transition counts of an order-k Markov chain over channels, the input of
 * {@link MarkovRemovalEffect}: built in memory from path aggregates ({@link #fromPaths}) or from
 * transitions already counted elsewhere (the attribution job counts them in Spark and hands over
 * only the chain, whose size is bounded by channels^k, not by the data).
 *
 * <p>States: 0 is (start); every other state is a tuple of up to k channels (the last k channels
 * of the path so far; in a path's first k−1 steps the shorter tuple of the channels seen so far).
 * Each state counts its journeys out to other states, to (conversion) with the converting
 * journeys' value, and to (null). Tuples are packed into a long, 16 bits per channel, so building
 * the chain from a million paths costs hash lookups on longs rather than string joins.
 */
public final class MarkovChain {
    static final String START = "(start)";
    static final String CONVERSION = "(conversion)";
    static final String NULL = "(null)";
    /** How a tuple state is named in {@code attribution.markov_transitions}. */
    static final String SEP = " > ";

    static final int MAX_CHANNELS = 65_534;

    private final int order;
    private final Map<String, Integer> channelIds = new HashMap<>();
    private final List<String> channelNames = new ArrayList<>();
    private final Map<Long, Integer> stateIds = new HashMap<>();
    private final List<int[]> stateTuples = new ArrayList<>();
    /** Keyed by from << 32 | to: journeys on that transition. */
    private final Map<Long, double[]> transitions = new HashMap<>();
    /** Per state: {conversions, nulls, value, journeys out}. */
    private final List<double[]> ends = new ArrayList<>();

    private double totalConversions;
    private double totalValue;

    public MarkovChain(int order) {
        if (order < 1 || order > 4) {
            throw new IllegalArgumentException("order must be between 1 and 4, cannot be: " + order);
        }
        this.order = order;
        stateIds.put(0L, 0);
        stateTuples.add(new int[0]);
        ends.add(new double[4]);
    }

    /** The chain of these path aggregates. */
    public static MarkovChain fromPaths(List<PathCount> paths, int order) {
        MarkovChain chain = new MarkovChain(order);
        for (PathCount p : paths) {
            chain.addPath(p.channels(), p.conversions(), p.value(), p.nulls());
        }
        return chain;
    }

    /** Adds the journeys that followed one path; an empty path goes from (start) to its end. */
    public void addPath(List<String> channels, double conversions, double value, double nulls) {
        double journeys = conversions + nulls;
        int[] ids = new int[channels.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = channel(channels.get(i));
        }
        int from = 0;
        for (int i = 0; i < ids.length; i++) {
            int lo = Math.max(0, i + 1 - order);
            long key = 0;
            for (int j = lo; j <= i; j++) {
                key = (key << 16) | (ids[j] + 1L);
            }
            int to = state(key, ids, lo, i + 1);
            addCount(from, to, journeys);
            from = to;
        }
        addEndCounts(from, conversions, nulls, value);
    }

    /** Adds journeys on a transition between two tuple states (an empty tuple is (start)). */
    public void addTransition(List<String> from, List<String> to, double journeys) {
        if (to.isEmpty()) {
            throw new IllegalArgumentException("a transition cannot lead into (start)");
        }
        addCount(state(from), state(to), journeys);
    }

    /** Adds the journeys that ended in a tuple state (an empty tuple is (start)). */
    public void addEnd(List<String> state, double conversions, double nulls, double value) {
        addEndCounts(state(state), conversions, nulls, value);
    }

    private int state(List<String> tuple) {
        if (tuple.size() > order) {
            throw new IllegalArgumentException(
                    "a state of an order-" + order + " chain has at most " + order + " channels, cannot be: " + tuple);
        }
        int[] ids = new int[tuple.size()];
        long key = 0;
        for (int i = 0; i < ids.length; i++) {
            ids[i] = channel(tuple.get(i));
            key = (key << 16) | (ids[i] + 1L);
        }
        return state(key, ids, 0, ids.length);
    }

    private int channel(String name) {
        Integer id = channelIds.get(name);
        if (id == null) {
            if (channelNames.size() == MAX_CHANNELS) {
                throw new IllegalArgumentException("at most " + MAX_CHANNELS + " channels, cannot add: " + name);
            }
            id = channelNames.size();
            channelIds.put(name, id);
            channelNames.add(name);
        }
        return id;
    }

    private int state(long key, int[] ids, int from, int to) {
        Integer s = stateIds.get(key);
        if (s == null) {
            s = stateTuples.size();
            stateIds.put(key, s);
            int[] tuple = new int[to - from];
            System.arraycopy(ids, from, tuple, 0, tuple.length);
            stateTuples.add(tuple);
            ends.add(new double[4]);
        }
        return s;
    }

    private void addCount(int from, int to, double journeys) {
        if (!(journeys >= 0)) {
            throw new IllegalArgumentException("journeys must not be negative, cannot be: " + journeys);
        }
        transitions.computeIfAbsent(((long) from << 32) | to, k -> new double[1])[0] += journeys;
        ends.get(from)[3] += journeys;
    }

    private void addEndCounts(int state, double conversions, double nulls, double value) {
        if (!(conversions >= 0) || !(nulls >= 0)) {
            throw new IllegalArgumentException("counts must not be negative, cannot be: " + conversions + ", " + nulls);
        }
        double[] e = ends.get(state);
        e[0] += conversions;
        e[1] += nulls;
        e[2] += value;
        e[3] += conversions + nulls;
        totalConversions += conversions;
        totalValue += value;
    }

    public int order() {
        return order;
    }

    /** Number of states, (start) included. */
    public int states() {
        return stateTuples.size();
    }

    public List<String> channels() {
        return List.copyOf(channelNames);
    }

    public double totalConversions() {
        return totalConversions;
    }

    public double totalValue() {
        return totalValue;
    }

    int channelId(String name) {
        Integer id = channelIds.get(name);
        return id == null ? -1 : id;
    }

    int[] tuple(int state) {
        return stateTuples.get(state);
    }

    double[] end(int state) {
        return ends.get(state);
    }

    Map<Long, double[]> transitionCounts() {
        return transitions;
    }

    String stateName(int state) {
        if (state == 0) {
            return START;
        }
        int[] t = stateTuples.get(state);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < t.length; i++) {
            if (i > 0) {
                b.append(SEP);
            }
            b.append(channelNames.get(t[i]));
        }
        return b.toString();
    }
}
