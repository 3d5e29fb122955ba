package io.trueroi.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 4180 splitting of single lines, and the lines it must refuse. */
class CsvLineTest {
    @Test
    void splitsPlainAndQuotedFields() throws Exception {
        assertEquals(List.of("a", "b", "c"), CsvLine.split("a,b,c"));
        assertEquals(List.of("", "", ""), CsvLine.split(",,"));
        assertEquals(List.of(""), CsvLine.split(""));
        assertEquals(List.of("1,299.50", "x"), CsvLine.split("\"1,299.50\",x"));
        assertEquals(List.of("say \"hi\"", ""), CsvLine.split("\"say \"\"hi\"\"\","));
        assertEquals(List.of(" spaced ", "卖家已发货，等待买家确认"), CsvLine.split(" spaced ,卖家已发货，等待买家确认"));
        assertEquals(List.of("", "end"), CsvLine.split("\"\",end"));
    }

    @Test
    void refusesUnterminatedQuote() {
        CsvLine.MalformedCsv e = assertThrows(CsvLine.MalformedCsv.class, () -> CsvLine.split("OS5,\"unterminated,,,"));
        assertTrue(e.getMessage().contains("unterminated quote in field 2"), e.getMessage());
    }

    @Test
    void refusesTextAfterClosingQuote() {
        CsvLine.MalformedCsv e = assertThrows(CsvLine.MalformedCsv.class, () -> CsvLine.split("\"abc\"def,x"));
        assertTrue(e.getMessage().contains("text after closing quote in field 1"), e.getMessage());
    }
}
