package io.trueroi.ingest;

import static org.apache.spark.sql.functions.col;

import io.trueroi.catalog.Table;
import io.trueroi.spark.Warehouse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * {@code ops.ingested_files}: every raw file ingest has read, with its size, modification time and
 * SHA-256, the delivery date it belongs to and the run that read it. A night compares the listing
 * with it: a file not in it is new, a file whose size or time differs and whose checksum differs
 * has changed, a file it lists that is gone was withdrawn. Each of these makes its delivery date
 * dirty, and a dirty date is read again whole, so the later delivery wins within the date exactly
 * as in a run that read everything. A file whose time changed but not its content is only noted.
 *
 * <p>The manifest is written after the silver tables and the quarantine: a night killed before
 * that reads the same files again, and replaces the same dates with the same rows.
 *
 * <p>Cost: one read of the manifest's rows for the feeds run (one per raw file, as many as the
 * listing itself holds, so it is read to the driver); one Spark job hashing the new or changed
 * files, a task per file; one Delta transaction per run replacing the dirty dates' rows.
 */
final class Manifest {
    static final StructType SCHEMA = new StructType()
            .add("feed", DataTypes.StringType, false)
            .add("dt", DataTypes.DateType, false)
            .add("path", DataTypes.StringType, false)
            .add("size", DataTypes.LongType, false)
            .add("modification_time", DataTypes.TimestampType, false)
            .add("checksum", DataTypes.StringType, false)
            .add("run_id", DataTypes.StringType, false)
            .add("ingested_at", DataTypes.TimestampType, false);

    /** One manifest row: a file as it was when last read. */
    record Entry(
            String feed,
            LocalDate dt,
            String path,
            long size,
            Instant modified,
            String checksum,
            String runId,
            Instant ingestedAt) {
        Row row() {
            return RowFactory.create(
                    feed,
                    Date.valueOf(dt),
                    path,
                    size,
                    Timestamp.from(modified),
                    checksum,
                    runId,
                    Timestamp.from(ingestedAt));
        }
    }

    /** What a night reads: the dirty dates per feed, and the manifest rows that replace theirs. */
    record Plan(
            Map<String, Set<LocalDate>> dirtyDates,
            Map<String, Set<LocalDate>> notedDates,
            List<Entry> entries,
            long newFiles,
            long changedFiles,
            long withdrawnFiles,
            long unchangedFiles) {
        boolean dirty(RawFile f) {
            return dirtyDates.getOrDefault(f.feed(), Set.of()).contains(LocalDate.parse(f.dt()));
        }
    }

    private Manifest() {}

    /** The manifest's rows of these feeds, by relative path; empty before the first run. */
    static Map<String, Entry> read(Warehouse warehouse, Set<String> feeds) {
        Map<String, Entry> out = new LinkedHashMap<>();
        if (!warehouse.exists(Table.INGESTED_FILES)) {
            return out;
        }
        for (Row r : warehouse
                .read(Table.INGESTED_FILES)
                .filter(col("feed").isin(feeds.toArray()))
                .select(Arrays.stream(SCHEMA.fieldNames()).map(c -> col(c)).toArray(Column[]::new))
                .collectAsList()) {
            out.put(
                    r.getString(2),
                    new Entry(
                            r.getString(0),
                            r.getDate(1).toLocalDate(),
                            r.getString(2),
                            r.getLong(3),
                            r.getTimestamp(4).toInstant(),
                            r.getString(5),
                            r.getString(6),
                            r.getTimestamp(7).toInstant()));
        }
        return out;
    }

    /** The earliest delivery date the manifest holds for a feed, or null for a feed never read. */
    static LocalDate firstDate(Map<String, Entry> manifest, String feed) {
        return manifest.values().stream()
                .filter(e -> e.feed().equals(feed))
                .map(Entry::dt)
                .min(LocalDate::compareTo)
                .orElse(null);
    }

