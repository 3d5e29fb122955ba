package io.trueroi.ingest;

import static org.apache.spark.sql.functions.col;

import io.trueroi.catalog.Table;
import io.trueroi.ingest.RawFormat.CsvColumn;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Names, key and format of a reader, so each reader class is only its parsing rules.
 *
 * <p>Readers add each value a check reads as a column of its own (withColumn) before they build
 * their {@link Rejects} and output from those columns. A reject code and detail are coalesces
 * over every check, so a parse expression named in a check and in the output was evaluated once
 * for each; as a column it is evaluated once per line (Spark keeps a projection apart when its
 * costly columns are read more than once above it).
 */
abstract class BaseReader implements SourceReader {
    private final Table table;
    private final String group;
    private final List<CsvColumn> csvColumns;

    /** A JSON-lines reader. */
    BaseReader(Table table, String group) {
        this(table, group, List.of());
    }

    /** A CSV reader with these columns, in the order its fields are addressed. */
    BaseReader(Table table, String group, List<CsvColumn> csvColumns) {
        this.table = table;
        this.group = group;
        this.csvColumns = List.copyOf(csvColumns);
    }

    @Override
    public final Table table() {
        return table;
    }

    @Override
    public final String sourceGroup() {
        return group;
    }

    @Override
    public final List<CsvColumn> csvColumns() {
        return csvColumns;
    }

    /** JSON lines parsed into column {@code j}. */
    static Dataset<Row> parseJson(Dataset<Row> lines, StructType schema) {
        return lines.withColumn("j", SourceReader.json(schema));
    }

    /** The first check of every JSON reader: the line must be a JSON object. */
    static Rejects jsonRejects() {
        return new Rejects()
                .check(col("j." + CORRUPT).isNotNull(), Rejects.MALFORMED_JSON, "line is not a JSON object");
    }
}
