package io.trueroi.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 28, defects 7 and 11. A {@code .zst} export failed without Hadoop's native library, with a
 * message naming no file; it is now read in Java (zstd-jni, which Spark itself ships). A 0-byte
 * {@code .gz} (exporters write one for a day with no data) failed the night where a 0-byte
 * {@code .csv} is no rows; now both are no rows. A truncated {@code .gz} still fails, naming the file.
 * The fixtures are compressed here with the JDK's gzip and zstd-jni's writer.
 */
class CompressedFilesTest {
    static final String JSON = "{\"click_id\":\"a\"}\n{\"click_id\":\"b\"}\n";

    @TempDir
    Path tmp;

    @Test
    void zstdIsReadWithoutHadoopsNativeLibrary() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream z = new ZstdOutputStream(b)) {
            z.write(JSON.getBytes(StandardCharsets.UTF_8));
        }
        Path f = tmp.resolve("clicks.jsonl.zst");
        Files.write(f, b.toByteArray());
        List<Row> rows = Framing.rows(f, "ad_clicks", RawFormat.jsonLines());
        assertEquals(2, rows.size());
        assertEquals("{\"click_id\":\"b\"}", rows.get(1).get(RawLines.SCHEMA.fieldIndex("line")));
    }

    @Test
    void zeroByteCompressedFilesAreNoRows() throws IOException {
        for (String name : List.of("clicks.jsonl.gz", "clicks.jsonl.zst", "clicks.jsonl.bz2", "clicks.jsonl")) {
            Path f = tmp.resolve(name);
            Files.write(f, new byte[0]);
            assertEquals(List.of(), Framing.rows(f, "ad_clicks", RawFormat.jsonLines()), name);
        }
    }

    @Test
    void aTruncatedGzipFailsNamingTheFile() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream z = new GZIPOutputStream(b)) {
            z.write(JSON.repeat(50).getBytes(StandardCharsets.UTF_8));
        }
        byte[] whole = b.toByteArray();
        Path f = tmp.resolve("cut.jsonl.gz");
        Files.write(f, java.util.Arrays.copyOf(whole, whole.length / 2));
        RuntimeException e =
                assertThrows(RuntimeException.class, () -> Framing.rows(f, "ad_clicks", RawFormat.jsonLines()));
        assertTrue(e.getMessage().contains("cut.jsonl.gz"), e.getMessage());
    }
}
