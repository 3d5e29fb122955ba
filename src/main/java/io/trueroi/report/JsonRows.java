package io.trueroi.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;

/**
 * One panel's numbers as the page's data island holds them: {@code {"source", "columns", "rows"}},
 * the rows as arrays in column order so the page draws its plain tables without knowing a schema.
 * Money stays decimal in the JSON text (a reader parsing with BigDecimal gets the mart's exact
 * value); dates are ISO strings, instants ISO-8601 UTC.
 */
final class JsonRows {
    static final JsonNodeFactory JSON = JsonNodeFactory.withExactBigDecimals(true);

    private JsonRows() {}

    /** The panel of an aggregate whose rows are few by construction (the caller bounds them). */
    static ObjectNode panel(String source, Dataset<Row> bounded) {
        return panel(source, columns(bounded), bounded.collectAsList());
    }

    static ObjectNode panel(String source, List<String> columns, List<Row> rows) {
        ObjectNode panel = JSON.objectNode();
        panel.put("source", source);
        ArrayNode cols = panel.putArray("columns");
        columns.forEach(cols::add);
        ArrayNode out = panel.putArray("rows");
        for (Row r : rows) {
            ArrayNode a = out.addArray();
            for (int i = 0; i < columns.size(); i++) {
                a.add(value(r.get(i)));
            }
        }
        return panel;
    }

    /** A panel with no rows, saying why (a table the warehouse does not have yet). */
    static ObjectNode missing(String source, String why) {
        ObjectNode panel = panel(source, List.of(), List.of());
        panel.put("missing", why);
        return panel;
    }

    static List<String> columns(Dataset<Row> ds) {
        return java.util.Arrays.stream(ds.schema().fields())
                .map(StructField::name)
                .toList();
    }

    static JsonNode value(Object v) {
        if (v == null) {
            return JSON.nullNode();
        }
        if (v instanceof BigDecimal d) {
            return JSON.numberNode(d);
        }
        if (v instanceof Double d) {
            return d.isNaN() || d.isInfinite() ? JSON.nullNode() : JSON.numberNode(d);
        }
        if (v instanceof Float f) {
            return f.isNaN() || f.isInfinite() ? JSON.nullNode() : JSON.numberNode(f);
        }
        if (v instanceof Long l) {
            return JSON.numberNode(l);
        }
        if (v instanceof Integer i) {
            return JSON.numberNode(i);
        }
        if (v instanceof Boolean b) {
            return JSON.booleanNode(b);
        }
        if (v instanceof Date d) {
            return JSON.textNode(d.toLocalDate().toString());
        }
        if (v instanceof LocalDate d) {
            return JSON.textNode(d.toString());
        }
        if (v instanceof Timestamp t) {
            return JSON.textNode(t.toInstant().toString());
        }
        if (v instanceof Instant t) {
            return JSON.textNode(t.toString());
        }
        return JSON.textNode(v.toString());
    }
}
