package io.trueroi.jobs;

import io.trueroi.catalog.ModelName;
import io.trueroi.config.TrueRoiConfig;
import io.trueroi.report.ReportAction;
import io.trueroi.spark.SparkSessions;
import io.trueroi.spark.Warehouse;
import java.nio.file.Path;
import java.time.LocalDate;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code trueroi report --date D [--model M] [--out DIR]}: writes the analyst's page for a date a
 * marts run covered ({@link ReportAction}) and prints its path as the last line. A date no marts
 * run covers exits 1, naming the last date that has marts.
 */
@Command(
        name = "report",
        description = "Writes one self-contained HTML page of the marts for a run date "
                + "(reports/trueroi-report-D.html): money figures with intervals, claimed vs real, the models, "
                + "trends, cohorts, CLV, top paths, data health.")
final class ReportCommand extends BaseCommand {
    @Option(
            names = "--date",
            required = true,
            paramLabel = "YYYY-MM-DD",
            converter = JobCommand.DateConverter.class,
            description = "The run date the page shows.")
    LocalDate date;

    @Option(
            names = "--model",
            paramLabel = "MODEL",
            description = "The model whose credits the page shows (default: trueroi.report.model).")
    String model;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "The directory the page goes to (default: trueroi.report.out).")
    Path out;

    @Override
    public Integer call() {
        TrueRoiConfig config = TrueRoiConfig.load(confFiles, env);
        ModelName chosen = null;
        if (model != null) {
            try {
                chosen = io.trueroi.config.ReportSettings.runModel(model, config.attribution());
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--model: " + e.getMessage());
            }
        }
        Warehouse warehouse = SparkSessions.warehouse(config);
        ReportAction action = new ReportAction(config, warehouse);
        if (chosen != null) {
            action.model(chosen);
        }
        if (out != null) {
            action.out(out);
        }
        long t0 = System.nanoTime();
        Path file = action.execute(date);
        java.io.PrintWriter printed = spec.commandLine().getOut();
        printed.printf("report %s written in %.1fs:%n", date, (System.nanoTime() - t0) / 1e9);
        // The path alone on the last line: Airflow's BashOperator pushes that line as the XCom.
        printed.println(file.toAbsolutePath());
        return 0;
    }
}
