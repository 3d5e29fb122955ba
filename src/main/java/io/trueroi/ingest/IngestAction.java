package io.trueroi.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.trueroi.config.TrueRoiConfig;
import io.trueroi.config.TrueRoiConfig.FeedSettings;
import io.trueroi.config.TrueRoiConfig.FileRule;
import io.trueroi.ops.JobFailure;
import io.trueroi.ops.RunContext;
import io.trueroi.ops.SourceStats;
import io.trueroi.spark.JobGroup;
import io.trueroi.spark.Warehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.PathMatcher;
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
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingests the raw exports of a date range into the silver tables, in one pass over the files.
 *
 * <p>Steps: list {@code <raw-root>/<feed>/dt=D/} for every date (a missing folder fails the run);
 * frame every file into lines ({@link RawLines}, one task per file, no shuffle); fail if any file
 * lacks a required column; let each {@link SourceReader} type and check its lines; fail if a
 * table's reject rate exceeds {@code trueroi.ingest.max-reject-rate}; only then write. Each silver
 * table is deduplicated on its natural key (one shuffle per table; the last line of a delivery
 * wins) and its dates are replaced in one Delta transaction, so re-running a range leaves the
 * tables exactly as one run does. Rejected lines go to {@code quarantine.rejected_records} (also
 * replaced for the range and sources), with phones and emails redacted from the raw text.
 *
 * <p>Cost: files are read once and cached (memory, spilling to disk); one small aggregation per
 * table for counts; one shuffle per table for deduplication.
 */
public final class IngestAction {
  private static final Logger LOG = LoggerFactory.getLogger("io.trueroi");
  public static final String SILVER = "silver";
  public static final String QUARANTINE_LAYER = "quarantine";
  public static final String QUARANTINE_TABLE = "rejected_records";
  /** Rejected lines kept per failure message. */
  static final int EXAMPLES = 3;

  private final SparkSession spark;
  private final TrueRoiConfig config;
  private final Warehouse warehouse;
  private final RunContext run;
  private Set<String> sources;

  public IngestAction(SparkSession spark, TrueRoiConfig config, Warehouse warehouse, RunContext run) {
    this.spark = spark;
    this.config = config;
    this.warehouse = warehouse;
    this.run = run;
    this.sources = Readers.groups();
  }

  /** Restricts the run to these source groups (wechat, ecommerce, pos, ads). */
  public IngestAction sources(Set<String> groups) {
    if (groups.isEmpty()) {
      throw new IllegalArgumentException("sources must not be empty, cannot be: " + groups);
    }
    Readers.ofGroups(groups);
    this.sources = Set.copyOf(groups);
    return this;
  }

  public List<SourceStats> execute() {
    String group = run.runId();
    List<SourceReader> readers = Readers.ofGroups(sources);
    ReaderContext context = new ReaderContext(config.ingest(), config.businessTimeZone(),
        new Pii(config.hashKey(), config.ingest().defaultPhoneRegion()));

    List<RawFile> files = JobGroup.run(spark, group, "ingest: list raw files " + run.dates(), () -> listFiles(readers));
    Map<String, RawFormat> formats = new LinkedHashMap<>();
    for (SourceReader r : readers) {
      FeedSettings feed = config.ingest().feed(r.table());
      formats.put(r.table(), r.csvColumns().isEmpty() ? RawFormat.jsonLines()
          : RawFormat.csv(r.csvColumns(), feed.headerAliases()));
    }
    Dataset<Row> lines = RawLines.read(spark, files, formats, config.ingest().maxLineBytes())
        .persist(StorageLevel.MEMORY_AND_DISK());
    List<Dataset<Row>> cached = new ArrayList<>();
    cached.add(lines);
    try {
      JobGroup.run(spark, group, "ingest: read " + files.size() + " files, check headers", () -> failOnFileErrors(lines));
      Map<String, long[]> linesPerFeed = JobGroup.run(spark, group, "ingest: count lines", () -> countLines(lines));

      Map<SourceReader, Dataset<Row>> parsed = new LinkedHashMap<>();
      List<SourceStats> stats = new ArrayList<>();
      for (SourceReader r : readers) {
        Dataset<Row> framed = lines.filter(col("feed").equalTo(r.table()));
        Dataset<Row> typed = r.parse(framed.filter(col("error_code").isNull()), context)
            .persist(StorageLevel.MEMORY_AND_DISK());
        cached.add(typed);
        parsed.put(r, typed);
        long fileCount = files.stream().filter(f -> f.feed().equals(r.table())).count();
        stats.add(JobGroup.run(spark, group, "ingest: check " + r.table(),
            () -> checkFeed(r, framed, typed, fileCount, linesPerFeed.getOrDefault(r.table(), new long[2]))));
      }

      for (Map.Entry<SourceReader, Dataset<Row>> e : parsed.entrySet()) {
        SourceReader r = e.getKey();
        JobGroup.run(spark, group, "ingest: write " + SILVER + "." + r.table(), () ->
            warehouse.replace(deduplicate(r, e.getValue()), SILVER, r.table(), run.dtPredicate(), List.of("dt")));
      }
      JobGroup.run(spark, group, "ingest: write " + QUARANTINE_LAYER + "." + QUARANTINE_TABLE,
          () -> writeQuarantine(readers, lines, parsed));
      return stats;
    } finally {
      cached.forEach(Dataset::unpersist);
    }
  }

