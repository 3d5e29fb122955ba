package io.trueroi.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 28, defect 3: a JSON line is one object. Spark's from_json reads the first object of a
 * line and ignores what follows, so with two objects on one line the second was in neither silver
 * nor quarantine, and {@code {...} trailing garbage} was accepted. Content after the object now
 * makes the line MALFORMED_JSON at framing; braces and quotes inside strings do not count.
 */
class JsonLineFramingTest {
    @TempDir
    Path tmp;

    @Test
    void contentAfterTheObjectMakesTheLineMalformed() throws IOException {
        Path f = tmp.resolve("clicks.jsonl");
        Files.writeString(
                f,
                String.join(
                        "\n",
                        "{\"click_id\":\"a\"}",
                        "{\"click_id\":\"b\"}{\"click_id\":\"c\"}",
                        "{\"click_id\":\"d\"} trailing garbage",
                        "{\"click_id\":\"e\"}   \t",
                        "{\"click_id\":\"f}{\",\"n\":{\"x\":[1,{}]}}",
                        "{\"click_id\":\"g\\\"}\"}",
                        "{\"click_id\":\"h\"},",
                        "{\"click_id\":\"i\""));
        List<Row> rows = Framing.rows(f, "ad_clicks", RawFormat.jsonLines());
        List<String> codes = new ArrayList<>();
        for (Row r : rows) {
            codes.add(String.valueOf(r.get(RawLines.SCHEMA.fieldIndex("error_code"))));
        }
        // Lines 2, 3 and 7 hold something after their object; line 8's object never closes, which
        // from_json already rejects, so framing lets it through to the reader.
        assertEquals(
                List.of("null", "MALFORMED_JSON", "MALFORMED_JSON", "null", "null", "null", "MALFORMED_JSON", "null"),
                codes);
        assertEquals(
                "content after the JSON object, from character 17: '{\"click_id\":\"c\"}'",
                rows.get(1).get(RawLines.SCHEMA.fieldIndex("error_detail")));
    }
}
