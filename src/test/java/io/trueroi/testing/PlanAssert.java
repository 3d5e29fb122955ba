package io.trueroi.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Assertions on the text Spark prints for a plan or its generated code: how many times an
 * expression occurs in it. For tests that pin how a plan is built (an expression evaluated once,
 * no lambda), which no result can show.
 */
public final class PlanAssert {
  private PlanAssert() {}

  /** Asserts {@code what} occurs exactly {@code times} times in {@code text}; the message shows the text. */
  public static void assertOccurs(int times, String what, String text) {
    assertEquals(times, count(text, what), () -> "occurrences of \"" + what + "\" in:\n" + text);
  }

  static int count(String text, String what) {
    int n = 0;
    for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + what.length())) {
      n++;
    }
    return n;
  }
}
