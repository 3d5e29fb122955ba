package io.trueroi.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trueroi.ingest.RawFormat.CsvColumn;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CSV headers that cannot be used fail their file. Issue 28, defect 12: a CSV header that is not valid in the file's charset was quarantined as a
 * data line, and the first data line was then taken for the header. Now the file fails, as a
 * missing column does (MISSING_COLUMN: the job stops naming the file), and no line of it is read.
 * The fixture is a GBK header (订单编号) in a file the rule declares UTF-8.
 */
class CsvHeaderTest {
    @TempDir
    Path tmp;

    @Test
    void anUndecodableHeaderFailsTheFile() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write("订单编号,amount\n".getBytes(java.nio.charset.Charset.forName("GBK")));
        b.write("O1,1.00\nO2,2.00\n".getBytes(StandardCharsets.UTF_8));
        Path f = tmp.resolve("orders.csv");
        Files.write(f, b.toByteArray());
        List<Row> rows = Framing.rows(
                f,
                "ecommerce_orders",
                RawFormat.csv(List.of(CsvColumn.required("order_id"), CsvColumn.optional("amount")), Map.of()));
        assertEquals(1, rows.size(), rows.toString());
        Row r = rows.get(0);
        assertEquals(1L, r.get(RawLines.SCHEMA.fieldIndex("source_line")));
        assertEquals(RawLines.MISSING_COLUMN, r.get(RawLines.SCHEMA.fieldIndex("error_code")));
        assertEquals("header line is not valid UTF-8", r.get(RawLines.SCHEMA.fieldIndex("error_detail")));
    }

    /**
     * Issue 28, defect 15: a header naming a column the reader reads twice resolved first-wins
     * without a word. It fails the file now; a repeated name the reader does not read is harmless.
     */
    @Test
    void aRepeatedHeaderNameTheReaderReadsFailsTheFile() throws IOException {
        Path f = tmp.resolve("dup.csv");
        Files.writeString(f, "order_id,note,amount,note,amount\nO1,a,1.00,b,2.00\n");
        List<Row> rows = read(f);
        assertEquals(1, rows.size(), rows.toString());
        assertEquals(RawLines.MISSING_COLUMN, rows.get(0).get(RawLines.SCHEMA.fieldIndex("error_code")));
        assertEquals(
                "header names column 'amount' twice (fields 3 and 5), and amount is read from it",
                rows.get(0).get(RawLines.SCHEMA.fieldIndex("error_detail")));
        Path g = tmp.resolve("dup_note.csv");
        Files.writeString(g, "order_id,note,amount,note\nO1,a,1.00,b\n");
        List<Row> ok = read(g);
        assertEquals(1, ok.size());
        assertEquals(null, ok.get(0).get(RawLines.SCHEMA.fieldIndex("error_code")));
    }

    /**
     * Issue 42: a claimed value counts the value of claimed conversions; a report with the value
     * column and no conversions column fails naming the column it has and the one it lacks. A
     * conversions column named twice (Google's "Conversions" and its alias) fails as any repeat does.
     */
    @Test
    void aClaimedValueWithoutItsConversionsFailsTheFile() throws IOException {
        RawFormat spend = RawFormat.csv(
                List.of(
                        CsvColumn.required("campaign_id"),
                        CsvColumn.optional("claimed_conversions"),
                        CsvColumn.optionalWith("claimed_value", "claimed_conversions")),
                Map.of("claimed_conversions", List.of("Conversions", "转化数"), "claimed_value", List.of("Conv. value")));
        Path f = tmp.resolve("google_ads_spend.csv");
        Files.writeString(f, "campaign_id,Conv. value\nc1,10.00\n");
        List<Row> rows = Framing.rows(f, "ad_spend", spend);
        assertEquals(1, rows.size(), rows.toString());
        assertEquals(RawLines.MISSING_COLUMN, rows.get(0).get(RawLines.SCHEMA.fieldIndex("error_code")));
        assertEquals(
                "header has column 'Conv. value' (claimed_value) but no column for claimed_conversions, which its"
                        + " values are counted against",
                rows.get(0).get(RawLines.SCHEMA.fieldIndex("error_detail")));

        Path both = tmp.resolve("with_both.csv");
        Files.writeString(both, "campaign_id,Conversions,Conv. value\nc1,2,10.00\n");
        assertEquals(null, Framing.rows(both, "ad_spend", spend).get(0).get(RawLines.SCHEMA.fieldIndex("error_code")));

        Path twice = tmp.resolve("twice.csv");
        Files.writeString(twice, "campaign_id,Conversions,conversions\nc1,2,3\n");
        List<Row> dup = Framing.rows(twice, "ad_spend", spend);
        assertEquals(1, dup.size(), dup.toString());
        assertEquals(
                "header names column 'Conversions' twice (fields 2 and 3), and claimed_conversions is read from it",
                dup.get(0).get(RawLines.SCHEMA.fieldIndex("error_detail")));
    }

    private static List<Row> read(Path f) throws IOException {
        return Framing.rows(
                f,
                "ecommerce_orders",
                RawFormat.csv(List.of(CsvColumn.required("order_id"), CsvColumn.optional("amount")), Map.of()));
    }
}
