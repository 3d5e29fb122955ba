package io.trueroi.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Dataset equality for tests, with a readable diff: the rows only one side has. */
public final class DatasetAssert {
    /** Rows printed per side of a diff. */
    static final int SHOWN = 20;

    private DatasetAssert() {}

    /**
     * Asserts both datasets hold the same multiset of rows (order ignored) with the same column
     * names and types. On failure the message lists rows missing from actual and unexpected rows.
     */
    public static void assertDatasetEquals(Dataset<Row> expected, Dataset<Row> actual) {
        if (!expected.schema().equals(actual.schema())) {
            if (!Arrays.equals(expected.columns(), actual.columns())) {
                fail("columns differ\n  expected: " + String.join(", ", expected.columns()) + "\n  actual:   "
                        + String.join(", ", actual.columns()));
            }
            fail("column types differ\n  expected: " + expected.schema().simpleString() + "\n  actual:   "
                    + actual.schema().simpleString());
        }
        List<Row> missing = expected.exceptAll(actual).limit(SHOWN + 1).collectAsList();
        List<Row> unexpected = actual.exceptAll(expected).limit(SHOWN + 1).collectAsList();
        if (missing.isEmpty() && unexpected.isEmpty()) {
            return;
        }
        StringBuilder sb = new StringBuilder("datasets differ (columns: ")
                .append(String.join(", ", actual.columns()))
                .append(")\n");
        append(sb, "missing from actual", missing);
        append(sb, "unexpected in actual", unexpected);
        fail(sb.toString());
    }

    private static void append(StringBuilder sb, String title, List<Row> rows) {
        if (rows.isEmpty()) {
            return;
        }
        sb.append("  ").append(title).append(":\n");
        rows.stream().limit(SHOWN).forEach(r -> sb.append("    - ").append(r).append('\n'));
        if (rows.size() > SHOWN) {
            sb.append("    ... and more\n");
        }
    }
}
