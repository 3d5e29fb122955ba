package io.trueroi.catalog;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * What every table and column means, read from {@code io/trueroi/catalog/tables.conf}: the one
 * source of the comments Delta keeps on each table ({@code DESCRIBE TABLE} shows them) and of the
 * README's table reference ({@link #markdown()}).
 */
public final class TableDocs {
    static final String RESOURCE = "io/trueroi/catalog/tables.conf";
    /** The key Spark keeps a column's comment under in its metadata. */
    static final String COMMENT = "comment";

    private static final Config DOCS = ConfigFactory.parseResourcesAnySyntax(RESOURCE);

    private TableDocs() {}

    /** The table's comment; throws naming the table when the file has none. */
    public static String comment(Table table) {
        return docs(table).getString(COMMENT);
    }

    /** Each column's meaning, in the table's column order. */
    public static Map<String, String> columns(Table table) {
        Map<String, String> columns = new LinkedHashMap<>();
        for (String line : docs(table).getStringList("columns")) {
            int colon = line.indexOf(": ");
            if (colon <= 0) {
                throw new IllegalStateException(
                        RESOURCE + ": " + table + ".columns: expected \"column: meaning\", " + "cannot be: " + line);
            }
            columns.put(line.substring(0, colon), line.substring(colon + 2));
        }
        return columns;
    }

    private static Config docs(Table table) {
        String key = "\"" + table.qualifiedName() + "\"";
        if (!DOCS.hasPath(key)) {
            throw new IllegalStateException(RESOURCE + " documents no table " + table);
        }
        return DOCS.getConfig(key);
    }

    /** {@code schema} with each documented column's meaning as its comment; other columns unchanged. */
    public static StructType withComments(Table table, StructType schema) {
        Map<String, String> columns = columns(table);
        return new StructType(Arrays.stream(schema.fields())
                .map(f -> {
                    String meaning = columns.get(f.name());
                    if (meaning == null) {
                        return f;
                    }
                    Metadata m = new MetadataBuilder()
                            .withMetadata(f.metadata())
                            .putString(COMMENT, meaning)
                            .build();
                    return new StructField(f.name(), f.dataType(), f.nullable(), m);
                })
                .toArray(StructField[]::new));
    }

    /**
     * The README's table reference: per layer, per table, its comment and a table of its columns.
     * {@code TableDocsTest} checks the README holds exactly this.
     */
    public static String markdown() {
        StringBuilder out = new StringBuilder();
        for (Layer layer : Layer.values()) {
            List<Table> tables = Table.of(layer);
            if (tables.isEmpty()) {
                continue;
            }
            out.append("### ").append(layer.id()).append("\n\n");
            for (Table t : tables) {
                out.append("**`")
                        .append(t.qualifiedName())
                        .append("`**: ")
                        .append(comment(t))
                        .append("\n\n");
                out.append("| column | meaning |\n| --- | --- |\n");
                columns(t).forEach((c, meaning) -> out.append("| ")
                        .append(c)
                        .append(" | ")
                        .append(meaning.replace("|", "\\|"))
                        .append(" |\n"));
                out.append("\n");
            }
        }
        return out.toString();
    }
}
