package io.trueroi.jobs;

import io.trueroi.config.TrueRoiConfig;
import io.trueroi.spark.SparkSessions;
import io.trueroi.spark.Warehouse;
import io.trueroi.synthetic.Evaluation;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trueroi evaluate --truth FILE}: every model's channel shares against a generated world's truth. */
@Command(name = "evaluate", description = "Compares each model's channel shares in mart.model_comparison with a "
    + "generated world's ground_truth.json.")
final class EvaluateCommand extends BaseCommand {

  @Option(names = "--truth", required = true, paramLabel = "FILE", description = "The world's ground_truth.json.")
  String truth;

  @Override
  public Integer call() {
    TrueRoiConfig config = TrueRoiConfig.load(confFiles, env);
    SparkSession spark = SparkSessions.create(config);
    Warehouse warehouse = new Warehouse(spark, config.warehouse());
    if (!warehouse.exists("mart", "model_comparison")) {
      throw new io.trueroi.ops.JobFailure("evaluate: mart.model_comparison does not exist under "
          + config.warehouse() + ": run nightly on the generated world first");
    }
    var out = spec.commandLine().getOut();
    out.print(Evaluation.table(Evaluation.evaluate(spark, warehouse, truth)));
    out.flush();
    return 0;
  }
}
