package io.trueroi.attribution;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.DMatrixSparseCSC;
import org.ejml.data.DMatrixSparseTriplet;
import org.ejml.interfaces.linsol.LinearSolverSparse;
import org.ejml.ops.DConvertMatrixStruct;
import org.ejml.sparse.FillReducing;
import org.ejml.sparse.csc.factory.LinearSolverFactory_DSCC;

/**
 * Markov-chain removal-effect attribution, solved exactly.
 *
 * <p>States: (start), one per channel k-tuple for order k (the last k channels; in a path's first
 * k−1 steps, the shorter tuple of the channels so far), and the absorbing (conversion) and
 * (null). Transition probabilities are path counts: each path adds its journeys
 * (conversions + nulls) to every transition along it, its conversions to last state → (conversion)
 * and its nulls to last state → (null); a path with no channel goes from (start) straight to its
 * end. P(conversion | start) solves {@code (I − Q) p = r} over the transient states, with Q the
 * transient transitions and r the transitions into (conversion); the expected value solves the
 * same system with each converting path's value attached to its transition into (conversion).
 * Both are sparse LU solves (EJML), deterministic, no simulation.
 *
 * <p>Removing channel c sends every transition into a state that contains c to (null):
 * {@code RE(c) = 1 − P_without_c / P}, and likewise for value. Shares are {@code RE(c) / Σ RE}
 * and attributed conversions (value) are shares × total conversions (value). Defined results
 * where a ratio would be undefined: no conversions (P = 0), or every RE zero, give zero removal
 * effects, shares and credit, never NaN.
 *
 * <p>Cost: one pass over the paths to count transitions; one sparse factorisation per channel
 * plus one, each on a matrix with a row per state.
 */
public final class MarkovRemovalEffect {
  /** Removal effect, share and credit of one channel. */
  public record ChannelResult(String channel, double removalEffect, double share, double conversions,
      double valueRemovalEffect, double valueShare, double value) {}

  /** One fitted transition, for inspection. */
  public record Transition(String from, String to, double probability) {}

  /** A fitted model. */
  public record Result(int order, double conversionProbability, double expectedValue, double totalConversions,
      double totalValue, Map<String, ChannelResult> channels, List<Transition> transitions) {}

  static final String START = "(start)";
  static final String CONVERSION = "(conversion)";
  static final String NULL = "(null)";
  static final String SEP = " > ";

  private MarkovRemovalEffect() {}

  public static Result fit(List<PathCount> paths, int order) {
    if (order < 1 || order > 4) {
      throw new IllegalArgumentException("order must be between 1 and 4, cannot be: " + order);
    }
    // States: 0 is (start); others are channel tuples, numbered in first-seen order.
    Map<String, Integer> index = new HashMap<>();
    List<List<String>> tuples = new ArrayList<>();
    index.put(START, 0);
    tuples.add(List.of());
    TreeSet<String> channels = new TreeSet<>();
    Map<Long, Double> q = new HashMap<>();
    List<double[]> ends = new ArrayList<>(); // per state: {to conversion, to null, value, out}
    ends.add(new double[4]);
    double totalConversions = 0;
    double totalValue = 0;
    for (PathCount p : paths) {
      double journeys = p.conversions() + p.nulls();
      totalConversions += p.conversions();
      totalValue += p.value();
      int from = 0;
      List<String> c = p.channels();
      channels.addAll(c);
      for (int i = 0; i < c.size(); i++) {
        List<String> tuple = c.subList(Math.max(0, i + 1 - order), i + 1);
        String key = String.join(SEP, tuple);
        Integer to = index.get(key);
        if (to == null) {
          to = tuples.size();
          index.put(key, to);
          tuples.add(List.copyOf(tuple));
          ends.add(new double[4]);
        }
        q.merge(((long) from << 32) | to, journeys, Double::sum);
        ends.get(from)[3] += journeys;
        from = to;
      }
      double[] e = ends.get(from);
      e[0] += p.conversions();
      e[1] += p.nulls();
      e[2] += p.value();
      e[3] += journeys;
    }
    int n = tuples.size();
    double[] base = solve(n, q, ends, null, tuples);
    Map<String, ChannelResult> out = new LinkedHashMap<>();
    double[] re = new double[channels.size()];
    double[] reValue = new double[channels.size()];
    List<String> names = new ArrayList<>(channels);
    for (int i = 0; i < names.size(); i++) {
      double[] without = solve(n, q, ends, names.get(i), tuples);
      re[i] = removal(base[0], without[0]);
      reValue[i] = removal(base[1], without[1]);
    }
    double sum = Arrays.stream(re).sum();
    double sumValue = Arrays.stream(reValue).sum();
    for (int i = 0; i < names.size(); i++) {
      double share = sum > 0 ? re[i] / sum : 0;
      double valueShare = sumValue > 0 ? reValue[i] / sumValue : 0;
      out.put(names.get(i), new ChannelResult(names.get(i), re[i], share, share * totalConversions,
          reValue[i], valueShare, valueShare * totalValue));
    }
    return new Result(order, base[0], base[1], totalConversions, totalValue, out, transitions(q, ends, tuples));
  }

