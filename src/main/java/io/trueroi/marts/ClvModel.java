package io.trueroi.marts;

import io.trueroi.clv.ClvTraining;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code mart.clv_model}: the run date's fitted parameters, one row per model and parameter, with
 * the model's log-likelihood and the customers it was fitted on. Replaces that run date's rows
 * only, so the fits of earlier dates stay beside it for analysts to watch the parameters move.
 *
 * <p>Cost: seven rows built on the driver.
 */
final class ClvModel {
    static final StructType SCHEMA = new StructType()
            .add("as_of_date", DataTypes.DateType)
            .add("model", DataTypes.StringType)
            .add("parameter", DataTypes.StringType)
            .add("value", DataTypes.DoubleType)
            .add("log_likelihood", DataTypes.DoubleType)
            .add("customers", DataTypes.LongType)
            .add("time_unit", DataTypes.StringType);

    private ClvModel() {}

    static Dataset<Row> build(SparkSession spark, ClvTraining.Fit fit, LocalDate upTo) {
        Date asOf = Date.valueOf(upTo);
        String unit = fit.unitDays() == 7 ? "weeks" : "days";
        List<Row> rows = new ArrayList<>();
        var bg = fit.bgNbd();
        String[] bgNames = {"r", "alpha", "a", "b"};
        double[] bgValues = {
            bg.params().r(), bg.params().alpha(), bg.params().a(), bg.params().b()
        };
        for (int i = 0; i < bgNames.length; i++) {
            rows.add(RowFactory.create(
                    asOf, "bg_nbd", bgNames[i], bgValues[i], bg.logLikelihood(), bg.customers(), unit));
        }
        var gg = fit.gammaGamma();
        String[] ggNames = {"p", "q", "v"};
        double[] ggValues = {gg.params().p(), gg.params().q(), gg.params().v()};
        for (int i = 0; i < ggNames.length; i++) {
            rows.add(RowFactory.create(
                    asOf, "gamma_gamma", ggNames[i], ggValues[i], gg.logLikelihood(), gg.customers(), unit));
        }
        return spark.createDataFrame(rows, SCHEMA);
    }
}
