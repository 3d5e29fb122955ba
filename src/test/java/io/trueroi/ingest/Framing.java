package io.trueroi.ingest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;

/**
 * Frames one local file as ingest does ({@link RawLines.FileLines}), without Spark: for tests of
 * line ends, headers, compression and control characters. Its rows carry no schema, so fields
 * are read by their place in {@link RawLines#SCHEMA} ({@link #get}).
 */
final class Framing {
    private Framing() {}

    static List<Row> rows(Path f, String feed, RawFormat format) throws IOException {
        RawFile file = new RawFile(
                feed,
                f.toUri().toString(),
                f.getFileName().toString(),
                "2026-10-01",
                "UTF-8",
                Map.of(),
                Files.size(f),
                0L);
        List<Row> rows = new ArrayList<>();
        new RawLines.FileLines(file, format, 1 << 20, new Configuration(false)).forEachRemaining(rows::add);
        return rows;
    }

    static Object get(Row r, String name) {
        return r.get(RawLines.SCHEMA.fieldIndex(name));
    }
}
