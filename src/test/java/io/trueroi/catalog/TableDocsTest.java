package io.trueroi.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The table docs are one source: every table of the catalogue is documented in {@code
 * tables.conf}, and the README's table reference is exactly {@link TableDocs#markdown()}. (That
 * each documented column is a column of its table, and each column documented, is checked on the
 * tables the sample-data night writes, in {@code SampleDataNightlyTest}.)
 */
class TableDocsTest {
    static final String BEGIN = "<!-- table-reference:begin (generated from tables.conf by TableDocs) -->\n";
    static final String END = "<!-- table-reference:end -->";

    @Test
    void everyTableIsDocumented() {
        for (Table t : Table.values()) {
            assertFalse(TableDocs.comment(t).isBlank(), t.toString());
            assertFalse(TableDocs.columns(t).isEmpty(), t.toString());
            assertTrue(TableDocs.columns(t).keySet().containsAll(t.key()), t + " documents its key");
        }
    }

    @Test
    void theReadmesTableReferenceIsGeneratedFromTheDocs() throws Exception {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        assertTrue(begin >= 0 && end > begin, "README.md has the table reference markers");
        String expected = TableDocs.markdown();
        String actual = readme.substring(begin + BEGIN.length(), end);
        if (!expected.equals(actual)) {
            Path out = Path.of("target", "table-reference.md");
            Files.createDirectories(out.getParent());
            Files.writeString(out, expected, StandardCharsets.UTF_8);
            assertEquals(
                    expected,
                    actual,
                    "README.md's table reference differs from tables.conf: replace the text "
                            + "between the markers with " + out);
        }
    }

    @Test
    void withCommentsPutsEachMeaningOnItsColumn() {
        var schema = new org.apache.spark.sql.types.StructType()
                .add("conversion_id", "string")
                .add("not_documented", "int");
        var commented = TableDocs.withComments(Table.CONVERSIONS, schema);
        assertEquals(
                "platform|order_id or store|store_id|transaction_id.",
                commented.apply("conversion_id").getComment().get());
        assertTrue(commented.apply("not_documented").getComment().isEmpty());
    }
}
