package io.trueroi.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trueroi.ingest.RawFormat.CsvColumn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 28, defect 13: a NUL or another control character inside a line ({@code OSN\u0000001}) was
 * kept in the id, a key no other source can match. Such a line is quarantined at framing as
 * CONTROL_CHARACTER, naming the character and its place; a tab is data, not control.
 */
class ControlCharactersTest {
    @TempDir
    Path tmp;

    @Test
    void aLineHoldingAControlCharacterIsQuarantined() throws IOException {
        Path f = tmp.resolve("orders.csv");
        Files.writeString(f, "order_id,note\nOS1,ok\nOSN\u0000001,x\nOS3,a\tb\nOS4,bell\u0007\n");
        List<Row> rows = Framing.rows(
                f,
                "ecommerce_orders",
                RawFormat.csv(List.of(CsvColumn.required("order_id"), CsvColumn.optional("note")), Map.of()));
        List<String> got = new ArrayList<>();
        for (Row r : rows) {
            got.add(r.get(RawLines.SCHEMA.fieldIndex("source_line")) + ":"
                    + r.get(RawLines.SCHEMA.fieldIndex("error_code")) + ":"
                    + r.get(RawLines.SCHEMA.fieldIndex("error_detail")));
        }
        assertEquals(
                List.of(
                        "2:null:null",
                        "3:CONTROL_CHARACTER:line holds control character U+0000 at character 4",
                        "4:null:null",
                        "5:CONTROL_CHARACTER:line holds control character U+0007 at character 9"),
                got);
    }
}
