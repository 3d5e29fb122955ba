package io.trueroi.jobs;

import io.trueroi.catalog.Table;
import io.trueroi.config.TrueRoiConfig;
import io.trueroi.spark.SparkSessions;
import io.trueroi.spark.Warehouse;
import io.trueroi.synthetic.Evaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trueroi evaluate --truth FILE}: every model's channel shares against a generated world's truth. */
@Command(
        name = "evaluate",
        description = "Compares each model's channel shares in mart.model_comparison with a "
                + "generated world's ground_truth.json.")
final class EvaluateCommand extends BaseCommand {

    @Option(names = "--truth", required = true, paramLabel = "FILE", description = "The world's ground_truth.json.")
    String truth;

    @Override
    public Integer call() {
        TrueRoiConfig config = TrueRoiConfig.load(confFiles, env);
        Warehouse warehouse = SparkSessions.warehouse(config);
        if (!warehouse.exists(Table.MODEL_COMPARISON)) {
            throw new io.trueroi.ops.JobFailure("evaluate: " + Table.MODEL_COMPARISON + " does not exist under "
                    + config.warehouse() + ": run nightly on the generated world first");
        }
        var out = spec.commandLine().getOut();
        double level = config.attribution().intervalLevel();
        out.print(Evaluation.table(Evaluation.evaluate(warehouse, truth, level)));
        var absolute = Evaluation.incremental(warehouse, truth, level);
        if (!absolute.isEmpty()) {
            out.println();
            out.print(Evaluation.incrementalTable(absolute));
        }
        out.flush();
        return 0;
    }
}
