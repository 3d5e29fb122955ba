package io.trueroi.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.trueroi.catalog.Table;
import io.trueroi.config.TrueRoiConfig;
import io.trueroi.ops.JobRuns;
import io.trueroi.spark.SparkSessions;
import io.trueroi.spark.Warehouse;
import java.io.PrintWriter;
import java.util.List;
import org.apache.spark.sql.Row;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code trueroi status}: the latest command runs of the warehouse, newest first, each with its
 * state as {@link JobRuns#states} defines it (SUCCEEDED, FAILED, RUNNING or ABANDONED). Reads
 * {@code ops.job_runs} and {@code ops.run_locks} once; the rows shown reach the driver.
 */
@Command(name = "status", description = "Shows the latest runs: succeeded, failed, running or abandoned.")
final class StatusCommand extends BaseCommand {
    @Option(
            names = "--last",
            paramLabel = "N",
            defaultValue = "20",
            description = "Runs shown, newest first (default ${DEFAULT-VALUE}).")
    int last;

    @Override
    public Integer call() {
        if (last < 1) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--last must be at least 1, cannot be: " + last);
        }
        TrueRoiConfig config = TrueRoiConfig.load(confFiles, env);
        Warehouse warehouse = SparkSessions.warehouse(config);
        PrintWriter out = spec.commandLine().getOut();
        if (!warehouse.exists(Table.JOB_RUNS)) {
            out.println("no runs yet in " + warehouse.root());
            return 0;
        }
        List<Row> rows = JobRuns.states(warehouse)
                .filter(col("parent_run_id").isNull())
                // Newest first by the start instant itself: runs can start within one second.
                .orderBy(col("started_at").desc(), col("run_id").desc())
                .select(
                        col("run_id"),
                        col("job"),
                        when(
                                        col("date_from").equalTo(col("date_to")),
                                        col("date_from").cast("string"))
                                .otherwise(concat_ws(
                                        "..",
                                        col("date_from").cast("string"),
                                        col("date_to").cast("string")))
                                .as("dates"),
                        col("state").as("status"),
                        date_format(col("started_at"), "yyyy-MM-dd HH:mm:ss").as("started_at_utc"),
                        when(col("status").equalTo(JobRuns.STARTED), lit(null))
                                .otherwise(col("seconds"))
                                .as("seconds"),
                        col("message"))
                .limit(last + 1)
                .collectAsList();
        SqlCommand.print(
                out,
                new String[] {"run_id", "job", "dates", "status", "started_at_utc", "seconds", "message"},
                rows,
                last);
        out.flush();
        return 0;
    }
}
