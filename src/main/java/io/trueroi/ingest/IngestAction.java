package io.trueroi.ingest;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import io.trueroi.catalog.Table;
import io.trueroi.config.IngestSettings.FeedSettings;
import io.trueroi.config.IngestSettings.FileRule;
import io.trueroi.config.TrueRoiConfig;
import io.trueroi.ops.JobFailure;
import io.trueroi.ops.RunContext;
import io.trueroi.ops.SourceStats;
import io.trueroi.ops.StageAction;
import io.trueroi.ops.StageResult;
import io.trueroi.ops.TableWritten;
import io.trueroi.spark.Persisted;
import io.trueroi.spark.Warehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingests the raw exports of a date range into the silver tables, in one pass over the files.
 *
 * <p>Steps: list {@code <raw-root>/<feed>/dt=D/} for every date (a missing folder fails the run);
 * per feed, frame its files into lines ({@link RawLines}, one task per file, no shuffle) and let
 * its {@link SourceReader} type and check them; fail if any file lacks a required column or a
 * table's reject rate exceeds {@code trueroi.ingest.max-reject-rate}; only then write. Each silver
 * table is deduplicated on its natural key (one shuffle per table; the last line of a delivery
 * wins) and its dates are replaced in one Delta transaction, so re-running a range leaves the
 * tables exactly as one run does. Rejected lines go to {@code quarantine.rejected_records} (also
 * replaced for the range and sources), with phones and emails redacted from the raw text.
 *
 * <p>Cost: each feed's files are read and parsed once into a cache (memory, spilling to disk;
 * good rows without their raw text); one aggregation per feed for the counts; one shuffle per
 * table for deduplication. The rows kept come from the write's Delta commit metrics, not a scan.
 */
public final class IngestAction extends StageAction<IngestAction.Result> {
    /** The stage, and the job that runs it alone. */
    public static final String NAME = "ingest";

    private static final Logger LOG = LoggerFactory.getLogger("io.trueroi");
    /** Rejected lines kept per failure message. */
    static final int EXAMPLES = 3;

    private Set<String> sources = Readers.groups();

    public IngestAction(TrueRoiConfig config, Warehouse warehouse, RunContext run) {
        super(NAME, config, warehouse, run);
    }

