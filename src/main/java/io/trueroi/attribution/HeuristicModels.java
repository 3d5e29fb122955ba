package io.trueroi.attribution;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * First-touch, last-touch and linear credit of path aggregates, per channel: {conversions, value}.
 * Linear gives each touch of a path an equal share, so a channel repeated on a path gets one
 * share per occurrence. Paths without channels credit nobody.
 */
public final class HeuristicModels {
  public enum Model { FIRST_TOUCH, LAST_TOUCH, LINEAR }

  private HeuristicModels() {}

  public static Map<String, double[]> credit(List<PathCount> paths, Model model) {
    Map<String, double[]> out = new TreeMap<>();
    for (PathCount p : paths) {
      List<String> c = p.channels();
      if (c.isEmpty()) {
        continue;
      }
      switch (model) {
        case FIRST_TOUCH -> add(out, c.get(0), p.conversions(), p.value());
        case LAST_TOUCH -> add(out, c.get(c.size() - 1), p.conversions(), p.value());
        case LINEAR -> {
          for (String ch : c) {
            add(out, ch, (double) p.conversions() / c.size(), p.value() / c.size());
          }
        }
        default -> throw new IllegalArgumentException("unknown model: " + model);
      }
    }
    return out;
  }

  private static void add(Map<String, double[]> out, String channel, double conversions, double value) {
    double[] v = out.computeIfAbsent(channel, k -> new double[2]);
    v[0] += conversions;
    v[1] += value;
  }
}