    /**
     * Compares the listed files with the manifest. {@code forced} names, per feed, dates read again
     * whatever the manifest says ({@code --full-refresh}); {@code scope} is each feed's first and
     * last listed date, so a manifest row outside it is not taken for a withdrawn file.
     */
    static Plan plan(
            SparkSession spark,
            List<RawFile> listed,
            Map<String, Entry> manifest,
            Map<String, LocalDate[]> scope,
            Map<String, Set<LocalDate>> forced,
            String runId,
            Instant now) {
        List<RawFile> candidates = new ArrayList<>();
        for (RawFile f : listed) {
            Entry e = manifest.get(f.relativePath());
            if (e == null || e.size() != f.length() || !e.modified().equals(modified(f))) {
                candidates.add(f);
            }
        }
        Map<String, String> checksums = checksums(spark, candidates);
        Map<String, Set<LocalDate>> dirty = new TreeMap<>();
        Map<String, Set<LocalDate>> noted = new TreeMap<>();
        forced.forEach((feed, dates) ->
                dirty.computeIfAbsent(feed, k -> new TreeSet<>()).addAll(dates));
        long added = 0;
        long changed = 0;
        for (RawFile f : candidates) {
            Entry e = manifest.get(f.relativePath());
            LocalDate dt = LocalDate.parse(f.dt());
            if (e == null) {
                added++;
                dirty.computeIfAbsent(f.feed(), k -> new TreeSet<>()).add(dt);
            } else if (!e.checksum().equals(checksums.get(f.relativePath()))) {
                changed++;
                dirty.computeIfAbsent(f.feed(), k -> new TreeSet<>()).add(dt);
            } else {
                noted.computeIfAbsent(f.feed(), k -> new TreeSet<>()).add(dt);
            }
        }
        Set<String> present = listed.stream().map(RawFile::relativePath).collect(Collectors.toSet());
        long withdrawn = 0;
        for (Entry e : manifest.values()) {
            LocalDate[] range = scope.get(e.feed());
            boolean inScope = range != null && !e.dt().isBefore(range[0]) && !e.dt().isAfter(range[1]);
            if (inScope && !present.contains(e.path())) {
                withdrawn++;
                dirty.computeIfAbsent(e.feed(), k -> new TreeSet<>()).add(e.dt());
            }
        }
        noted.forEach((feed, dates) -> dates.removeAll(dirty.getOrDefault(feed, Set.of())));
        noted.values().removeIf(Set::isEmpty);
        List<Entry> entries = new ArrayList<>();
        for (RawFile f : listed) {
            LocalDate dt = LocalDate.parse(f.dt());
            Entry old = manifest.get(f.relativePath());
            String sum = checksums.getOrDefault(f.relativePath(), old == null ? null : old.checksum());
            if (dirty.getOrDefault(f.feed(), Set.of()).contains(dt)) {
                entries.add(new Entry(f.feed(), dt, f.relativePath(), f.length(), modified(f), sum, runId, now));
            } else if (noted.getOrDefault(f.feed(), Set.of()).contains(dt)) {
                // Not read again: the run that read it stays; only the file's new time is noted.
                entries.add(new Entry(
                        f.feed(), dt, f.relativePath(), f.length(), modified(f), sum, old.runId(), old.ingestedAt()));
            }
        }
        return new Plan(dirty, noted, entries, added, changed, withdrawn, listed.size() - added - changed);
    }

    /** Replaces the rows of the plan's dates, per feed, with its entries: one transaction. */
    static void write(Warehouse warehouse, Plan plan) {
        Map<String, Set<LocalDate>> dates = new TreeMap<>();
        plan.dirtyDates().forEach((f, d) -> dates.computeIfAbsent(f, k -> new TreeSet<>())
                .addAll(d));
        plan.notedDates().forEach((f, d) -> dates.computeIfAbsent(f, k -> new TreeSet<>())
                .addAll(d));
        if (dates.isEmpty() && warehouse.exists(Table.INGESTED_FILES)) {
            return;
        }
        List<Row> rows = plan.entries().stream().map(Entry::row).toList();
        warehouse.replace(
                warehouse.spark().createDataFrame(rows, SCHEMA),
                Table.INGESTED_FILES,
                datesPredicate("feed", dates),
                List.of("feed"));
    }

    /**
     * {@code (k = 'a' AND dt IN (DATE'..', ...)) OR ...} over the given dates per key; {@code false}
     * when there are none.
     */
    static String datesPredicate(String column, Map<String, Set<LocalDate>> dates) {
        if (dates.isEmpty()) {
            return "false";
        }
        return dates.entrySet().stream()
                .map(e ->
                        "(" + column + " = '" + e.getKey().replace("'", "''") + "' AND " + datesIn(e.getValue()) + ")")
                .collect(Collectors.joining(" OR "));
    }

    /** {@code dt IN (DATE'..', ...)}, or {@code false} for no dates. */
    static String datesIn(Set<LocalDate> dates) {
        return dates.isEmpty()
                ? "false"
                : "dt IN (" + dates.stream().map(d -> "DATE'" + d + "'").collect(Collectors.joining(", ")) + ")";
    }

    /** A file's modification time as the manifest keeps it (Delta timestamps hold microseconds). */
    static Instant modified(RawFile f) {
        return Instant.ofEpochMilli(f.modified());
    }

    /** SHA-256 of each file's bytes as stored (compressed files are hashed compressed), a task per file. */
    private static Map<String, String> checksums(SparkSession spark, List<RawFile> files) {
        if (files.isEmpty()) {
            return Map.of();
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        RawLines.HadoopConf conf = new RawLines.HadoopConf(spark.sparkContext().hadoopConfiguration());
        int slices = Math.max(1, Math.min(files.size(), jsc.defaultParallelism() * 4));
        List<Tuple2<String, String>> sums = jsc.parallelize(files, slices)
                .map(f -> new Tuple2<>(f.relativePath(), sha256(f, conf)))
                .collect();
        Map<String, String> out = new LinkedHashMap<>();
        sums.forEach(t -> out.put(t._1(), t._2()));
        return out;
    }

    private static String sha256(RawFile f, RawLines.HadoopConf conf) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            Path path = new Path(f.uri());
            FileSystem fs = path.getFileSystem(conf.get());
            byte[] buffer = new byte[1 << 16];
            try (InputStream in = fs.open(path)) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    digest.update(buffer, 0, n);
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("ingest: cannot read " + f.relativePath() + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
