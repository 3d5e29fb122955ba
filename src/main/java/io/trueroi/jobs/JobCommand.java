package io.trueroi.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import io.trueroi.attribution.AttributionAction;
import io.trueroi.catalog.Table;
import io.trueroi.config.TrueRoiConfig;
import io.trueroi.identity.IdentityAction;
import io.trueroi.ingest.IngestAction;
import io.trueroi.ingest.Readers;
import io.trueroi.journey.JourneysAction;
import io.trueroi.marts.MartsAction;
import io.trueroi.ops.JobFailure;
import io.trueroi.ops.JobRuns;
import io.trueroi.ops.RuleFingerprints;
import io.trueroi.ops.RunContext;
import io.trueroi.ops.RunLock;
import io.trueroi.ops.StageAction;
import io.trueroi.ops.StageResult;
import io.trueroi.ops.TableWritten;
import io.trueroi.quality.QualityGate;
import io.trueroi.spark.SparkSessions;
import io.trueroi.spark.Warehouse;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Options every job takes, and the run loop: config, session, stages, job_runs, summary. */
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

    /** The stages this job runs, in order, by name. */
    abstract List<String> stages();

    /** A pipeline records its own job_runs row and one per stage (with itself as parent). */
    boolean pipeline() {
        return false;
    }

    /** The action of one stage, for its run. */
    private StageAction<?> action(
            String stage, TrueRoiConfig config, Warehouse warehouse, RunContext run, Set<String> groups) {
        return switch (stage) {
            case IngestAction.NAME -> new IngestAction(config, warehouse, run)
                    .sources(groups)
                    .fullRefresh(fullRefresh);
            case IdentityAction.NAME -> new IdentityAction(config, warehouse, run);
            case JourneysAction.NAME -> new JourneysAction(config, warehouse, run);
            case AttributionAction.NAME -> new AttributionAction(config, warehouse, run);
            case MartsAction.NAME -> new MartsAction(config, warehouse, run);
            default -> throw new IllegalArgumentException("unknown stage " + stage);
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
        List<StageResult> results = new ArrayList<>();
        List<QualityGate.Outcome> checks = new ArrayList<>();
        List<String> stageTimes = new ArrayList<>();
        String current = run.job();
        try (RunLock lock = RunLock.acquire(
                warehouse, run, lockParts(stages(), groups), config.runs().lockStaleAfter(), forceUnlock)) {
            JobRuns.started(warehouse, run);
            List<String> abandoned = JobRuns.markAbandoned(warehouse, run);
            if (!abandoned.isEmpty()) {
                LOG.warn(
                        "runs that never ended, now recorded as {} in {}: {}",
                        JobRuns.ABANDONED,
                        Table.JOB_RUNS,
                        abandoned);
            }
            refuseRestatement(warehouse, range[1]);
            RuleFingerprints rules = RuleFingerprints.read(warehouse);
            if (!fullRefresh) {
                rules.check(config, stages());
            }
            for (String stage : stages()) {
                current = stage;
                RunContext stageRun = pipeline() ? run.stage(stage) : run;
                long s0 = System.nanoTime();
                results.add(runStage(
                        action(stage, config, warehouse, stageRun, groups),
                        stageRun,
                        config,
                        warehouse,
                        groups,
                        checks));
                rules.record(warehouse, config, stage, stageRun);
                stageTimes.add(stage + " " + seconds(s0) + "s");
            }
            QualityGate.record(warehouse, checks);
            if (pipeline()) {
                JobRuns.record(warehouse, run, JobRuns.SUCCEEDED, null, List.of(), Map.of());
            }
        } catch (Exception e) {
            try {
                QualityGate.record(warehouse, checks);
            } catch (RuntimeException recordFailed) {
                e.addSuppressed(recordFailed);
            }
            if (pipeline()) {
                JobRuns.record(
                        warehouse,
                        run,
                        JobRuns.FAILED,
                        "stage " + current + ": " + TrueRoi.oneLine(Failures.describe(e)),
                        List.of(),
                        Map.of());
            }
            throw e instanceof StageFailed sf ? sf : new StageFailed(current, e);
        }
        printSummary(run, t0, warehouse, results, checks, stageTimes);
        return 0;
    }

    /**
     * The parts of the warehouse these stages write ({@link RunLock}): each stage, and for ingest
     * each source group it reads.
     */
    static Set<String> lockParts(List<String> stages, Set<String> groups) {
        Set<String> parts = new TreeSet<>();
        for (String stage : stages) {
            if (stage.equals(IngestAction.NAME)) {
                groups.forEach(g -> parts.add(IngestAction.NAME + ":" + g));
            } else {
                parts.add(stage);
            }
        }
        return parts;
    }

    /**
     * Fails a run whose last date is before the last date a stage above ingest succeeded for: the
     * tables already hold that later state, and a night does not restate history. Ingest alone may
     * run any date (it reads what has not been read); {@code --full-refresh} rebuilds, so it may too.
     */
    private void refuseRestatement(Warehouse warehouse, LocalDate to) {
        if (fullRefresh || stages().equals(List.of(IngestAction.NAME)) || !warehouse.exists(Table.JOB_RUNS)) {
            return;
        }
        Row last = warehouse
                .read(Table.JOB_RUNS)
                .filter(col("status").equalTo(JobRuns.SUCCEEDED).and(col("job").notEqual(IngestAction.NAME)))
                .agg(max("date_to"))
                .first();
        if (!last.isNullAt(0) && to.isBefore(last.getDate(0).toLocalDate())) {
            throw new JobFailure(spec.name() + " for " + to + " is before the last successful run's date, "
                    + last.getDate(0) + ": a run does not restate history; use --full-refresh to rebuild as of "
                    + to + ", or backfill into an empty warehouse");
        }
    }

    /**
     * Runs one stage and the checks of what it wrote (adding their outcomes to {@code checks}), and
     * records its job_runs row: SUCCEEDED with its counts, or FAILED with the reason. A failed error
     * check puts the stage's tables back as they were before it.
     */
    private static StageResult runStage(
            StageAction<?> action,
            RunContext stageRun,
            TrueRoiConfig config,
            Warehouse warehouse,
            Set<String> groups,
            List<QualityGate.Outcome> checks) {
        long s0 = System.nanoTime();
        StageResult result;
        Map<Table, Long> before = QualityGate.versions(warehouse, action.stage());
        try {
            result = action.execute();
            long c0 = System.nanoTime();
            List<QualityGate.Outcome> outcomes = QualityGate.check(action.stage(), config, warehouse, stageRun, groups);
            LOG.info("{}: {} quality checks in {}s", action.stage(), outcomes.size(), seconds(c0));
            checks.addAll(outcomes);
            QualityGate.Outcome failed = QualityGate.firstError(outcomes);
            if (failed != null) {
                List<Table> restored = QualityGate.restore(warehouse, before);
                throw new JobFailure("quality check " + failed.describe() + "; " + restored.size()
                        + " table(s) put back as they were before the stage: " + restored);
            }
        } catch (Exception e) { // Spark's SparkException is checked, and thrown unchecked from Scala
            JobRuns.record(
                    warehouse, stageRun, JobRuns.FAILED, TrueRoi.oneLine(Failures.describe(e)), List.of(), Map.of());
            throw e instanceof RuntimeException re ? re : new StageFailed(action.stage(), e);
        }
        JobRuns.record(warehouse, stageRun, JobRuns.SUCCEEDED, null, result.sources(), result.counters());
        LOG.info("{}: done in {}s, counters {}", action.stage(), seconds(s0), result.counters());
        return result;
    }

    /** Every table written with its rows and location, the seconds per stage, and what was set aside. */
    private void printSummary(
            RunContext run,
            long t0,
            Warehouse warehouse,
            List<StageResult> results,
            List<QualityGate.Outcome> checks,
            List<String> stageTimes) {
        var out = spec.commandLine().getOut();
        out.printf("%s %s finished in %ss (run %s)%n", run.job(), run.dates(), seconds(t0), run.runId());
        out.printf("  %-36s %10s  %s%n", "table", "rows", "location");
        Map<String, Long> setAside = new LinkedHashMap<>();
        for (StageResult r : results) {
            for (TableWritten t : r.tables()) {
                out.printf("  %-36s %10d  %s%n", t.table(), t.rows(), t.location());
            }
            r.setAside().forEach((k, v) -> setAside.merge(k, v, Long::sum));
        }
        out.printf(
                "  %-36s %10s  %s%n",
                Table.JOB_RUNS, "+" + (pipeline() ? results.size() + 2 : 2), warehouse.path(Table.JOB_RUNS));
        if (!checks.isEmpty()) {
            out.printf(
                    "  %-36s %10s  %s%n",
                    Table.QUALITY_CHECKS, "+" + checks.size(), warehouse.path(Table.QUALITY_CHECKS));
        }
        List<QualityGate.Outcome> warnings =
                checks.stream().filter(c -> !c.passed()).toList();
        if (!warnings.isEmpty()) {
            out.printf("  quality warnings (%d):%n", warnings.size());
            warnings.forEach(w -> out.printf("    %s%n", w.describe()));
        }
        if (stageTimes.size() > 1) {
            out.printf("  stages: %s%n", String.join(", ", stageTimes));
        }
        if (!setAside.isEmpty()) {
            List<String> parts = new ArrayList<>();
            setAside.forEach((k, v) -> parts.add(k.replace('_', ' ') + " " + v));
            out.printf("  %s%n", String.join(", ", parts));
        }
        out.flush();
    }

    private static String seconds(long startNanos) {
        return String.format("%.1f", (System.nanoTime() - startNanos) / 1e9);
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

    /** A stage failed: its name leads the one-line message. */
    static final class StageFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StageFailed(String stage, Throwable cause) {
            super("stage " + stage + ": " + TrueRoi.oneLine(Failures.describe(cause)), cause);
        }
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

    @Command(name = "ingest", description = "Raw exports -> silver.* tables (quarantine for bad rows).")
    static final class Ingest extends JobCommand {
        @Override
        List<String> stages() {
            return List.of(IngestAction.NAME);
        }
    }

    @Command(
            name = "identity",
            description =
                    "silver identifiers -> identity.identity_map (OneIDs), " + "ambiguous_identifiers, one_id_history.")
    static final class Identity extends JobCommand {
        @Override
        List<String> stages() {
            return List.of(IdentityAction.NAME);
        }
    }

    @Command(name = "journeys", description = "silver + OneIDs -> journey.touchpoints, conversions, journeys.")
    static final class Journeys extends JobCommand {
        @Override
        List<String> stages() {
            return List.of(JourneysAction.NAME);
        }
    }

    @Command(
            name = "attribution",
            description =
                    "journey.journeys -> attribution.credits (every model), "
                            + "markov_daily_counts, markov_removal_effects, markov_transitions (a fit per date), credit_replicates.")
    static final class Attribution extends JobCommand {
        @Override
        List<String> stages() {
            return List.of(AttributionAction.NAME);
        }
    }

    @Command(
            name = "marts",
            description = "journeys, credits and ad spend -> mart.channel_roi_daily, "
                    + "model_comparison, customer_ltv, cohort_ltv, channel_ltv_cac, path_summary.")
    static final class Marts extends JobCommand {
        @Override
        List<String> stages() {
            return List.of(MartsAction.NAME);
        }
    }

    @Command(name = "nightly", description = "Every stage in order: ingest, identity, journeys, attribution, marts.")
    static final class Nightly extends JobCommand {
        /** Every stage, in order. */
        static final List<String> STAGES = List.of(
                IngestAction.NAME, IdentityAction.NAME, JourneysAction.NAME, AttributionAction.NAME, MartsAction.NAME);

        @Override
        List<String> stages() {
            return STAGES;
        }

        @Override
        boolean pipeline() {
            return true;
        }
    }
}
