package io.trueroi.ingest;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * How a feed's lines are framed. JSON lines are passed on whole (parsed in Spark SQL); CSV lines
 * are split here and their fields put in the reader's column order, whatever order the export's
 * header has, so readers work with one layout across platforms.
 */
public record RawFormat(Kind kind, List<CsvColumn> columns, Map<String, List<String>> headerAliases)
        implements Serializable {

    public enum Kind {
        CSV,
        JSON_LINES
    }

    public static RawFormat jsonLines() {
        return new RawFormat(Kind.JSON_LINES, List.of(), Map.of());
    }

    public static RawFormat csv(List<CsvColumn> columns, Map<String, List<String>> headerAliases) {
        return new RawFormat(Kind.CSV, List.copyOf(columns), Map.copyOf(headerAliases));
    }

    /**
     * A column a CSV reader reads; required columns must be in every file's header. An optional
     * column that {@code needs} another (a conversion value without its conversion count) fails a
     * file whose header has it without the other: its values could not be read as meant.
     */
    public record CsvColumn(String name, boolean required, String needs) implements Serializable {
        public static CsvColumn required(String name) {
            return new CsvColumn(name, true, null);
        }

        public static CsvColumn optional(String name) {
            return new CsvColumn(name, false, null);
        }

        /** An optional column that may only appear with {@code other}. */
        public static CsvColumn optionalWith(String name, String other) {
            return new CsvColumn(name, false, other);
        }
    }
}
