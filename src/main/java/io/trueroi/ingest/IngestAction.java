package io.trueroi.ingest;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_arrays;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.trueroi.catalog.Stage;
import io.trueroi.catalog.Table;
import io.trueroi.config.IngestSettings.FeedSettings;
import io.trueroi.config.TrueRoiConfig;
import io.trueroi.ops.JobFailure;
import io.trueroi.ops.RunContext;
import io.trueroi.ops.SourceStats;
import io.trueroi.ops.StageAction;
import io.trueroi.ops.StageResult;
import io.trueroi.ops.TableWritten;
import io.trueroi.spark.Persisted;
import io.trueroi.spark.Warehouse;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingests the raw exports not read yet into the silver tables, in one pass over the files.
 *
 * <p>Steps: list every feed's {@code dt=} folders up to the run's last date ({@link RawListing}; a
 * missing folder of the run's dates fails the run) and compare them with
 * {@code ops.ingested_files} ({@link Manifest}): only the delivery dates with a new, changed or
 * withdrawn file are read, each whole. Per feed, frame those files into lines ({@link RawLines},
 * one task per file, no shuffle) and let its {@link SourceReader} type and check them; fail if any
 * file lacks a required column or a table's reject rate exceeds
 * {@code trueroi.ingest.max-reject-rate}; only then write. Each silver table is deduplicated on
 * its natural key (one shuffle per table; the last line of a delivery wins) and the dates read are
 * replaced in one Delta transaction, so a night gives the rows one run over every file would.
 * Rejected lines go to {@code quarantine.rejected_records} (replaced for the same dates and
 * sources), with phones and emails redacted from the raw text; the manifest is written last.
 *
 * <p>Cost: each feed's files are read and parsed once into a cache (memory, spilling to disk;
 * good rows without their raw text); one aggregation per feed for the counts; one shuffle per
 * table for deduplication. The rows kept come from the write's Delta commit metrics, not a scan.
 */
public final class IngestAction extends StageAction<IngestAction.Result> {
    private static final Logger LOG = LoggerFactory.getLogger("io.trueroi");
    /** Rejected lines kept per failure message. */
    static final int EXAMPLES = 3;

    private Set<String> sources = Readers.groups();
    private boolean fullRefresh = false;

    public IngestAction(TrueRoiConfig config, Warehouse warehouse, RunContext run) {
        super(Stage.INGEST, config, warehouse, run);
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
     * Reads the run's own dates again whatever {@code ops.ingested_files} says (default false: only
     * dates with a new, changed or withdrawn file are read).
     */
    public IngestAction fullRefresh(boolean fullRefresh) {
        this.fullRefresh = fullRefresh;
        return this;
    }

    /**
     * The silver tables of the groups read, whole, and this run's feeds' rows of the quarantine and
     * the manifest, which every group writes to: a run undoes its own groups' share, never another's.
     */
    @Override
    public Map<Table, String> owned() {
        Map<Table, String> owned = new LinkedHashMap<>();
        List<String> feeds = new ArrayList<>();
        for (SourceReader r : Readers.ofGroups(sources)) {
            owned.put(r.table(), null);
            feeds.add("'" + r.table().tableName() + "'");
        }
        owned.put(Table.REJECTED_RECORDS, "source IN (" + String.join(", ", feeds) + ")");
        owned.put(Table.INGESTED_FILES, "feed IN (" + String.join(", ", feeds) + ")");
        return owned;
    }

    /** What the listing found against the manifest, and how many delivery dates were read. */
    public record FileCounts(
            long newFiles, long changedFiles, long withdrawnFiles, long unchangedFiles, long datesRead) {}

