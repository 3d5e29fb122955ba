package io.trueroi.ingest;

import io.trueroi.ingest.RawFormat.CsvColumn;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Turns raw export files into one row per physical line, with the file, the line number and,
 * for a line that cannot be read, a reason instead of data.
 *
 * <p>Each file is streamed by one task, never loaded whole: files are the unit of parallelism
 * (a night's exports are many files; one file is read sequentially so line numbers are exact
 * without a second pass). Cost: one pass over the bytes, no shuffle. Lines longer than
 * {@code maxLineBytes} are skipped to their end and reported as LINE_TOO_LONG, so an oversized
 * line cannot exhaust memory. Bytes are decoded strictly in the file's declared charset: a line
 * that is not valid in it is BAD_ENCODING, not silently mangled. A UTF-8 byte-order mark is
 * dropped. Compressed files (by suffix: .zst in Java, .gz, .bz2, ... by Hadoop's codecs) are
 * decompressed as they stream, and a 0-byte file is no lines whatever its suffix; a file that
 * cannot be opened or read to its end fails the task, naming the file.
 *
 * <p>CSV files: the first line is the header; each reader column is found in it by name or
 * alias (case-insensitive). A file whose header lacks a required column yields one MISSING_COLUMN
 * row (a file-level error the job fails on). Data lines become the reader's columns in order;
 * a line with a different number of fields than the header is FIELD_COUNT, bad quoting is
 * MALFORMED_CSV. Blank lines are skipped. Lines end with LF, CR LF or a lone CR; a header holding
 * any other control character (a line end of some other kind) fails the file, since its rows
 * would otherwise hide inside the header. A data line holding such a character is
 * CONTROL_CHARACTER.
 */
public final class RawLines {
    /** Codes for lines (or files) that never reach a reader. */
    public static final String BAD_ENCODING = "BAD_ENCODING";

    public static final String LINE_TOO_LONG = "LINE_TOO_LONG";
    public static final String MALFORMED_CSV = "MALFORMED_CSV";
    public static final String FIELD_COUNT = "FIELD_COUNT";
    /** A data line holding a control character other than tab (a NUL in an id, a bell). */
    public static final String CONTROL_CHARACTER = "CONTROL_CHARACTER";
    /** A JSON line with content after its object (the readers' code for a line that is not one). */
    public static final String MALFORMED_JSON = Rejects.MALFORMED_JSON;
    /** File-level: the job fails and names the file and column. */
    public static final String MISSING_COLUMN = "MISSING_COLUMN";

    /** Longest prefix of a bad line kept for the quarantine table. */
    static final int SNIPPET_CHARS = 2000;

    public static final StructType SCHEMA = new StructType()
            .add("feed", DataTypes.StringType, false)
            .add("dt", DataTypes.StringType, false)
            .add("source_file", DataTypes.StringType, false)
            .add("source_line", DataTypes.LongType, false)
            .add("line", DataTypes.StringType, true)
            .add("fields", DataTypes.createArrayType(DataTypes.StringType, true), true)
            .add("attrs", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType), false)
            .add("error_code", DataTypes.StringType, true)
            .add("error_detail", DataTypes.StringType, true);

    private RawLines() {}

    /**
     * Reads every file into a Dataset with {@link #SCHEMA}. Lazy: nothing is read until an action.
     */
    public static Dataset<Row> read(
            SparkSession spark, List<RawFile> files, Map<String, RawFormat> formats, int maxLineBytes) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        HadoopConf conf = new HadoopConf(spark.sparkContext().hadoopConfiguration());
        // Big files first so the longest tasks start early; a slice per file up to 4 per core.
        List<RawFile> ordered = new ArrayList<>(files);
        ordered.sort((a, b) -> Long.compare(b.length(), a.length()));
        int slices = Math.max(1, Math.min(ordered.size(), jsc.defaultParallelism() * 4));
        Map<String, RawFormat> fmt = Map.copyOf(formats);
        JavaRDD<Row> rows = jsc.parallelize(ordered, slices)
                .flatMap(f -> new FileLines(f, fmt.get(f.feed()), maxLineBytes, conf.get()));
        return spark.createDataFrame(rows, SCHEMA);
    }

    /** Streams one file's lines as rows. */
    static final class FileLines implements Iterator<Row> {
        private final RawFile file;
        private final RawFormat format;
        private final LineSplitter lines;
        private final CharsetDecoder decoder;
        private final boolean utf8;
        private final scala.collection.immutable.Map<String, String> attrs;
        private long lineNumber;
        private Row next;
        private boolean headerSeen;
        private int headerFields;
        private int[] columnIndex; // reader column -> header position, -1 if absent
        private boolean done;

        FileLines(RawFile file, RawFormat format, int maxLineBytes, Configuration conf) {
            this.file = file;
            this.format = format;
            Charset cs = Charset.forName(file.encoding());
            this.utf8 = cs.equals(StandardCharsets.UTF_8);
            this.decoder = cs.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            this.attrs = toScala(file.attributes());
            try {
                Path path = new Path(file.uri());
                FileSystem fs = path.getFileSystem(conf);
                this.lines = new LineSplitter(decompressed(fs.open(path), path, file, conf), maxLineBytes);
            } catch (IOException | RuntimeException e) {
                throw new UncheckedIOException(
                        "cannot open " + file.relativePath() + ": " + e.getMessage(),
                        e instanceof IOException io ? io : new IOException(e));
            }
        }

        /**
         * The file's bytes, decompressed as they stream when its suffix names a codec: zstd in Java
         * (zstd-jni, which Spark ships; Hadoop's codec needs its native library), the others by
         * Hadoop's codecs. A 0-byte file is no lines whatever its suffix, as exporters write one
         * for a day with no data.
         */
        private static InputStream decompressed(InputStream in, Path path, RawFile file, Configuration conf)
                throws IOException {
            if (file.length() == 0) {
                return in;
            }
            String name = path.getName().toLowerCase(Locale.ROOT);
            if (name.endsWith(".zst")) {
                return new com.github.luben.zstd.ZstdInputStream(in);
            }
            CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(path);
            return codec == null ? in : codec.createInputStream(in);
        }

        private static scala.collection.immutable.Map<String, String> toScala(Map<String, String> m) {
            return scala.collection.immutable.Map.from(CollectionConverters.asScala(m));
        }

        @Override
        public boolean hasNext() {
            while (next == null && !done) {
                next = advance();
            }
            return next != null;
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Row r = next;
            next = null;
            return r;
        }

        /** The next row, or null for a line that yields none (blank, header); sets done at EOF. */
        private Row advance() {
            byte[] bytes;
            try {
                bytes = lines.nextLine();
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot read " + file.relativePath() + " at line " + (lineNumber + 1) + ": " + e.getMessage(),
                        e);
            }
            if (bytes == null) {
                done = true;
                lines.closeQuietly();
                return null;
            }
            lineNumber++;
            if (lines.lastLineTooLong()) {
                if (format.kind() == RawFormat.Kind.CSV && !headerSeen) {
                    return fileError(
                            "header line is longer than " + lines.maxLineBytes()
                                    + " bytes (trueroi.ingest.max-line-bytes)",
                            lenient(bytes));
                }
                return error(
                        LINE_TOO_LONG,
                        "line is longer than " + lines.maxLineBytes() + " bytes (trueroi.ingest.max-line-bytes)",
                        lenient(bytes));
            }
            int offset = 0;
            if (lineNumber == 1
                    && utf8
                    && bytes.length >= 3
                    && (bytes[0] & 0xff) == 0xEF
                    && (bytes[1] & 0xff) == 0xBB
                    && (bytes[2] & 0xff) == 0xBF) {
                offset = 3;
            }
            String text;
            try {
                text = decoder.reset()
                        .decode(ByteBuffer.wrap(bytes, offset, bytes.length - offset))
                        .toString();
            } catch (CharacterCodingException e) {
                if (format.kind() == RawFormat.Kind.CSV && !headerSeen) {
                    // Without its header no line of the file can be read; the next line is not one.
                    return fileError("header line is not valid " + file.encoding(), lenient(bytes));
                }
                return error(BAD_ENCODING, "line is not valid " + file.encoding(), lenient(bytes));
            }
            if (text.isBlank()) {
                return null;
            }
            return textRow(text);
        }

        /** A decoded, non-blank line's row: an error for a control character, else its JSON or CSV row. */
        private Row textRow(String text) {
            int control = headerSeen || format.kind() == RawFormat.Kind.JSON_LINES ? controlCharacter(text, false) : -1;
            if (control >= 0) {
                // A NUL in an id would key a record no other source can match.
                return error(
                        CONTROL_CHARACTER,
                        String.format(
                                "line holds control character U+%04X at character %d",
                                (int) text.charAt(control), control + 1),
                        snippet(text));
            }
            if (format.kind() == RawFormat.Kind.JSON_LINES) {
                int after = afterFirstValue(text);
                if (after >= 0) {
                    // from_json would read the first object and drop the rest without a word.
                    return error(
                            MALFORMED_JSON,
                            "content after the JSON object, from character " + (after + 1) + ": '"
                                    + snippet(text.substring(after).strip()) + "'",
                            snippet(text));
                }
                return row(text, null, null, null);
            }
            return csvRow(text);
        }

        /** A CSV line: the header (sets the columns' positions), a row of the reader's columns, or an error. */
        private Row csvRow(String text) {
            List<String> fields;
            try {
                fields = CsvLine.split(text);
            } catch (CsvLine.MalformedCsv e) {
                if (!headerSeen) {
                    return fileError("header line is not valid CSV: " + e.getMessage(), snippet(text));
                }
                return error(MALFORMED_CSV, e.getMessage(), snippet(text));
            }
            if (!headerSeen) {
                headerSeen = true;
                int control = controlCharacter(text, true);
                if (control >= 0) {
                    // Lines ended by a character this reader does not split on would all sit in the
                    // header, their rows never read: the file fails rather than pass empty.
                    return fileError(
                            String.format(
                                    "header line holds control character U+%04X at character %d: the file's lines"
                                            + " must end with LF, CR LF or CR",
                                    (int) text.charAt(control), control + 1),
                            snippet(text));
                }
                return readHeader(fields, text);
            }
            if (fields.size() != headerFields) {
                return error(
                        FIELD_COUNT,
                        "expected " + headerFields + " fields as in the header, found " + fields.size(),
                        snippet(text));
            }
            String[] ordered = new String[columnIndex.length];
            for (int i = 0; i < columnIndex.length; i++) {
                ordered[i] = columnIndex[i] < 0 ? null : fields.get(columnIndex[i]);
            }
            return row(
                    text,
                    CollectionConverters.asScala(java.util.Arrays.asList(ordered))
                            .toSeq(),
                    null,
                    null);
        }

        /**
         * Where non-blank text starts after the line's first JSON object or array closes, or -1
         * when nothing follows it (or it never closes, which the reader's JSON parsing rejects).
         * One pass over the characters, counting brackets outside strings; the parser validates
         * the rest.
         */
        static int afterFirstValue(String text) {
            int depth = 0;
            boolean inString = false;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (inString) {
                    if (c == '\\') {
                        i++;
                    } else if (c == '"') {
                        inString = false;
                    }
                } else if (c == '"') {
                    inString = true;
                } else if (c == '{' || c == '[') {
                    depth++;
                } else if (c == '}' || c == ']') {
                    depth--;
                    if (depth == 0) {
                        for (int j = i + 1; j < text.length(); j++) {
                            if (!Character.isWhitespace(text.charAt(j))) {
                                return j;
                            }
                        }
                        return -1;
                    }
                }
            }
            return -1;
        }

        /**
         * The index of the first C0 control character other than tab, or DEL, or -1; with
         * {@code lineEnds}, also the Unicode line ends (NEL, line and paragraph separators), which
         * may end a header's lines but are text inside a data line's values.
         */
        private static int controlCharacter(String text, boolean lineEnds) {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if ((c < 0x20 && c != '\t') || c == 0x7f || (lineEnds && (c == 0x85 || c == 0x2028 || c == 0x2029))) {
                    return i;
                }
            }
            return -1;
        }

        private Row readHeader(List<String> header, String text) {
            headerFields = header.size();
            Map<String, Integer> position = new HashMap<>();
            Map<String, Integer> repeated = new HashMap<>();
            for (int i = 0; i < header.size(); i++) {
                String name = header.get(i).trim().toLowerCase(Locale.ROOT);
                if (position.putIfAbsent(name, i) != null) {
                    repeated.putIfAbsent(name, i);
                }
            }
            List<CsvColumn> columns = format.columns();
            columnIndex = new int[columns.size()];
            List<String> missing = new ArrayList<>();
            for (int c = 0; c < columns.size(); c++) {
                CsvColumn column = columns.get(c);
                List<String> names = new ArrayList<>();
                names.add(column.name());
                names.addAll(format.headerAliases().getOrDefault(column.name(), List.of()));
                columnIndex[c] = -1;
                for (String name : names) {
                    String key = name.trim().toLowerCase(Locale.ROOT);
                    Integer at = position.get(key);
                    if (at != null && repeated.containsKey(key)) {
                        // Which of the two holds the values is anyone's guess: the file fails.
                        return fileError(
                                "header names column '" + header.get(at).trim() + "' twice (fields " + (at + 1)
                                        + " and " + (repeated.get(key) + 1) + "), and " + column.name()
                                        + " is read from it",
                                snippet(text));
                    }
                    if (at != null) {
                        columnIndex[c] = at;
                        break;
                    }
                }
                if (columnIndex[c] < 0 && column.required()) {
                    missing.add(column.name() + " (accepted header names: " + String.join(", ", names) + ")");
                }
            }
            if (!missing.isEmpty()) {
                return fileError("header has no column for required " + String.join("; ", missing), snippet(text));
            }
            return unpaired(header, text);
        }

        /** A file error when a column is in the header without the column it needs, else null. */
        private Row unpaired(List<String> header, String text) {
            List<CsvColumn> columns = format.columns();
            for (int c = 0; c < columns.size(); c++) {
                CsvColumn column = columns.get(c);
                if (column.needs() == null || columnIndex[c] < 0) {
                    continue;
                }
                for (int o = 0; o < columns.size(); o++) {
                    if (columns.get(o).name().equals(column.needs()) && columnIndex[o] < 0) {
                        return fileError(
                                "header has column '"
                                        + header.get(columnIndex[c]).trim() + "' (" + column.name()
                                        + ") but no column for " + column.needs()
                                        + ", which its values are counted against",
                                snippet(text));
                    }
                }
            }
            return null;
        }

        private String lenient(byte[] bytes) {
            int n = Math.min(bytes.length, SNIPPET_CHARS * 4);
            return snippet(new String(bytes, 0, n, Charset.forName(file.encoding())));
        }

        private static String snippet(String s) {
            return s.length() <= SNIPPET_CHARS ? s : s.substring(0, SNIPPET_CHARS);
        }

        /** A file-level error (MISSING_COLUMN): no further line of the file is read; the job fails on it. */
        private Row fileError(String detail, String line) {
            done = true;
            return error(MISSING_COLUMN, detail, line);
        }

        private Row error(String code, String detail, String line) {
            return row(line, null, code, detail);
        }

        private Row row(String line, scala.collection.immutable.Seq<String> fields, String code, String detail) {
            return RowFactory.create(
                    file.feed(), file.dt(), file.relativePath(), lineNumber, line, fields, attrs, code, detail);
        }
    }

    /**
     * Splits a byte stream into lines ended by LF, CR LF or a lone CR (classic Mac and some Excel
     * exports), never holding more than maxLineBytes of one line: the rest of an oversized line is
     * skipped.
     */
    static final class LineSplitter {
        private final InputStream in;
        private final int maxLineBytes;
        private final byte[] buf = new byte[1 << 16];
        private int pos;
        private int limit;
        private boolean eof;
        private boolean tooLong;
        /** The last line ended with CR: an LF right after it belongs to that line end. */
        private boolean afterCr;

        private byte[] line = new byte[256];

        LineSplitter(InputStream in, int maxLineBytes) {
            this.in = in;
            this.maxLineBytes = maxLineBytes;
        }

        int maxLineBytes() {
            return maxLineBytes;
        }

        boolean lastLineTooLong() {
            return tooLong;
        }

        /** The next line's bytes (at most maxLineBytes of it), or null at end of stream. */
        byte[] nextLine() throws IOException {
            int len = 0;
            tooLong = false;
            boolean any = false;
            while (true) {
                if (pos == limit) {
                    if (eof || !fill()) {
                        if (!any) {
                            return null;
                        }
                        break;
                    }
                }
                if (afterCr) {
                    afterCr = false;
                    if (buf[pos] == '\n') {
                        pos++;
                        continue;
                    }
                }
                any = true;
                int start = pos;
                while (pos < limit && buf[pos] != '\n' && buf[pos] != '\r') {
                    pos++;
                }
                int chunk = pos - start;
                if (!tooLong) {
                    if (len + chunk > maxLineBytes) {
                        int keep = maxLineBytes - len;
                        append(start, keep, len);
                        len += keep;
                        tooLong = true;
                    } else {
                        append(start, chunk, len);
                        len += chunk;
                    }
                }
                if (pos < limit) { // at the line end
                    afterCr = buf[pos] == '\r';
                    pos++;
                    break;
                }
            }
            byte[] out = new byte[len];
            System.arraycopy(line, 0, out, 0, len);
            return out;
        }

        private void append(int start, int n, int at) {
            if (at + n > line.length) {
                byte[] bigger = new byte[Math.max(line.length * 2, at + n)];
                System.arraycopy(line, 0, bigger, 0, at);
                line = bigger;
            }
            System.arraycopy(buf, start, line, at, n);
        }

        private boolean fill() throws IOException {
            int n = in.read(buf, 0, buf.length);
            if (n <= 0) {
                eof = true;
                return false;
            }
            pos = 0;
            limit = n;
            return true;
        }

        void closeQuietly() {
            try {
                in.close();
            } catch (IOException e) {
                // read to the end already; nothing to lose
            }
        }
    }

    /** Hadoop's Configuration is Writable but not Serializable; this ships it to executors. */
    static final class HadoopConf implements Serializable {
        private static final long serialVersionUID = 1L;
        private transient Configuration conf;

        HadoopConf(Configuration conf) {
            this.conf = conf;
        }

        Configuration get() {
            return conf;
        }

        private void writeObject(ObjectOutputStream out) throws IOException {
            out.defaultWriteObject();
            conf.write(out);
        }

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            conf = new Configuration(false);
            conf.readFields(in);
        }
    }
}
