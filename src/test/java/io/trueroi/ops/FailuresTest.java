package io.trueroi.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Issue 28, defect 14: the one-line reason of a failure. Spark's SQL syntax error starts with a
 * line break, so keeping the first line printed {@code sql failed: statement 1 of 1:} and nothing
 * more. The message below is Spark 4.2's for {@code SELEC 1}, as printed by {@code spark.sql}.
 */
class FailuresTest {
    static final String SYNTAX =
            "\n[PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'. SQLSTATE: 42601 (line 1, pos 0)\n\n"
                    + "== SQL ==\nSELEC 1\n^^^\n";

    @Test
    void aPrefixEndingInAColonKeepsTheReasonAfterIt() {
        assertEquals(
                "sql failed: statement 1 of 1: [PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'. SQLSTATE: 42601"
                        + " (line 1, pos 0)",
                Failures.describe(new IllegalStateException("sql failed: statement 1 of 1: " + SYNTAX)));
        assertEquals(
                "[PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'. SQLSTATE: 42601 (line 1, pos 0)",
                Failures.firstLine(SYNTAX));
        assertEquals("one line", Failures.firstLine("one line\n  at x.y(Z.java:1)"));
    }
}