    /**
     * What the run ingested: per source table, in all the lines quarantined and the rows dropped as
     * exact duplicates of a kept row, per table the rows dropped that differed from the row kept
     * (conflicting versions of one record), and the files it found.
     */
    public record Result(
            List<SourceStats> sources,
            long rowsQuarantined,
            long rowsDuplicate,
            Map<String, Long> rowsConflicting,
            FileCounts files,
            List<TableWritten> tables)
            implements StageResult {
        @Override
        public Map<String, Long> counters() {
            Map<String, Long> c = new LinkedHashMap<>();
            c.put("rows_duplicate", rowsDuplicate);
            c.put(
                    "rows_conflicting",
                    rowsConflicting.values().stream().mapToLong(Long::longValue).sum());
            new java.util.TreeMap<>(rowsConflicting).forEach((t, n) -> c.put("rows_conflicting:" + t, n));
            c.put("rows_quarantined", rowsQuarantined);
            c.put("files_new", files.newFiles());
            c.put("files_changed", files.changedFiles());
            c.put("files_withdrawn", files.withdrawnFiles());
            c.put("files_unchanged", files.unchangedFiles());
            c.put("dates_read", files.datesRead());
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

    /** What the run found: the raw files listed and, against the manifest, what to read. */
    private record Found(RawListing.Listed listed, Manifest.Plan plan) {}

    /** Lists the raw files of the readers' feeds and compares them with the manifest. */
    private Found find(List<SourceReader> readers) {
        Set<String> feeds = new LinkedHashSet<>();
        readers.forEach(r -> feeds.add(r.table().tableName()));
        Map<String, Manifest.Entry> manifest =
                step("read " + Table.INGESTED_FILES, () -> Manifest.read(warehouse, feeds));
        Map<String, LocalDate> firstDates = new LinkedHashMap<>();
        feeds.forEach(f -> firstDates.put(f, Manifest.firstDate(manifest, f)));
        RawListing.Listed listed = step("list raw files up to " + run.to(), () -> new RawListing(
                        config.ingest(),
                        config.rawRoot(),
                        spark().sparkContext().hadoopConfiguration())
                .list(List.copyOf(feeds), firstDates, run.from(), run.to()));
        Manifest.Plan plan = step(
                "compare with " + Table.INGESTED_FILES,
                () -> Manifest.plan(
                        spark(),
                        listed.files(),
                        manifest,
                        listed.scope(),
                        forced(feeds),
                        run.runId(),
                        run.startedAt()));
        LOG.info(
                "ingest: {} new, {} changed, {} withdrawn, {} unchanged files; dates to read: {}",
                plan.newFiles(),
                plan.changedFiles(),
                plan.withdrawnFiles(),
                plan.unchangedFiles(),
                plan.dirtyDates());
        return new Found(listed, plan);
    }

    @Override
    public Result execute() {
        List<SourceReader> readers = Readers.ofGroups(sources);
        ReaderContext context = new ReaderContext(
                config.ingest(),
                config.businessTimeZone(),
                new Pii(config.hashKey(), config.ingest().defaultPhoneRegion()));
        Found found = find(readers);
        RawListing.Listed listed = found.listed();
        Manifest.Plan plan = found.plan();
        List<RawFile> files = listed.files().stream().filter(plan::dirty).toList();
        // A feed with nothing new is not read, unless its table does not exist yet (then it is
        // written empty, so the stages after ingest find it).
        List<SourceReader> toRead = readers.stream()
                .filter(r -> plan.dirtyDates().containsKey(r.table().tableName()) || !warehouse.exists(r.table()))
                .toList();
        Map<SourceReader, Parsed> parsed = new LinkedHashMap<>();
        try (Persisted cached = new Persisted()) {
            // Pass 1, per feed: frame and parse its files once into a cache, and count from it.
            for (SourceReader r : toRead) {
                parsed.put(r, parse(r, files, context, cached));
            }
            // Nothing is written unless every file has its columns and every feed is under the reject limit.
            parsed.values().stream().filter(p -> p.counts().fileErrors() > 0).forEach(p -> failOnFileErrors(p.rows()));
            parsed.forEach(this::checkRejectRate);
            // Pass 2: each table's rows, deduplicated, replace its dates; then the quarantine, then
            // the manifest, last, so no file is marked read before its rows are committed.
            List<SourceStats> stats = new ArrayList<>();
            List<TableWritten> tables = new ArrayList<>();
            Map<String, Long> conflicting = new LinkedHashMap<>();
            parsed.forEach((r, p) -> {
                Written wr = writeSilver(r, p, plan);
                SourceStats st = wr.stats();
                stats.add(st);
                conflicting.put(r.table().tableName(), wr.conflicting());
                tables.add(written(r.table(), st.rowsWritten()));
            });
            long quarantined =
                    stats.stream().mapToLong(SourceStats::rowsQuarantined).sum();
            if (!parsed.isEmpty() && (!plan.dirtyDates().isEmpty() || !warehouse.exists(Table.REJECTED_RECORDS))) {
                step("write " + Table.REJECTED_RECORDS, () -> writeQuarantine(parsed, plan));
                tables.add(written(Table.REJECTED_RECORDS, quarantined));
            }
            step("write " + Table.INGESTED_FILES, () -> Manifest.write(warehouse, plan));
            return new Result(
                    List.copyOf(stats),
                    quarantined,
                    stats.stream().mapToLong(SourceStats::rowsDuplicate).sum(),
                    Map.copyOf(conflicting),
                    new FileCounts(
                            plan.newFiles(),
                            plan.changedFiles(),
                            plan.withdrawnFiles(),
                            plan.unchangedFiles(),
                            plan.dirtyDates().values().stream()
                                    .mapToLong(Set::size)
                                    .sum()),
                    List.copyOf(tables));
        }
    }

    /** The dates read again whatever the manifest says: the run's own, under {@link #fullRefresh}. */
    private Map<String, Set<LocalDate>> forced(Set<String> feeds) {
        Map<String, Set<LocalDate>> out = new LinkedHashMap<>();
        if (fullRefresh) {
            Set<LocalDate> dates = new TreeSet<>();
            for (LocalDate d = run.from(); !d.isAfter(run.to()); d = d.plusDays(1)) {
                dates.add(d);
            }
            feeds.forEach(f -> out.put(f, dates));
        }
        return out;
    }

    /** One feed's parsed lines (rejected rows keep their raw line, good rows do not) and their counts. */
    private record Parsed(Dataset<Row> rows, FeedCounts counts, long files, Column deliveryRank) {}

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
        return new Parsed(typed, counts, own.size(), deliveryRank(own));
    }

    /**
     * Each file's place in {@link RawFile#DELIVERY_ORDER}, as a column of the row's source_file (a
     * map literal: a night's files of one feed are few).
     */
    private static Column deliveryRank(List<RawFile> files) {
        List<RawFile> ordered = new ArrayList<>(files);
        ordered.sort(RawFile.DELIVERY_ORDER);
        String[] paths = new String[ordered.size()];
        Integer[] ranks = new Integer[ordered.size()];
        for (int i = 0; i < paths.length; i++) {
            paths[i] = ordered.get(i).relativePath();
            ranks[i] = i;
        }
        return element_at(map_from_arrays(lit(paths), lit(ranks)), col("source_file"));
    }

    /** A silver table's write: its stats, and the rows dropped that differed from the row kept. */
    private record Written(SourceStats stats, long conflicting) {}

    private Written writeSilver(SourceReader r, Parsed p, Manifest.Plan plan) {
        String feed = r.table().tableName();
        String dates = Manifest.datesIn(plan.dirtyDates().getOrDefault(feed, Set.of()));
        long kept = step("write " + r.table(), () -> {
            long before = warehouse.version(r.table());
            warehouse.replace(deduplicate(r, p), r.table(), dates, List.of("dt"));
            return warehouse.rowsWrittenSince(r.table(), before);
        });
        FeedCounts c = p.counts();
        long dropped = c.goodRows() - kept;
        // Most nights drop nothing, and then nothing conflicts: the count costs a pass only when
        // some rows were dropped.
        long conflicting = dropped == 0 ? 0 : step("count conflicts in " + r.table(), () -> conflicts(r, p));
        SourceStats st = new SourceStats(
                r.sourceGroup(),
                r.table().tableName(),
                p.files(),
                c.lines(),
                kept,
                c.quarantined(),
                dropped - conflicting);
        LOG.info(
                "ingest: {}: {} lines in {} files -> {} rows, {} quarantined, {} duplicates, {} conflicting",
                r.table().tableName(),
                st.rowsRead(),
                p.files(),
                kept,
                st.rowsQuarantined(),
                st.rowsDuplicate(),
                conflicting);
        return new Written(st, conflicting);
    }

    private RawFormat format(SourceReader r) {
        FeedSettings feed = config.ingest().feed(r.table().tableName());
        return r.csvColumns().isEmpty() ? RawFormat.jsonLines() : RawFormat.csv(r.csvColumns(), feed.headerAliases());
    }

    // ----------------------------------------------------------------------------------------------

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

    /** The good rows of a parse, without the reject and line columns. */
    private static Dataset<Row> good(Dataset<Row> typed) {
        return typed.filter(col(SourceReader.REJECT_CODE).isNull())
                .drop(
                        SourceReader.REJECT_CODE,
                        SourceReader.REJECT_DETAIL,
                        SourceReader.RAW_LINE,
                        SourceReader.LINE_START);
    }

    /**
     * The rows of one (dt, natural key), latest delivery first ({@link #deliveryRank}, then the
     * later line): the first is the one kept.
     */
    private static WindowSpec latestFirst(SourceReader r, Parsed p) {
        List<Column> key = new ArrayList<>();
        key.add(col("dt"));
        r.table().naturalKey().forEach(c -> key.add(col(c)));
        return Window.partitionBy(key.toArray(new Column[0]))
                .orderBy(p.deliveryRank().desc(), col("source_line").desc());
    }

    private static Dataset<Row> deduplicate(SourceReader r, Parsed p) {
        // One shuffle, by delivery date: it clusters each (dt, key) for the window and leaves one
        // writer per date, so each partition gets one file instead of one per shuffle partition.
        return good(p.rows())
                .repartition(col("dt"))
                .withColumn("_rn", row_number().over(latestFirst(r, p)))
                .filter(col("_rn").equalTo(1))
                .drop("_rn");
    }

    /**
     * Rows dropped whose content (every silver column but the file and line) differs from the row
     * kept for their key: conflicting versions of one record, not repeats of it. One shuffle of
     * the good rows by key.
     */
    private static long conflicts(SourceReader r, Parsed p) {
        Dataset<Row> good = good(p.rows());
        Column[] content = java.util.Arrays.stream(good.columns())
                .filter(c -> !c.equals("source_file") && !c.equals("source_line"))
                .map(c -> col(c))
                .toArray(Column[]::new);
        WindowSpec w = latestFirst(r, p);
        return good.withColumn("_content", xxhash64(content))
                .withColumn("_rn", row_number().over(w))
                .withColumn("_kept", first("_content").over(w))
                .filter(col("_rn").gt(1).and(col("_content").notEqual(col("_kept"))))
                .count();
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
                        Pii.redact(concat_ws(": ", col(SourceReader.REJECT_CODE), col(SourceReader.REJECT_DETAIL)))
                                .as("reason"));
    }

    private void writeQuarantine(Map<SourceReader, Parsed> parsed, Manifest.Plan plan) {
        Dataset<Row> all = null;
        for (Map.Entry<SourceReader, Parsed> e : parsed.entrySet()) {
            SourceReader r = e.getKey();
            Dataset<Row> q = quarantineRows(e.getValue().rows(), run.runId())
                    .withColumn("source", lit(r.table().tableName()))
                    .withColumn("source_group", lit(r.sourceGroup()));
            all = all == null ? q : all.unionByName(q);
        }
        Map<String, Set<LocalDate>> dates = new LinkedHashMap<>();
        parsed.keySet().forEach(r -> {
            Set<LocalDate> d = plan.dirtyDates().get(r.table().tableName());
            if (d != null) {
                dates.put(r.table().tableName(), d);
            }
        });
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
                Manifest.datesPredicate("source", dates),
                List.of("source", "dt"));
    }
}