    /** Restricts the run to these source groups (wechat, ecommerce, pos, ads); default all. */
    public IngestAction sources(Set<String> groups) {
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("sources must not be empty, cannot be: " + groups);
        }
        Readers.ofGroups(groups);
        this.sources = Set.copyOf(groups);
        return this;
    }

    /**
     * What the run ingested: per source table, and in all the lines quarantined and the rows
     * dropped as duplicates of a kept row.
     */
    public record Result(List<SourceStats> sources, long rowsQuarantined, long rowsDuplicate, List<TableWritten> tables)
            implements StageResult {
        @Override
        public Map<String, Long> counters() {
            Map<String, Long> c = new LinkedHashMap<>();
            c.put("rows_duplicate", rowsDuplicate);
            c.put("rows_quarantined", rowsQuarantined);
            return c;
        }

        @Override
        public Map<String, Long> setAside() {
            Map<String, Long> c = new LinkedHashMap<>();
            c.put("rows_quarantined", rowsQuarantined);
            c.put("rows_duplicate", rowsDuplicate);
            return c;
        }
    }

    @Override
    public Result execute() {
        List<SourceReader> readers = Readers.ofGroups(sources);
        ReaderContext context = new ReaderContext(
                config.ingest(),
                config.businessTimeZone(),
                new Pii(config.hashKey(), config.ingest().defaultPhoneRegion()));
        List<RawFile> files = step("list raw files " + run.dates(), () -> listFiles(readers));
        Map<SourceReader, Parsed> parsed = new LinkedHashMap<>();
        try (Persisted cached = new Persisted()) {
            // Pass 1, per feed: frame and parse its files once into a cache, and count from it.
            for (SourceReader r : readers) {
                parsed.put(r, parse(r, files, context, cached));
            }
            // Nothing is written unless every file has its columns and every feed is under the reject limit.
            parsed.values().stream().filter(p -> p.counts().fileErrors() > 0).forEach(p -> failOnFileErrors(p.rows()));
            parsed.forEach(this::checkRejectRate);
            // Pass 2: each table's rows, deduplicated, replace its dates; then the quarantine.
            List<SourceStats> stats = new ArrayList<>();
            List<TableWritten> tables = new ArrayList<>();
            parsed.forEach((r, p) -> {
                SourceStats st = writeSilver(r, p);
                stats.add(st);
                tables.add(written(r.table(), st.rowsWritten()));
            });
            step("write " + Table.REJECTED_RECORDS, () -> writeQuarantine(parsed));
            long quarantined =
                    stats.stream().mapToLong(SourceStats::rowsQuarantined).sum();
            tables.add(written(Table.REJECTED_RECORDS, quarantined));
            return new Result(
                    List.copyOf(stats),
                    quarantined,
                    stats.stream().mapToLong(SourceStats::rowsDuplicate).sum(),
                    List.copyOf(tables));
        }
    }

    /** One feed's parsed lines (rejected rows keep their raw line, good rows do not) and their counts. */
    private record Parsed(Dataset<Row> rows, FeedCounts counts, long files) {}

    private Parsed parse(SourceReader r, List<RawFile> files, ReaderContext context, Persisted cached) {
        List<RawFile> own = files.stream()
                .filter(f -> f.feed().equals(r.table().tableName()))
                .toList();
        Dataset<Row> typed = cached.keep(r.parse(
                RawLines.read(
                        spark(),
                        own,
                        Map.of(r.table().tableName(), format(r)),
                        config.ingest().maxLineBytes()),
                context));
        FeedCounts counts =
                step("read and check " + own.size() + " files of " + r.table().tableName(), () -> countFeed(typed));
        return new Parsed(typed, counts, own.size());
    }

    private SourceStats writeSilver(SourceReader r, Parsed p) {
        long kept = step("write " + r.table(), () -> {
            warehouse.replace(deduplicate(r, p.rows()), r.table(), run.dtPredicate(), List.of("dt"));
            return warehouse.lastCommitOutputRows(r.table());
        });
        FeedCounts c = p.counts();
        SourceStats st = new SourceStats(
                r.sourceGroup(),
                r.table().tableName(),
                p.files(),
                c.lines(),
                kept,
                c.quarantined(),
                c.goodRows() - kept);
        LOG.info(
                "ingest: {}: {} lines in {} files -> {} rows, {} quarantined, {} duplicates",
                r.table().tableName(),
                st.rowsRead(),
                p.files(),
                kept,
                st.rowsQuarantined(),
                st.rowsDuplicate());
        return st;
    }

    private RawFormat format(SourceReader r) {
        FeedSettings feed = config.ingest().feed(r.table().tableName());
        return r.csvColumns().isEmpty() ? RawFormat.jsonLines() : RawFormat.csv(r.csvColumns(), feed.headerAliases());
    }

    // ----------------------------------------------------------------------------------------------

    private List<RawFile> listFiles(List<SourceReader> readers) {
        List<RawFile> out = new ArrayList<>();
        String root = config.rawRoot().endsWith("/") ? config.rawRoot() : config.rawRoot() + "/";
        try {
            Path rootPath = new Path(root);
            FileSystem fs = rootPath.getFileSystem(spark().sparkContext().hadoopConfiguration());
            CompressionCodecFactory codecs =
                    new CompressionCodecFactory(spark().sparkContext().hadoopConfiguration());
            for (SourceReader r : readers) {
                for (LocalDate d = run.from(); !d.isAfter(run.to()); d = d.plusDays(1)) {
                    out.addAll(listFolder(fs, codecs, root, r, d));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("ingest: cannot list raw exports under " + root + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** The files of one feed's {@code dt=} folder, in name order, each with the first file rule it matches. */
    private List<RawFile> listFolder(
            FileSystem fs, CompressionCodecFactory codecs, String root, SourceReader r, LocalDate d)
            throws IOException {
        FeedSettings feed = config.ingest().feed(r.table().tableName());
        String rel = feed.path() + "/dt=" + d;
        Path dir = new Path(root + rel);
        if (!fs.exists(dir)) {
            throw new JobFailure(
                    "ingest: missing folder " + dir + " for " + r.table().tableName() + " on " + d
                            + " (every date needs a folder, empty if the source had no data)");
        }
        FileStatus[] listed = fs.listStatus(dir);
        Arrays.sort(
                listed, (a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
        List<RawFile> out = new ArrayList<>();
        for (FileStatus st : listed) {
            String name = st.getPath().getName();
            if (name.startsWith(".") || name.startsWith("_")) {
                continue; // _SUCCESS markers, .crc files, _temporary folders
            }
            if (st.isDirectory()) {
                throw new JobFailure("ingest: unexpected folder " + rel + "/" + name
                        + " (files must be directly in the dt= folder; nothing below it is read)");
            }
            // Globs match the name without a compression suffix: tmall_*.csv matches tmall_1.csv.gz.
            String plain = CompressionCodecFactory.removeSuffix(name, codecSuffix(codecs, st.getPath()));
            FileRule rule = feed.files().stream()
                    .filter(f -> FileSystems.getDefault()
                            .getPathMatcher("glob:" + f.glob())
                            .matches(Paths.get(plain)))
                    .findFirst()
                    .orElseThrow(() -> new JobFailure("ingest: file " + rel + "/" + name
                            + " matches no rule in trueroi.ingest.feeds."
                            + r.table().tableName() + ".files "
                            + feed.files().stream().map(FileRule::glob).toList()));
            out.add(new RawFile(
                    r.table().tableName(),
                    st.getPath().toString(),
                    rel + "/" + name,
                    d.toString(),
                    rule.encoding(),
                    rule.attributes(),
                    st.getLen()));
        }
        return out;
    }

    private static String codecSuffix(CompressionCodecFactory codecs, Path path) {
        CompressionCodec codec = codecs.getCodec(path);
        return codec == null ? "" : codec.getDefaultExtension();
    }

    private static void failOnFileErrors(Dataset<Row> typed) {
        List<Row> errors = typed.filter(col(SourceReader.REJECT_CODE).equalTo(RawLines.MISSING_COLUMN))
                .select("source_file", SourceReader.REJECT_DETAIL)
                .limit(EXAMPLES)
                .collectAsList();
        if (!errors.isEmpty()) {
            String what = errors.stream()
                    .map(e -> e.getString(0) + ": " + e.getString(1))
                    .collect(Collectors.joining("; "));
            throw new JobFailure("ingest: " + what);
        }
    }

    /**
     * What pass 1 found in one feed. A file missing a column is a file error, not a line: it is
     * counted apart and fails the run. Good rows less the rows the write kept are the duplicates.
     */
    record FeedCounts(long lines, long quarantined, long fileErrors, long goodRows) {}

    private static FeedCounts countFeed(Dataset<Row> typed) {
        Column fileError = coalesce(col(SourceReader.REJECT_CODE).equalTo(RawLines.MISSING_COLUMN), lit(false));
        Column lineStart = col(SourceReader.LINE_START).and(fileError.unary_$bang());
        Column rejected = col(SourceReader.REJECT_CODE).isNotNull().and(fileError.unary_$bang());
        Row c = typed.agg(
                        count(when(lineStart, 1)),
                        // A line that gives several rows is quarantined once, whichever of its rows failed.
                        count_distinct(when(rejected, struct(col("source_file"), col("source_line")))),
                        count(when(fileError, 1)),
                        count(when(col(SourceReader.REJECT_CODE).isNull(), 1)))
                .first();
        return new FeedCounts(c.getLong(0), c.getLong(1), c.getLong(2), c.getLong(3));
    }

    private void checkRejectRate(SourceReader r, Parsed p) {
        FeedCounts counts = p.counts();
        Dataset<Row> typed = p.rows();
        long lines = counts.lines();
        long quarantined = counts.quarantined();
        double rate = lines == 0 ? 0 : (double) quarantined / lines;
        if (rate > config.ingest().maxRejectRate()) {
            throw new JobFailure(String.format(
                    "ingest: %s rejected %d of %d lines (%.1f%%), over trueroi.ingest.max-reject-rate %.1f%%; first: %s",
                    r.table().tableName(),
                    quarantined,
                    lines,
                    rate * 100,
                    config.ingest().maxRejectRate() * 100,
                    examples(typed)));
        }
    }

    private static String examples(Dataset<Row> typed) {
        List<Row> rows = quarantineRows(typed, null)
                .select("source_file", "source_line", "reason")
                .limit(EXAMPLES)
                .collectAsList();
        return rows.stream()
                .map(x -> x.getString(0) + " line " + x.getLong(1) + ": " + x.getString(2))
                .collect(Collectors.joining("; "));
    }

    private static Dataset<Row> deduplicate(SourceReader r, Dataset<Row> typed) {
        List<Column> key = new ArrayList<>();
        key.add(col("dt"));
        r.table().naturalKey().forEach(c -> key.add(col(c)));
        Dataset<Row> good = typed.filter(col(SourceReader.REJECT_CODE).isNull())
                .drop(
                        SourceReader.REJECT_CODE,
                        SourceReader.REJECT_DETAIL,
                        SourceReader.RAW_LINE,
                        SourceReader.LINE_START);
        // One shuffle, by delivery date: it clusters each (dt, key) for the window and leaves one
        // writer per date, so each partition gets one file instead of one per shuffle partition.
        // Within one delivery the later line wins (files sort in delivery order in every source we
        // read, and a re-delivered file repeats rows exactly).
        return good.repartition(col("dt"))
                .withColumn(
                        "_rn",
                        row_number()
                                .over(Window.partitionBy(key.toArray(new Column[0]))
                                        .orderBy(
                                                col("source_file").desc(),
                                                col("source_line").desc())))
                .filter(col("_rn").equalTo(1))
                .drop("_rn");
    }

    /** Quarantine rows for one feed: framing rejects and reader rejects, one row per line. */
    private static Dataset<Row> quarantineRows(Dataset<Row> typed, String runId) {
        return typed.filter(col(SourceReader.REJECT_CODE)
                        .isNotNull()
                        .and(col(SourceReader.REJECT_CODE).notEqual(RawLines.MISSING_COLUMN)))
                // A line that explodes to several rows (WeCom follow_user) is one quarantine record.
                .dropDuplicates("source_file", "source_line")
                .select(
                        lit(runId).cast("string").as("run_id"),
                        col("dt"),
                        col("source_file"),
                        col("source_line"),
                        Pii.redact(col(SourceReader.RAW_LINE)).as("raw_line"),
                        col(SourceReader.REJECT_CODE).as("reason_code"),
                        concat_ws(": ", col(SourceReader.REJECT_CODE), col(SourceReader.REJECT_DETAIL))
                                .as("reason"));
    }

    private void writeQuarantine(Map<SourceReader, Parsed> parsed) {
        Dataset<Row> all = null;
        for (Map.Entry<SourceReader, Parsed> e : parsed.entrySet()) {
            SourceReader r = e.getKey();
            Dataset<Row> q = quarantineRows(e.getValue().rows(), run.runId())
                    .withColumn("source", lit(r.table().tableName()))
                    .withColumn("source_group", lit(r.sourceGroup()));
            all = all == null ? q : all.unionByName(q);
        }
        String tables = parsed.keySet().stream()
                .map(r -> "'" + r.table().tableName() + "'")
                .collect(Collectors.joining(", "));
        warehouse.replace(
                all.select(
                        "run_id",
                        "source_group",
                        "source",
                        "dt",
                        "source_file",
                        "source_line",
                        "raw_line",
                        "reason_code",
                        "reason"),
                Table.REJECTED_RECORDS,
                run.dtPredicate() + " AND source IN (" + tables + ")",
                List.of("source", "dt"));
    }
}
