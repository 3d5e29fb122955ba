package io.trueroi.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueroi.ingest.RawFormat.CsvColumn;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 28, defect 2: line ends. Classic Mac and some Excel exports end lines with a bare CR; the
 * splitter split on LF only, so such a file read as one header line holding every column, and its
 * rows vanished with no error. Every expected line below is the fixture's text between line ends.
 */
class LineEndsTest {
    @TempDir
    Path tmp;

    private static List<String> lines(byte[] bytes) throws IOException {
        RawLines.LineSplitter s = new RawLines.LineSplitter(new ByteArrayInputStream(bytes), 1 << 20);
        List<String> out = new ArrayList<>();
        for (byte[] line = s.nextLine(); line != null; line = s.nextLine()) {
            out.add(new String(line, StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void lfCrLfAndBareCrEachEndALine() throws IOException {
        assertEquals(List.of("a", "b", "c"), lines("a\nb\nc".getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of("a", "b", "c"), lines("a\r\nb\r\nc\r\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of("a", "b", "c"), lines("a\rb\rc\r".getBytes(StandardCharsets.UTF_8)));
        // Mixed in one file; an empty line stays an empty line whatever its end.
        assertEquals(List.of("a", "", "b", "", "c"), lines("a\r\rb\n\nc".getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of("a", "", "b"), lines("a\r\n\r\nb".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void crLfSplitAcrossTheReadBufferIsOneLineEnd() throws IOException {
        // The splitter reads 64 KiB at a time: CR as the buffer's last byte, LF as the next one's first.
        String first = "x".repeat((1 << 16) - 1);
        List<String> got = lines((first + "\r\nsecond\r\n").getBytes(StandardCharsets.UTF_8));
        assertEquals(2, got.size());
        assertEquals(first, got.get(0));
        assertEquals("second", got.get(1));
    }

    @Test
    void aCsvFileWithBareCrLineEndsGivesEveryRow() throws IOException {
        Path f = tmp.resolve("orders.csv");
        Files.writeString(f, "order_id,amount\rO1,1.00\rO2,2.00\rO3,3.00\rO4,4.00\r");
        List<Row> rows = Framing.rows(
                f,
                "ecommerce_orders",
                RawFormat.csv(List.of(CsvColumn.required("order_id"), CsvColumn.required("amount")), Map.of()));
        assertEquals(4, rows.size(), rows.toString());
        for (int i = 0; i < 4; i++) {
            Row r = rows.get(i);
            assertNull(Framing.get(r, "error_code"), r.toString());
            assertEquals((long) i + 2, Framing.get(r, "source_line"));
            assertArrayEquals(
                    new Object[] {"O" + (i + 1), (i + 1) + ".00"},
                    scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Seq<?>) Framing.get(r, "fields"))
                            .toArray());
        }
    }

    @Test
    void aHeaderHoldingAControlCharacterFailsTheFile() throws IOException {
        // A line end this reader does not know (here a vertical tab) would hide every row in the header.
        Path f = tmp.resolve("orders_vt.csv");
        Files.writeString(f, "order_id,amount\u000bO1,1.00\u000bO2,2.00\n");
        List<Row> rows = Framing.rows(
                f,
                "ecommerce_orders",
                RawFormat.csv(List.of(CsvColumn.required("order_id"), CsvColumn.optional("amount")), Map.of()));
        assertEquals(1, rows.size(), rows.toString());
        assertEquals(RawLines.MISSING_COLUMN, Framing.get(rows.get(0), "error_code"));
        assertTrue(
                ((String) Framing.get(rows.get(0), "error_detail")).contains("control character U+000B"),
                rows.get(0).toString());
    }
}
