package io.trueroi.jobs;

import io.trueroi.attribution.AttributionAction;
import io.trueroi.catalog.Stage;
import io.trueroi.config.TrueRoiConfig;
import io.trueroi.identity.IdentityAction;
import io.trueroi.ingest.IngestAction;
import io.trueroi.ingest.Readers;
import io.trueroi.journey.JourneysAction;
import io.trueroi.marts.MartsAction;
import io.trueroi.ops.JobRuns;
import io.trueroi.ops.Pipeline;
import io.trueroi.ops.RunContext;
import io.trueroi.ops.RunSummary;
import io.trueroi.ops.StageAction;
import io.trueroi.report.ReportAction;
import io.trueroi.spark.SparkSessions;
import io.trueroi.spark.Warehouse;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Options every job takes; it loads the config and session and hands the stages to a {@link Pipeline}. */
abstract class JobCommand extends BaseCommand {
    private static final Logger LOG = LoggerFactory.getLogger("io.trueroi");

    @Option(
            names = "--date",
            paramLabel = "YYYY-MM-DD",
            converter = DateConverter.class,
            description = "The business date to run.")
    LocalDate date;

    @Option(
            names = "--from",
            paramLabel = "YYYY-MM-DD",
            converter = DateConverter.class,
            description = "First date of a range (with --to); the range is processed in one pass.")
    LocalDate from;

    @Option(
            names = "--to",
            paramLabel = "YYYY-MM-DD",
            converter = DateConverter.class,
            description = "Last date of a range, inclusive.")
    LocalDate to;

    @Option(
            names = "--source",
            paramLabel = "SOURCE",
            split = ",",
            description = "Only these sources for ingest: wechat, ecommerce, pos, ads (default: all).")
    List<String> sources = new ArrayList<>();

    @Option(
            names = "--full-refresh",
            description = "Read the run's dates from raw again whatever ops.ingested_files says, allow a date "
                    + "before the last successful run's, and rebuild with changed rules (ops.rule_fingerprints).")
    boolean fullRefresh;

    @Option(
            names = "--force-unlock",
            description = "Take over the warehouse lock of a run that started longer ago than "
                    + "trueroi.runs.lock-stale-after (a run that was killed).")
    boolean forceUnlock;

    /** The stages this job runs, in order. */
    abstract List<Stage> stages();

    /** A pipeline records its own job_runs row and one per stage (with itself as parent). */
    boolean nested() {
        return false;
    }

    /** The action of one stage, for its run. */
    private StageAction<?> action(
            Stage stage, TrueRoiConfig config, Warehouse warehouse, RunContext run, Set<String> groups) {
        return switch (stage) {
            case INGEST -> new IngestAction(config, warehouse, run)
                    .sources(groups)
                    .fullRefresh(fullRefresh);
            case IDENTITY -> new IdentityAction(config, warehouse, run);
            case JOURNEYS -> new JourneysAction(config, warehouse, run);
            case ATTRIBUTION -> new AttributionAction(config, warehouse, run);
            case MARTS -> new MartsAction(config, warehouse, run);
        };
    }

    @Override
    public Integer call() {
        LocalDate[] range = range();
        Set<String> groups = new LinkedHashSet<>(sources.isEmpty() ? Readers.groups() : sources);
        try {
            Readers.ofGroups(groups);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--source: " + e.getMessage());
        }
        TrueRoiConfig config = TrueRoiConfig.load(confFiles, env);
        RunContext run = RunContext.start(spec.name(), range[0], range[1], null);
        long t0 = System.nanoTime();
        Warehouse warehouse = SparkSessions.warehouse(config);
        if (config.usesDevHashKey()) {
            LOG.warn(
                    "PII hashes use the public development key: set {} for real data",
                    config.raw().getString("trueroi.security.hash-key-env"));
        }
        LOG.info(
                "{} {} run {}: raw {} -> warehouse {}",
                run.job(),
                run.dates(),
                run.runId(),
                config.rawRoot(),
                warehouse.root());
        RunSummary summary = new Pipeline(config, warehouse, (stage, w, r) -> action(stage, config, w, r, groups))
                .sourceGroups(groups)
                .fullRefresh(fullRefresh)
                .forceUnlock(forceUnlock)
                .nested(nested())
                .run(run, stages());
        summary.print(spec.commandLine().getOut(), warehouse, t0);
        if (nested() && config.report().enabled()) {
            report(config, warehouse, run);
        }
        return 0;
    }

    /**
     * The night's last step: the analyst's page for its last date. Its failure is logged, printed
     * and recorded as a FAILED report run in ops.job_runs; the night's data stands and exits 0.
     */
    private void report(TrueRoiConfig config, Warehouse warehouse, RunContext night) {
        RunContext run = night.stage("report");
        java.io.PrintWriter out = spec.commandLine().getOut();
        long t0 = System.nanoTime();
        String status = JobRuns.SUCCEEDED;
        String message = null;
        Map<String, Long> counters = new java.util.HashMap<>();
        try {
            java.nio.file.Path file = new ReportAction(config, warehouse).execute(night.to());
            counters.put("report_bytes", java.nio.file.Files.size(file));
            out.printf("  report: %s (%.1fs)%n", file.toAbsolutePath(), (System.nanoTime() - t0) / 1e9);
        } catch (Exception | LinkageError e) { // a broken page, or a class or resource it cannot load
            status = JobRuns.FAILED;
            message = io.trueroi.ops.Failures.describe(e);
            LOG.warn("report for {} failed; the night's data stands: {}", night.to(), message, e);
            out.printf("  report FAILED (the night's data stands): %s%n", io.trueroi.ops.Failures.oneLine(message));
        }
        counters.put("report_ms", (System.nanoTime() - t0) / 1_000_000);
        try {
            JobRuns.record(warehouse, run, status, message, List.of(), counters, JobRuns.StageState.NONE);
        } catch (RuntimeException e) {
            LOG.warn("cannot record the report run in {}: {}", io.trueroi.catalog.Table.JOB_RUNS, e.getMessage());
        }
    }

    private LocalDate[] range() {
        if (date != null && (from != null || to != null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give either --date or --from/--to, not both");
        }
        if (date != null) {
            return new LocalDate[] {date, date};
        }
        if (from == null && to == null) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "a date is required: --date D or --from D --to D");
        }
        if (from == null || to == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--from and --to go together");
        }
        checkRange(from, to);
        return new LocalDate[] {from, to};
    }

    static final class DateConverter implements CommandLine.ITypeConverter<LocalDate> {
        @Override
        public LocalDate convert(String value) {
            try {
                return LocalDate.parse(value);
            } catch (DateTimeParseException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a date in the form YYYY-MM-DD");
            }
        }
    }

    /** The job that runs one stage alone; its name and description are the stage's ({@link Stage}). */
    @Command
    static final class StageJob extends JobCommand {
        private final Stage stage;

        StageJob(Stage stage) {
            this.stage = stage;
        }

        @Override
        List<Stage> stages() {
            return List.of(stage);
        }
    }

    @Command(name = "nightly")
    static final class Nightly extends JobCommand {
        /** One line for --help: every stage, in order. */
        static String description() {
            return "Every stage in order: "
                    + String.join(
                            ", ", Arrays.stream(Stage.values()).map(Stage::id).toList())
                    + "; then, with trueroi.report.enabled, the report for its last date.";
        }

        @Override
        List<Stage> stages() {
            return List.of(Stage.values());
        }

        @Override
        boolean nested() {
            return true;
        }
    }
}
