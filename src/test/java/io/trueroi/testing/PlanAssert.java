package io.trueroi.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Assertions on the text Spark prints for a plan or its generated code: how many times an
 * expression occurs in it. For tests that pin how a plan is built (an expression evaluated once,
 * no lambda), which no result can show.
 *
 * <p>Plan text is Spark's, not an API: a new Spark version may print the same plan differently.
 * Every test that reads it carries the tag {@value #TAG}, so a Spark upgrade can run them apart
 * ({@code mvn test -Dgroups=plan}) and re-pin them, or leave them out
 * ({@code -DexcludedGroups=plan}) while the rest of the suite checks the upgrade.
 */
public final class PlanAssert {
    /** The JUnit tag of tests tied to Spark's plan text. */
    public static final String TAG = "plan";

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