  // ----------------------------------------------------------------------------------------------

  private List<RawFile> listFiles(List<SourceReader> readers) {
    List<RawFile> out = new ArrayList<>();
    String root = config.rawRoot().endsWith("/") ? config.rawRoot() : config.rawRoot() + "/";
    try {
      Path rootPath = new Path(root);
      FileSystem fs = rootPath.getFileSystem(spark.sparkContext().hadoopConfiguration());
      CompressionCodecFactory codecs = new CompressionCodecFactory(spark.sparkContext().hadoopConfiguration());
      for (SourceReader r : readers) {
        FeedSettings feed = config.ingest().feed(r.table());
        List<PathMatcher> matchers = feed.files().stream()
            .map(rule -> FileSystems.getDefault().getPathMatcher("glob:" + rule.glob())).toList();
        for (LocalDate d = run.from(); !d.isAfter(run.to()); d = d.plusDays(1)) {
          String rel = feed.path() + "/dt=" + d;
          Path dir = new Path(root + rel);
          if (!fs.exists(dir)) {
            throw new JobFailure("ingest: missing folder " + dir + " for " + r.table() + " on " + d
                + " (every date needs a folder, empty if the source had no data)");
          }
          FileStatus[] listed = fs.listStatus(dir);
          Arrays.sort(listed, (a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
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
            FileRule rule = null;
            for (int i = 0; i < matchers.size(); i++) {
              if (matchers.get(i).matches(Paths.get(plain))) {
                rule = feed.files().get(i);
                break;
              }
            }
            if (rule == null) {
              throw new JobFailure("ingest: file " + rel + "/" + name + " matches no rule in trueroi.ingest.feeds."
                  + r.table() + ".files " + feed.files().stream().map(FileRule::glob).toList());
            }
            out.add(new RawFile(r.table(), st.getPath().toString(), rel + "/" + name, d.toString(), rule.encoding(),
                rule.attributes(), st.getLen()));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("ingest: cannot list raw exports under " + root + ": " + e.getMessage(), e);
    }
    return out;
  }

  private static String codecSuffix(CompressionCodecFactory codecs, Path path) {
    CompressionCodec codec = codecs.getCodec(path);
    return codec == null ? "" : codec.getDefaultExtension();
  }

  private static void failOnFileErrors(Dataset<Row> lines) {
    List<Row> errors = lines.filter(col("error_code").equalTo(RawLines.MISSING_COLUMN))
        .select("source_file", "error_detail").limit(EXAMPLES).collectAsList();
    if (!errors.isEmpty()) {
      String what = errors.stream().map(e -> e.getString(0) + ": " + e.getString(1)).collect(Collectors.joining("; "));
      throw new JobFailure("ingest: " + what);
    }
  }

  /** Per feed: {data lines, lines rejected by framing}. One row per feed reaches the driver. */
  private static Map<String, long[]> countLines(Dataset<Row> lines) {
    Map<String, long[]> out = new LinkedHashMap<>();
    List<Row> rows = lines.filter(col("error_code").isNull().or(col("error_code").notEqual(RawLines.MISSING_COLUMN)))
        .groupBy("feed")
        .agg(count(lit(1)), sum(when(col("error_code").isNotNull(), 1L).otherwise(0L)))
        .collectAsList();
    for (Row row : rows) {
      out.put(row.getString(0), new long[] {row.getLong(1), row.getLong(2)});
    }
    return out;
  }

  private SourceStats checkFeed(SourceReader r, Dataset<Row> framed, Dataset<Row> typed, long files, long[] counts) {
    long lines = counts[0];
    long framingRejects = counts[1];
    Column key = struct(r.naturalKey().stream().map(c -> col(c)).toArray(Column[]::new));
    Row agg = typed.agg(
        count(lit(1)),
        sum(when(col(SourceReader.REJECT_CODE).isNotNull(), 1).otherwise(0)),
        count_distinct(when(col(SourceReader.REJECT_CODE).isNull(), struct(col("dt"), key)))).first();
    long rows = agg.getLong(0);
    long rejected = agg.isNullAt(1) ? 0 : agg.getLong(1);
    long kept = agg.getLong(2);
    long quarantined = framingRejects + rejected;
    double rate = lines == 0 ? 0 : (double) quarantined / lines;
    if (rate > config.ingest().maxRejectRate()) {
      throw new JobFailure(String.format(
          "ingest: %s rejected %d of %d lines (%.1f%%), over trueroi.ingest.max-reject-rate %.1f%%; first: %s",
          r.table(), quarantined, lines, rate * 100, config.ingest().maxRejectRate() * 100,
          examples(framed, typed)));
    }
    SourceStats s = new SourceStats(r.sourceGroup(), r.table(), files, lines, kept, quarantined, rows - rejected - kept);
    LOG.info("ingest: {}: {} lines in {} files -> {} rows, {} quarantined, {} duplicates", r.table(), lines, files, kept,
        quarantined, s.rowsDuplicate());
    return s;
  }

  private static String examples(Dataset<Row> framed, Dataset<Row> typed) {
    List<Row> rows = quarantineRows(framed, typed, null).select("source_file", "source_line", "reason")
        .limit(EXAMPLES).collectAsList();
    return rows.stream().map(x -> x.getString(0) + " line " + x.getLong(1) + ": " + x.getString(2))
        .collect(Collectors.joining("; "));
  }

  private static Dataset<Row> deduplicate(SourceReader r, Dataset<Row> typed) {
    List<Column> key = new ArrayList<>();
    key.add(col("dt"));
    r.naturalKey().forEach(c -> key.add(col(c)));
    Dataset<Row> good = typed.filter(col(SourceReader.REJECT_CODE).isNull())
        .drop(SourceReader.REJECT_CODE, SourceReader.REJECT_DETAIL, SourceReader.RAW_LINE);
    // One shuffle, by delivery date: it clusters each (dt, key) for the window and leaves one
    // writer per date, so each partition gets one file instead of one per shuffle partition.
    // Within one delivery the later line wins (files sort in delivery order in every source we
    // read, and a re-delivered file repeats rows exactly).
    return good.repartition(col("dt"))
        .withColumn("_rn", row_number().over(Window.partitionBy(key.toArray(new Column[0]))
            .orderBy(col("source_file").desc(), col("source_line").desc())))
        .filter(col("_rn").equalTo(1)).drop("_rn");
  }

  /** Quarantine rows for one feed: framing rejects and reader rejects, one schema. */
  private static Dataset<Row> quarantineRows(Dataset<Row> framed, Dataset<Row> typed, String runId) {
    Dataset<Row> framing = framed.filter(col("error_code").isNotNull()).select(
        col("feed").as("source"), col("dt").cast("date").as("dt"), col("source_file"), col("source_line"),
        col("line").as("raw_line"), col("error_code").as("reason_code"), col("error_detail").as("detail"));
    Dataset<Row> reader = typed.filter(col(SourceReader.REJECT_CODE).isNotNull()).select(
        lit(null).cast("string").as("source"), col("dt"), col("source_file"), col("source_line"),
        col(SourceReader.RAW_LINE).as("raw_line"), col(SourceReader.REJECT_CODE).as("reason_code"),
        col(SourceReader.REJECT_DETAIL).as("detail"))
        // A line that explodes to several rows (WeCom follow_user) is one quarantine record.
        .dropDuplicates("source_file", "source_line");
    Dataset<Row> all = framing.unionByName(reader);
    return all.select(
        lit(runId).cast("string").as("run_id"), col("source"), col("dt"), col("source_file"), col("source_line"),
        Pii.redact(col("raw_line")).as("raw_line"), col("reason_code"),
        concat_ws(": ", col("reason_code"), col("detail")).as("reason"));
  }

  private void writeQuarantine(List<SourceReader> readers, Dataset<Row> lines, Map<SourceReader, Dataset<Row>> parsed) {
    Dataset<Row> all = null;
    for (SourceReader r : readers) {
      Dataset<Row> framed = lines.filter(col("feed").equalTo(r.table()));
      Dataset<Row> q = quarantineRows(framed, parsed.get(r), run.runId())
          .withColumn("source", lit(r.table()))
          .withColumn("source_group", lit(r.sourceGroup()));
      all = all == null ? q : all.unionByName(q);
    }
    String tables = readers.stream().map(r -> "'" + r.table() + "'").collect(Collectors.joining(", "));
    warehouse.replace(all.select("run_id", "source_group", "source", "dt", "source_file", "source_line", "raw_line",
            "reason_code", "reason"),
        QUARANTINE_LAYER, QUARANTINE_TABLE, run.dtPredicate() + " AND source IN (" + tables + ")",
        List.of("source", "dt"));
  }
}
