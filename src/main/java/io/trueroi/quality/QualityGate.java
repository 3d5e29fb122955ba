package io.trueroi.quality;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.trueroi.catalog.Stage;
import io.trueroi.catalog.Table;
import io.trueroi.config.QualitySettings.Severity;
import io.trueroi.config.TrueRoiConfig;
import io.trueroi.ops.RunContext;
import io.trueroi.spark.JobGroup;
import io.trueroi.spark.Warehouse;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The checks after a stage ({@link StageChecks}), and what a failed one does: the outcomes go to
 * {@code ops.quality_checks}; a failed {@link Severity#ERROR} check fails the stage, and the runner
 * puts back what the stage's run committed ({@code io.trueroi.ops.Rollback}).
 *
 * <p>Cost: one query per checked table, {@value #PARALLEL_QUERIES} at a time (a few rows each reach
 * the driver); each check's own cost is in {@link Check}. The outcomes of a run are appended in one
 * transaction at its end, failed or not.
 */
public final class QualityGate {
    public static final StructType SCHEMA = new StructType()
            .add("run_id", DataTypes.StringType, false)
            .add("parent_run_id", DataTypes.StringType)
            .add("stage", DataTypes.StringType, false)
            .add("table", DataTypes.StringType, false)
            .add("check", DataTypes.StringType, false)
            .add("severity", DataTypes.StringType, false)
            .add("passed", DataTypes.BooleanType, false)
            .add("failed_rows", DataTypes.LongType, false)
            .add("sample", DataTypes.createArrayType(DataTypes.StringType, false), false)
            .add("detail", DataTypes.StringType)
            .add("checked_at", DataTypes.TimestampType, false);

    /** Queries run at once: enough to overlap planning and file listing on a few cores. */
    static final int PARALLEL_QUERIES = 4;

    private QualityGate() {}

    /** One check's result. */
    public record Outcome(
            RunContext run,
            Stage stage,
            Table table,
            String check,
            Severity severity,
            long failedRows,
            List<String> sample,
            String detail,
            Instant checkedAt) {
        public boolean passed() {
            return failedRows == 0;
        }

        /** {@code check on table: detail}, for the run's summary and its error line. */
        public String describe() {
            return check + " on " + table + ": " + detail
                    + (sample.isEmpty() ? "" : " (e.g. " + String.join(", ", sample) + ")");
        }

        Row row() {
            return RowFactory.create(
                    run.runId(),
                    run.parentRunId(),
                    stage.id(),
                    table.qualifiedName(),
                    check,
                    severity.id(),
                    passed(),
                    failedRows,
                    scala.jdk.javaapi.CollectionConverters.asScala(sample).toSeq(),
                    detail,
                    Timestamp.from(checkedAt));
        }
    }

    /** Runs the checks of what {@code stage} wrote: one query per table, a few at once. */
    public static List<Outcome> check(
            Stage stage, TrueRoiConfig config, Warehouse warehouse, RunContext run, Set<String> groups) {
        if (!config.quality().enabled()) {
            return List.of();
        }
        List<Check> checks = new StageChecks(config, warehouse, run).of(stage, groups);
        if (checks.isEmpty()) {
            return List.of();
        }
        List<Row> rows;
        // Each table's checks are one query; most of a small query's time is the driver planning it
        // and Delta listing the table's files, so a few run at once.
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL_QUERIES, checks.size()));
        List<Future<List<Row>>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < checks.size(); i++) {
                Check c = checks.get(i);
                Dataset<Row> plan = c.outcomes()
                        .select(lit(i).as("i"), col("kind"), col("failed_rows"), col("sample"), col("detail"));
                futures.add(pool.submit(() -> JobGroup.run(
                        warehouse.spark(), stage + ": quality checks", "check " + c.table(), plan::collectAsList)));
            }
            List<Row> collected = new ArrayList<>();
            for (Future<List<Row>> f : futures) {
                collected.addAll(f.get());
            }
            rows = collected;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking " + stage, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re
                    ? re
                    : new IllegalStateException("quality checks of " + stage + " failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
        Instant now = Instant.now();
        List<Outcome> outcomes = new ArrayList<>();
        rows.stream()
                .sorted(Comparator.<Row>comparingInt(r -> r.getInt(0)).thenComparing(r -> r.getString(1)))
                .forEach(r -> outcomes.add(new Outcome(
                        run,
                        stage,
                        checks.get(r.getInt(0)).table(),
                        r.getString(1),
                        config.quality().severity(r.getString(1)),
                        r.getLong(2),
                        r.getList(3),
                        r.getString(4),
                        now)));
        return outcomes;
    }

    /** The first failed error check, or null. */
    public static Outcome firstError(List<Outcome> outcomes) {
        return outcomes.stream()
                .filter(o -> !o.passed() && o.severity() == Severity.ERROR)
                .findFirst()
                .orElse(null);
    }

    /** Appends the outcomes to {@code ops.quality_checks} in one transaction. */
    public static void record(Warehouse warehouse, List<Outcome> outcomes) {
        if (outcomes.isEmpty()) {
            return;
        }
        List<Row> rows = outcomes.stream().map(Outcome::row).toList();
        warehouse.append(warehouse.spark().createDataFrame(rows, SCHEMA), Table.QUALITY_CHECKS);
    }
}
