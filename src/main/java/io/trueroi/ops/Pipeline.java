package io.trueroi.ops;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import io.trueroi.catalog.Stage;
import io.trueroi.catalog.Table;
import io.trueroi.config.TrueRoiConfig;
import io.trueroi.quality.QualityGate;
import io.trueroi.spark.JobGroup;
import io.trueroi.spark.StageReads;
import io.trueroi.spark.Warehouse;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the stages of one job in order, around each what every run needs: the lock on the parts the
 * stages write ({@link RunLock}), the guard against restating an earlier date, the rule
 * fingerprints ({@link RuleFingerprints}), each stage's quality checks ({@link QualityGate}) and
 * its {@code ops.job_runs} row with the table versions it read. A stage that throws or fails an
 * error check has exactly its own commits undone ({@link Rollback}), never another run's.
 *
 * <p>Each stage runs on its own view of the warehouse: a clone of the session whose every Delta
 * commit carries the stage run's id, and which refuses to read a table the stage does not declare
 * ({@link Stage#readable()}).
 *
 * <p>Cost: per run, one read of {@code ops.job_runs} and {@code ops.run_locks} (abandoned runs and
 * the restatement guard) and one of {@code ops.rule_fingerprints}; per stage, one log snapshot per
 * table it owns, one job_runs append and the checks' queries; the checks' outcomes in one append.
 */
public final class Pipeline {
    private static final Logger LOG = LoggerFactory.getLogger("io.trueroi");

    /** Builds a stage's action for one run, on the warehouse view the pipeline gives it. */
    @FunctionalInterface
    public interface Actions {
        StageAction<?> of(Stage stage, Warehouse warehouse, RunContext run);
    }

    private final TrueRoiConfig config;
    private final Warehouse warehouse;
    private final Actions actions;
    private Set<String> sourceGroups = Set.of();
    private boolean fullRefresh = false;
    private boolean forceUnlock = false;
    private boolean nested = false;

    public Pipeline(TrueRoiConfig config, Warehouse warehouse, Actions actions) {
        this.config = Objects.requireNonNull(config, "config");
        this.warehouse = Objects.requireNonNull(warehouse, "warehouse");
        this.actions = Objects.requireNonNull(actions, "actions");
    }

    /** The source groups ingest reads (its lock parts and checks). */
    public Pipeline sourceGroups(Set<String> groups) {
        this.sourceGroups = Set.copyOf(groups);
        return this;
    }

    /** Allows a date before the last successful run's and changed rules (default false). */
    public Pipeline fullRefresh(boolean fullRefresh) {
        this.fullRefresh = fullRefresh;
        return this;
    }

    /** Takes over the lock of a run older than {@code trueroi.runs.lock-stale-after} (default false). */
    public Pipeline forceUnlock(boolean forceUnlock) {
        this.forceUnlock = forceUnlock;
        return this;
    }

    /** Each stage gets a run id and job_runs row of its own, with the job's run as parent (nightly). */
    public Pipeline nested(boolean nested) {
        this.nested = nested;
        return this;
    }

    /** Runs the stages; throws {@link StageFailure} naming the stage that failed. */
    public RunSummary run(RunContext run, List<Stage> stages) {
        RunSummary summary = new RunSummary(run, nested);
        String current = run.job();
        try (RunLock lock = timed(
                run,
                "take the lock",
                () -> RunLock.acquire(
                        warehouse,
                        run,
                        Stage.lockParts(stages, sourceGroups),
                        config.runs().lockStaleAfter(),
                        forceUnlock))) {
            timed(run, "record the start", () -> JobRuns.started(warehouse, run));
            List<String> abandoned = timed(run, "find abandoned runs", () -> JobRuns.markAbandoned(warehouse, run));
            if (!abandoned.isEmpty()) {
                LOG.warn(
                        "runs that never ended, now recorded as {} in {}: {}",
                        JobRuns.ABANDONED,
                        Table.JOB_RUNS,
                        abandoned);
            }
            timed(run, "restatement guard", () -> refuseRestatement(run, stages));
            RuleFingerprints rules =
                    timed(run, "read " + Table.RULE_FINGERPRINTS, () -> RuleFingerprints.read(warehouse));
            if (!fullRefresh) {
                rules.check(config, stages);
            }
            Map<String, JobRuns.StageState> last = fullRefresh
                    ? Map.of()
                    : timed(
                            run,
                            "read the stages' last state",
                            () -> JobRuns.lastSucceeded(
                                    warehouse, stages.stream().map(Stage::id).toList(), run.to()));
            for (Stage stage : stages) {
                current = stage.id();
                RunContext stageRun = nested ? run.stage(stage.id()) : run;
                long s0 = System.nanoTime();
                StageResult result = unchanged(stage, stageRun, last.get(stage.id()))
                        ? skip(stage, stageRun, last.get(stage.id()))
                        : runStage(stage, stageRun, summary, last.get(stage.id()));
                summary.add(stage, result, System.nanoTime() - s0);
                rules.record(warehouse, config, stage, stageRun);
            }
            QualityGate.record(warehouse, summary.checks());
            if (nested) {
                JobRuns.record(warehouse, run, JobRuns.SUCCEEDED, null, List.of(), Map.of(), JobRuns.StageState.NONE);
            }
        } catch (Exception e) { // Spark's SparkException is checked, and thrown unchecked from Scala
            throw failed(run, current, summary, e);
        }
        return summary;
    }

    /** Runs one step of the runner's own under the run's job group, as a stage's steps run. */
    private <T> T timed(RunContext run, String step, java.util.function.Supplier<T> work) {
        return JobGroup.run(warehouse.spark(), run.runId(), run.job() + ": " + step, work);
    }

    private void timed(RunContext run, String step, Runnable work) {
        JobGroup.run(warehouse.spark(), run.runId(), run.job() + ": " + step, work);
    }

    /** Records what a failed run can (its checks, its end row) and returns the failure to throw. */
    private StageFailure failed(RunContext run, String current, RunSummary summary, Exception e) {
        StageFailure failure = e instanceof StageFailure sf ? sf : new StageFailure(current, e);
        try {
            QualityGate.record(warehouse, summary.checks());
            if (nested) {
                JobRuns.record(
                        warehouse,
                        run,
                        JobRuns.FAILED,
                        failure.getMessage(),
                        List.of(),
                        Map.of(),
                        JobRuns.StageState.NONE);
            }
        } catch (RuntimeException recordFailed) {
            failure.addSuppressed(recordFailed);
        }
        return failure;
    }

    /**
     * Runs one stage and its checks, and records its job_runs row: SUCCEEDED with its counts and
     * inputs, or FAILED with the reason after its own commits are undone.
     */
    private StageResult runStage(Stage stage, RunContext stageRun, RunSummary summary, JobRuns.StageState last) {
        Warehouse tagged = warehouse.withCommitTag(stageRun.runId());
        StageReads reads = new StageReads(stage.id(), stage.readable());
        StageAction<?> action = actions.of(stage, tagged.forStage(reads), stageRun);
        Rollback rollback = timed(
                stageRun, "versions before " + stage, () -> Rollback.before(tagged, stageRun.runId(), action.owned()));
        StageResult result;
        try {
            result = action.after(last).execute();
            long c0 = System.nanoTime();
            List<QualityGate.Outcome> outcomes =
                    checkedAlready(stage, stageRun, result, action.owned().keySet(), last)
                            ? List.of()
                            : QualityGate.check(stage, config, warehouse, stageRun, sourceGroups);
            LOG.info(
                    "{}: {} quality checks in {}s", stage, outcomes.size(), RunSummary.seconds(System.nanoTime() - c0));
            summary.checks().addAll(outcomes);
            QualityGate.Outcome failedCheck = QualityGate.firstError(outcomes);
            if (failedCheck != null) {
                throw new JobFailure("quality check " + failedCheck.describe());
            }
        } catch (Exception e) { // Spark's SparkException is checked, and thrown unchecked from Scala
            RuntimeException failure = undo(rollback, e);
            JobRuns.record(
                    warehouse,
                    stageRun,
                    JobRuns.FAILED,
                    Failures.oneLine(Failures.describe(failure)),
                    List.of(),
                    Map.of(),
                    JobRuns.StageState.NONE);
            throw failure;
        }
        JobRuns.record(
                warehouse,
                stageRun,
                JobRuns.SUCCEEDED,
                null,
                result.sources(),
                result.counters(),
                state(stage, reads.versions()));
        LOG.info("{}: done, counters {}", stage, result.counters());
        return result;
    }

    /**
     * What the stage read and left: the versions it read, and of each declared input it did not
     * read the version there is (-1: none); each table it writes at its version now; its rules.
     */
    private JobRuns.StageState state(Stage stage, Map<Table, Long> read) {
        Map<String, Long> inputs = new TreeMap<>();
        read.forEach((t, v) -> inputs.put(t.qualifiedName(), v));
        for (Table t : stage.inputs()) {
            inputs.computeIfAbsent(t.qualifiedName(), k -> warehouse.version(t));
        }
        Map<String, Long> outputs = new TreeMap<>();
        stage.writes().forEach(t -> outputs.put(t.qualifiedName(), warehouse.version(t)));
        return new JobRuns.StageState(null, inputs, outputs, RuleFingerprints.stateOfRules(config, stage));
    }

    /**
     * Whether a stage above ingest would write what it wrote last time for this date: its last
     * successful run for the date had the same rules, every input it declares is at the version
     * that run read, and every table it writes is still as it left it. Ingest is never skipped:
     * the raw files are its input, and it reads only what is new anyway.
     */
    private boolean unchanged(Stage stage, RunContext run, JobRuns.StageState last) {
        if (stage == Stage.INGEST || last == null || !run.to().equals(last.to())) { // none under --full-refresh
            return false;
        }
        return sameRules(stage, last)
                && atVersions(stage.inputs(), last.inputs())
                && atVersions(stage.writes(), last.outputs());
    }

    private boolean sameRules(Stage stage, JobRuns.StageState last) {
        return last.rules().equals(RuleFingerprints.stateOfRules(config, stage));
    }

    /** Whether every table is at the version {@code versions} holds for it (by qualified name). */
    private boolean atVersions(Collection<Table> tables, Map<String, Long> versions) {
        return tables.stream()
                .allMatch(t -> Long.valueOf(warehouse.version(t)).equals(versions.get(t.qualifiedName())));
    }

    /**
     * Whether ingest's checks would only repeat its last successful run's for this date: it wrote
     * nothing tonight, its rules are the same, and every table its source groups own is at the
     * version that run left. Ingest's checks read only those tables and the date, so they would find
     * what that run found; a table changed since (another run, a restore) has a new version and is
     * checked. A stage above ingest checks its inputs too, and is skipped whole instead.
     */
    private boolean checkedAlready(
            Stage stage, RunContext run, StageResult result, Set<Table> owned, JobRuns.StageState last) {
        if (stage != Stage.INGEST
                || last == null
                || !run.to().equals(last.to())
                || !result.tables().isEmpty()) {
            return false;
        }
        if (!sameRules(stage, last) || !atVersions(owned, last.outputs())) {
            return false;
        }
        LOG.info("{}: nothing read, and its tables are as its last run for this date checked them", stage);
        return true;
    }

    /** Records a stage that had nothing to do: no commit, no check, its state carried forward. */
    private StageResult skip(Stage stage, RunContext stageRun, JobRuns.StageState last) {
        LOG.info(
                "{}: skipped, its inputs, outputs and rules are as its last run for {} left them",
                stage,
                stageRun.to());
        Skipped skipped = new Skipped();
        JobRuns.record(
                warehouse,
                stageRun,
                JobRuns.SUCCEEDED,
                "skipped: inputs, outputs and rules unchanged since its last run for this date",
                List.of(),
                skipped.counters(),
                last);
        return skipped;
    }

    /** A stage that did not run: it wrote nothing. */
    record Skipped() implements StageResult {
        @Override
        public List<TableWritten> tables() {
            return List.of();
        }

        @Override
        public Map<String, Long> counters() {
            return Map.of("skipped", 1L);
        }
    }

    /** Undoes the stage run's commits; the failure to throw says what was put back. */
    private static RuntimeException undo(Rollback rollback, Exception cause) {
        try {
            List<Table> undone = rollback.undo();
            if (undone.isEmpty()) {
                return cause instanceof RuntimeException re ? re : new JobFailure(Failures.describe(cause), cause);
            }
            return new JobFailure(
                    Failures.describe(cause) + "; " + undone.size()
                            + " table(s) put back as they were before the stage: " + undone,
                    cause);
        } catch (RuntimeException undoFailed) {
            undoFailed.addSuppressed(cause);
            return new JobFailure(
                    Failures.describe(cause) + "; and undoing the stage's commits failed: "
                            + Failures.describe(undoFailed),
                    undoFailed);
        }
    }

    /**
     * Fails a run whose last date is before the last date a stage above ingest succeeded for: the
     * tables already hold that later state, and a night does not restate history. Ingest alone may
     * run any date (it reads what has not been read); {@code --full-refresh} rebuilds, so it may too.
     */
    private void refuseRestatement(RunContext run, List<Stage> stages) {
        if (fullRefresh || stages.equals(List.of(Stage.INGEST)) || !warehouse.exists(Table.JOB_RUNS)) {
            return;
        }
        Row last = warehouse
                .read(Table.JOB_RUNS)
                .filter(col("status").equalTo(JobRuns.SUCCEEDED).and(col("job").notEqual(Stage.INGEST.id())))
                .agg(max("date_to"))
                .first();
        LocalDate to = run.to();
        if (!last.isNullAt(0) && to.isBefore(last.getDate(0).toLocalDate())) {
            throw new JobFailure(run.job() + " for " + to + " is before the last successful run's date, "
                    + last.getDate(0) + ": a run does not restate history; use --full-refresh to rebuild as of "
                    + to + ", or backfill into an empty warehouse");
        }
    }
}
