package io.trueroi.marts;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * {@code mart.model_comparison}: channel × model — the conversions and net revenue each model
 * credits to each channel over every conversion up to the run's date, and the channel's share of
 * the model's total (a double; every model's shares sum to 1, since credits sum to 1 and to the
 * net revenue per conversion). Revenue shares are null for a model whose total revenue is 0.
 *
 * <p>Cost: one aggregation of the credits; the per-model totals are a window over its small result.
 */
final class ModelComparison {
    private ModelComparison() {}

    static Dataset<Row> build(Dataset<Row> credits, LocalDate upTo) {
        var perModel = Window.partitionBy("model");
        return credits.filter(col("conversion_date").leq(lit(upTo.toString()).cast("date")))
                .groupBy("model", "channel")
                .agg(
                        sum("conversion_credit")
                                .cast(ChannelRoiDaily.CONVERSIONS)
                                .as("conversions"),
                        sum("revenue_credit").cast(Spend.MONEY).as("net_revenue"))
                .withColumn(
                        "conversion_share",
                        Ratios.fraction(col("conversions"), sum("conversions").over(perModel)))
                .withColumn(
                        "revenue_share",
                        Ratios.fraction(col("net_revenue"), sum("net_revenue").over(perModel)))
                .select(
                        lit(upTo.toString()).cast("date").as("as_of_date"),
                        col("model"),
                        col("channel"),
                        col("conversions"),
                        col("net_revenue"),
                        col("conversion_share"),
                        col("revenue_share"));
    }
}
