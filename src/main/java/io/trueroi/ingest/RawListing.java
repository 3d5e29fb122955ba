package io.trueroi.ingest;

import io.trueroi.config.IngestSettings;
import io.trueroi.config.IngestSettings.FeedSettings;
import io.trueroi.config.IngestSettings.FileRule;
import io.trueroi.ops.JobFailure;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;

/**
 * The raw files of each feed, {@code <raw-root>/<feed path>/dt=D/<file>}, for the delivery dates
 * from the feed's first ingested date (or the run's first date) to the run's last. Every date of
 * the run needs a folder, empty if the source had nothing; a folder inside a delivery, or a file
 * that matches no file rule, fails the run naming it. Files starting with {@code .} or {@code _}
 * (markers, checksums, temporary folders) are skipped.
 *
 * <p>Cost: per feed, one listing of its folders and one recursive listing of its files (a flat,
 * paged listing on object stores), so the calls do not grow with the dates; the entries listed
 * grow with history, one per raw file.
 */
final class RawListing {
    /** The files listed, in delivery date then name order, and each feed's dates listed. */
    record Listed(List<RawFile> files, Map<String, LocalDate[]> scope) {}

    private final IngestSettings settings;
    private final String root;
    private final Configuration conf;

    RawListing(IngestSettings settings, String rawRoot, Configuration conf) {
        this.settings = settings;
        this.root = rawRoot.endsWith("/") ? rawRoot : rawRoot + "/";
        this.conf = conf;
    }

    /** Lists each feed from its first date ({@code firstDates}, or {@code from}) to {@code to}. */
    Listed list(List<String> feeds, Map<String, LocalDate> firstDates, LocalDate from, LocalDate to) {
        List<RawFile> out = new ArrayList<>();
        Map<String, LocalDate[]> scope = new LinkedHashMap<>();
        try {
            Path rootPath = new Path(root);
            FileSystem fs = rootPath.getFileSystem(conf);
            CompressionCodecFactory codecs = new CompressionCodecFactory(conf);
            for (String feed : feeds) {
                LocalDate first = firstDates.get(feed);
                LocalDate start = first == null || from.isBefore(first) ? from : first;
                scope.put(feed, new LocalDate[] {start, to});
                out.addAll(listFeed(fs, codecs, feed, start, from, to));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("ingest: cannot list raw exports under " + root + ": " + e.getMessage(), e);
        }
        return new Listed(List.copyOf(out), scope);
    }

    private List<RawFile> listFeed(
            FileSystem fs, CompressionCodecFactory codecs, String feed, LocalDate start, LocalDate from, LocalDate to)
            throws IOException {
        FeedSettings settings = this.settings.feed(feed);
        Path feedRoot = new Path(root + settings.path());
        Set<LocalDate> folders = dateFolders(fs, feedRoot, start, to);
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            if (!folders.contains(d)) {
                throw new JobFailure("ingest: missing folder " + new Path(feedRoot, "dt=" + d) + " for " + feed + " on "
                        + d + " (every date needs a folder, empty if the source had no data)");
            }
        }
        List<RawFile> out = new ArrayList<>();
        if (folders.isEmpty()) {
            return out;
        }
        String prefix = fs.makeQualified(feedRoot).toString() + "/";
        RemoteIterator<LocatedFileStatus> files = fs.listFiles(feedRoot, true);
        while (files.hasNext()) {
            LocatedFileStatus st = files.next();
            String path = st.getPath().toString();
            if (!path.startsWith(prefix)) {
                throw new IllegalStateException("listed " + path + " outside " + prefix);
            }
            String below = path.substring(prefix.length());
            String[] parts = below.split("/");
            LocalDate dt = parts.length < 2 ? null : date(parts[0]);
            if (dt == null || !folders.contains(dt) || hidden(parts)) {
                continue;
            }
            String rel = settings.path() + "/" + parts[0];
            if (parts.length > 2) {
                throw new JobFailure("ingest: unexpected folder " + rel + "/" + parts[1]
                        + " (files must be directly in the dt= folder; nothing below it is read)");
            }
            out.add(rawFile(codecs, settings, st, rel, dt));
        }
        out.sort(Comparator.comparing(RawFile::dt).thenComparing(RawFile::relativePath));
        return out;
    }

    /** The feed's {@code dt=} folders from start to end; none when the feed's folder is missing. */
    private static Set<LocalDate> dateFolders(FileSystem fs, Path feedRoot, LocalDate start, LocalDate end)
            throws IOException {
        Set<LocalDate> out = new TreeSet<>();
        FileStatus[] listed;
        try {
            listed = fs.listStatus(feedRoot);
        } catch (FileNotFoundException e) {
            return out;
        }
        for (FileStatus st : listed) {
            LocalDate d = st.isDirectory() ? date(st.getPath().getName()) : null;
            if (d != null && !d.isBefore(start) && !d.isAfter(end)) {
                out.add(d);
            }
        }
        return out;
    }

    /** The date of a {@code dt=YYYY-MM-DD} folder name, or null for any other name. */
    private static LocalDate date(String folder) {
        if (!folder.startsWith("dt=")) {
            return null;
        }
        try {
            return LocalDate.parse(folder.substring(3));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static boolean hidden(String[] parts) {
        for (int i = 1; i < parts.length; i++) {
            if (parts[i].startsWith(".") || parts[i].startsWith("_")) {
                return true; // _SUCCESS markers, .crc files, _temporary folders
            }
        }
        return false;
    }

    private static RawFile rawFile(
            CompressionCodecFactory codecs, FeedSettings feed, LocatedFileStatus st, String rel, LocalDate dt) {
        String name = st.getPath().getName();
        // Globs match the name without a compression suffix: tmall_*.csv matches tmall_1.csv.gz.
        String plain = CompressionCodecFactory.removeSuffix(name, codecSuffix(codecs, st.getPath()));
        FileRule rule = feed.files().stream()
                .filter(f -> FileSystems.getDefault()
                        .getPathMatcher("glob:" + f.glob())
                        .matches(Paths.get(plain)))
                .findFirst()
                .orElseThrow(() -> new JobFailure("ingest: file " + rel + "/" + name
                        + " matches no rule in trueroi.ingest.feeds." + feed.name() + ".files "
                        + feed.files().stream().map(FileRule::glob).toList()));
        return new RawFile(
                feed.name(),
                st.getPath().toString(),
                rel + "/" + name,
                dt.toString(),
                rule.encoding(),
                rule.attributes(),
                st.getLen(),
                st.getModificationTime());
    }

    private static String codecSuffix(CompressionCodecFactory codecs, Path path) {
        CompressionCodec codec = codecs.getCodec(path);
        return codec == null ? "" : codec.getDefaultExtension();
    }
}
