package io.trueroi.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trueroi.catalog.ModelName;
import io.trueroi.catalog.Table;
import io.trueroi.config.ReportSettings;
import io.trueroi.config.TrueRoiConfig;
import io.trueroi.ops.JobFailure;
import io.trueroi.spark.JobGroup;
import io.trueroi.spark.Warehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.Row;

/**
 * Writes the analyst's page for one run date, {@code <out>/trueroi-report-<date>.html}: the marts'
 * figures for the date and the 7, 30 and 90 days before it ({@link ReportData}), as one
 * self-contained HTML file ({@link ReportPage}). The file appears whole or not at all: it is
 * written beside its final name and moved over it, so a re-run replaces it.
 *
 * <p>Cost: a read of {@code ops.job_runs} to find the date's marts run, then about a dozen small
 * Spark jobs over marts and {@code ops} tables, none over journeys or credits; the page's size is
 * ECharts' plus the aggregates, whatever the events.
 */
public final class ReportAction {
    public static final String FILE_PREFIX = "trueroi-report-";

    private final Warehouse warehouse;
    private final String currency;
    private ModelName model;
    private Path out;
    private final String locale;

    public ReportAction(TrueRoiConfig config, Warehouse warehouse) {
        ReportSettings settings = config.report();
        this.warehouse = warehouse;
        this.currency = config.reportingCurrency();
        this.model = settings.model();
        this.out = Path.of(settings.out());
        this.locale = settings.locale();
    }

    /** The model whose credits the page calls credited (default: trueroi.report.model). */
    public ReportAction model(ModelName model) {
        this.model = model;
        return this;
    }

    /** The directory the page goes to (default: trueroi.report.out). */
    public ReportAction out(Path directory) {
        this.out = directory;
        return this;
    }

    /** The path the page for {@code date} is written to. */
    public Path file(LocalDate date) {
        return out.resolve(FILE_PREFIX + date + ".html");
    }

    /** Writes the page; fails naming the last date with marts when no marts run covers the date. */
    public Path execute(LocalDate date) {
        JobGroup.run(warehouse.spark(), group(date), "report: find the marts run of " + date, () -> checkCovered(date));
        ObjectNode island = island(date);
        Path file = file(date);
        write(file, ReportPage.render(island));
        return file;
    }

    private static String group(LocalDate date) {
        return "report-" + date;
    }

    /** The data island: what the page draws, and what a test compares with the marts. */
    ObjectNode island(LocalDate date) {
        ReportData data = new ReportData(warehouse, date, model);
        ObjectNode island = JsonRows.JSON.objectNode();
        ObjectNode meta = island.putObject("meta");
        meta.put("date", date.toString());
        meta.put("model", model.id());
        meta.put("locale", locale);
        meta.put("currency", currency);
        meta.put("generated_at", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        ArrayNode periods = meta.putArray("periods");
        ReportData.PERIODS.forEach(periods::add);
        Map<String, Supplier<ObjectNode>> panels = new LinkedHashMap<>();
        panels.put("run", data::run);
        panels.put("headline", data::headline);
        panels.put("claims", data::claims);
        panels.put("channels", data::channels);
        panels.put("models", data::models);
        panels.put("daily", data::daily);
        panels.put("cohorts", data::cohorts);
        panels.put("clv", data::clv);
        panels.put("paths", data::paths);
        panels.put("warnings", data::warnings);
        panels.put("quarantine", data::quarantine);
        panels.put("freshness", data::freshness);
        panels.put("coverage", data::coverage);
        panels.forEach((name, panel) ->
                island.set(name, JobGroup.run(warehouse.spark(), group(date), "report: " + name + " panel", panel)));
        return island;
    }

    /** A date no successful marts run covers has no page: the error names the last one that has. */
    private void checkCovered(LocalDate date) {
        if (!warehouse.exists(Table.JOB_RUNS)) {
            throw new JobFailure("no marts run covers " + date + ": the warehouse " + warehouse.root()
                    + " has no runs yet (" + Table.JOB_RUNS + ")");
        }
        warehouse.register(Table.JOB_RUNS);
        List<Row> r = warehouse
                .spark()
                .sql("SELECT MAX(IF(DATE'" + date + "' BETWEEN date_from AND date_to, 1, 0)) AS covered,"
                        + " MAX(date_to) AS last FROM " + Table.JOB_RUNS.qualifiedName()
                        + " WHERE job = 'marts' AND status = 'SUCCEEDED'")
                .collectAsList();
        Row row = r.get(0);
        if (row.isNullAt(1)) {
            throw new JobFailure("no marts run covers " + date + ": no marts run has succeeded in " + warehouse.root()
                    + " (" + Table.JOB_RUNS + ")");
        }
        if (row.getInt(0) == 0) {
            throw new JobFailure("no marts run covers " + date + ": the last date with marts is "
                    + row.getDate(1).toLocalDate() + " (" + Table.JOB_RUNS + ")");
        }
    }

    /** A temporary file is private to its owner; the page is for whoever may read the directory. */
    private static void readable(Path file) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    private static void write(Path file, String html) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".trueroi-report-", ".tmp");
            try {
                Files.writeString(tmp, html, StandardCharsets.UTF_8);
                readable(tmp);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report " + file + ": " + e.getMessage(), e);
        }
    }
}
