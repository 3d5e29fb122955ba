package io.trueroi.ingest;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.trueroi.catalog.Table;
import io.trueroi.ingest.RawFormat.CsvColumn;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reads one kind of raw export into one silver table. Implementations hold no state; the ingest
 * action frames the lines ({@link RawLines}), calls {@link #parse}, splits rejects from rows,
 * deduplicates on its table's natural key ({@link io.trueroi.catalog.Table#naturalKey}) and writes.
 */
public interface SourceReader {
    /** Column every parse result carries: the reject code, null for a good row. */
    String REJECT_CODE = "_reject_code";

    String REJECT_DETAIL = "_reject_detail";
    /** The raw line of a rejected row, kept for quarantine; dropped before silver. */
    String RAW_LINE = "_raw_line";
    /** True on the first row parsed from a line (lines are counted, not rows); dropped before silver. */
    String LINE_START = "_line_start";

    /** The silver table it writes; its name is also the config feed's, e.g. {@code ecommerce_orders}. */
    Table table();

    /** The source system group: wechat, ecommerce, pos or ads. */
    String sourceGroup();

    /** The CSV columns read, in order (header names are matched by name or alias); empty for JSON lines. */
    List<CsvColumn> csvColumns();

    /**
     * Typed silver columns, in table order, from lines with {@link RawLines#SCHEMA} (framing's
     * rejects included: {@link #withLineage} keeps their code); plus dt, source_file, source_line,
     * {@link #REJECT_CODE}, {@link #REJECT_DETAIL}, {@link #RAW_LINE} and {@link #LINE_START}.
     */
    Dataset<Row> parse(Dataset<Row> lines, ReaderContext context);

    /** The CSV field of a reader column, by its position in {@link #csvColumns()}. */
    default Column field(String name) {
        List<CsvColumn> columns = csvColumns();
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(name)) {
                return col("fields").getItem(i);
            }
        }
        throw new IllegalArgumentException(table() + " reads no CSV column named " + name);
    }

    /** The attribute of the file rule that matched the line's file (platform, time-zone, currency). */
    static Column attribute(String name) {
        return element_at(col("attrs"), lit(name));
    }

    /** JSON lines parsed with a schema; a line that is not a JSON object sets {@link #CORRUPT}. */
    static Column json(StructType schema) {
        return from_json(
                col("line"),
                schema.add(CORRUPT, DataTypes.StringType, true),
                Map.of("mode", "PERMISSIVE", "columnNameOfCorruptRecord", CORRUPT));
    }

    /** The field JSON parsing fills for a malformed line. */
    String CORRUPT = "_corrupt_record";

    /** Lineage and reject columns every parse result ends with; one row per line. */
    static Column[] withLineage(Column[] silver, Rejects rejects) {
        return withLineage(silver, rejects, lit(true));
    }

    /**
     * Lineage and reject columns every parse result ends with. A line framing already rejected
     * keeps framing's code (its fields are unusable, so the reader's checks would only mislead);
     * the raw line is kept only for rejected rows, which is all quarantine needs, so the parsed
     * rows the ingest action caches carry no copy of the text.
     *
     * @param lineStart true on the first row of each line, for a reader that gives a line several rows
     */
    static Column[] withLineage(Column[] silver, Rejects rejects, Column lineStart) {
        return withLineage(silver, rejects, lineStart, List.of());
    }

    /**
     * {@link #withLineage(Column[], Rejects, Column)} for a reader with personal fields: their
     * raw values are replaced in the kept line and the reject detail ({@link Pii#redactValues}),
     * whatever their shape.
     */
    static Column[] withLineage(Column[] silver, Rejects rejects, Column lineStart, List<Column> personal) {
        List<Column> all = new ArrayList<>();
        all.add(col("dt").cast("date").as("dt"));
        all.addAll(List.of(silver));
        all.add(col("source_file"));
        all.add(col("source_line"));
        Column code = coalesce(col("error_code"), rejects.code());
        all.add(code.as(REJECT_CODE));
        // The personal fields' values are known only here; quarantine adds the redaction by shape.
        all.add(when(
                        code.isNotNull(),
                        Pii.redactValues(
                                when(col("error_code").isNotNull(), col("error_detail"))
                                        .otherwise(rejects.detail()),
                                personal))
                .as(REJECT_DETAIL));
        all.add(when(code.isNotNull(), Pii.redactValues(col("line"), personal)).as(RAW_LINE));
        all.add(lineStart.as(LINE_START));
        return all.toArray(new Column[0]);
    }
}