  /** 1 − without/with, kept in [0, 1] (rounding can leave a hair outside); 0 when with is 0. */
  static double removal(double with, double without) {
    if (!(with > 0)) {
      return 0;
    }
    return Math.min(1, Math.max(0, 1 - without / with));
  }

  /** {P(conversion | start), expected value from start}, with a channel removed or none. */
  static double[] solve(int n, Map<Long, Double> q, List<double[]> ends, String removed, List<List<String>> tuples) {
    boolean[] gone = new boolean[n];
    if (removed != null) {
      for (int s = 1; s < n; s++) {
        gone[s] = tuples.get(s).contains(removed);
      }
    }
    DMatrixSparseTriplet a = new DMatrixSparseTriplet(n, n, q.size() + n);
    double[] diagonal = new double[n];
    Arrays.fill(diagonal, 1.0);
    for (Map.Entry<Long, Double> e : q.entrySet()) {
      int from = (int) (e.getKey() >>> 32);
      int to = (int) (e.getKey() & 0xffffffffL);
      if (gone[to]) {
        continue; // a transition into a removed state goes to (null)
      }
      double p = e.getValue() / ends.get(from)[3];
      if (from == to) {
        diagonal[from] -= p; // a repeated channel's self-loop: one entry per cell, the triplet keeps duplicates
      } else {
        a.addItem(from, to, -p);
      }
    }
    for (int s = 0; s < n; s++) {
      a.addItem(s, s, diagonal[s]);
    }
    DMatrixRMaj b = new DMatrixRMaj(n, 2);
    for (int s = 0; s < n; s++) {
      double out = ends.get(s)[3];
      if (out > 0) {
        b.set(s, 0, ends.get(s)[0] / out);
        b.set(s, 1, ends.get(s)[2] / out);
      }
    }
    DMatrixSparseCSC matrix = DConvertMatrixStruct.convert(a, (DMatrixSparseCSC) null);
    LinearSolverSparse<DMatrixSparseCSC, DMatrixRMaj> solver = LinearSolverFactory_DSCC.lu(FillReducing.NONE);
    if (!solver.setA(matrix)) {
      throw new IllegalStateException("the absorbing chain's system is singular (a state never reaches an end)");
    }
    DMatrixRMaj x = new DMatrixRMaj(n, 2);
    solver.solve(b, x);
    return new double[] {x.get(0, 0), x.get(0, 1)};
  }

  static List<Transition> transitions(Map<Long, Double> q, List<double[]> ends, List<List<String>> tuples) {
    Map<String, Transition> sorted = new TreeMap<>();
    for (Map.Entry<Long, Double> e : q.entrySet()) {
      int from = (int) (e.getKey() >>> 32);
      int to = (int) (e.getKey() & 0xffffffffL);
      String f = name(tuples, from);
      String t = name(tuples, to);
      sorted.put(f + "\u0000" + t, new Transition(f, t, e.getValue() / ends.get(from)[3]));
    }
    for (int s = 0; s < tuples.size(); s++) {
      double[] e = ends.get(s);
      if (e[0] > 0) {
        sorted.put(name(tuples, s) + "\u0000" + CONVERSION, new Transition(name(tuples, s), CONVERSION, e[0] / e[3]));
      }
      if (e[1] > 0) {
        sorted.put(name(tuples, s) + "\u0000" + NULL, new Transition(name(tuples, s), NULL, e[1] / e[3]));
      }
    }
    return List.copyOf(sorted.values());
  }

  static String name(List<List<String>> tuples, int s) {
    return s == 0 ? START : String.join(SEP, tuples.get(s));
  }
}
