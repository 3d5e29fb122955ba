package io.trueroi.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import io.trueroi.catalog.Table;
import io.trueroi.config.TrueRoiConfig;
import io.trueroi.ops.JobRuns;
import io.trueroi.spark.SparkSessions;
import io.trueroi.spark.Warehouse;
import java.io.PrintWriter;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code trueroi status}: the latest command runs of the warehouse, newest first, each with its
 * status as {@code ops.job_runs} and {@code ops.run_locks} tell it: its end row's status, else
 * RUNNING while it holds its lock parts, else ABANDONED (killed; the next run records it so).
 * Reads both tables once; the rows shown reach the driver.
 */
@Command(name = "status", description = "Shows the latest runs: succeeded, failed, running or abandoned.")
final class StatusCommand extends BaseCommand {
    static final String RUNNING = "RUNNING";

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
        Dataset<Row> runs =
                warehouse.read(Table.JOB_RUNS).filter(col("parent_run_id").isNull());
        // A run's latest word: its end row when it has one, else its STARTED row.
        Dataset<Row> latest = runs.withColumn(
                        "_rn",
                        row_number()
                                .over(Window.partitionBy("run_id")
                                        .orderBy(
                                                col("status")
                                                        .equalTo(JobRuns.STARTED)
                                                        .asc(),
                                                col("ended_at").desc())))
                .filter(col("_rn").equalTo(1));
        Dataset<Row> holders = warehouse.exists(Table.RUN_LOCKS)
                ? warehouse
                        .read(Table.RUN_LOCKS)
                        .select(col("run_id").as("_holder"))
                        .distinct()
                : warehouse
                        .spark()
                        .emptyDataFrame()
                        .select(lit(null).cast("string").as("_holder"));
        List<Row> rows = latest.join(holders, col("run_id").equalTo(col("_holder")), "left_outer")
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
                        when(
                                        col("status").equalTo(JobRuns.STARTED),
                                        when(col("_holder").isNotNull(), lit(RUNNING))
                                                .otherwise(lit(JobRuns.ABANDONED)))
                                .otherwise(col("status"))
                                .as("status"),
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
