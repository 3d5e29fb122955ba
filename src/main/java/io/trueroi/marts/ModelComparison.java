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
 * net revenue per conversion). Revenue shares are null for a model whose total revenue is 0. Each
 * share's interval ({@code *_lo}, {@code *_hi}) is the {@link Intervals percentile interval} of the
 * channel's share in each bootstrap replicate ({@code attribution.credit_replicates}); null when
 * the run wrote no replicates.
 *
 * <p>Cost: one aggregation of the credits; the per-model totals are a window over its small result.
 * The intervals: one aggregation of the replicates by (model, channel, replicate), a window per
 * (model, replicate), one quantile aggregation per (model, channel), joined to the shares.
 */
final class ModelComparison {
    private ModelComparison() {}

    static Dataset<Row> build(Dataset<Row> credits, Dataset<Row> replicates, double level, LocalDate upTo) {
        var perModel = Window.partitionBy("model");
        var perReplicate = Window.partitionBy("model", "replicate");
        Dataset<Row> intervals = replicates
                .filter(col("period_start").leq(lit(upTo.toString()).cast("date")))
                .groupBy("model", "channel", "replicate")
                .agg(sum("conversions").as("c"), sum("net_revenue").as("r"))
                .select(
                        col("model"),
                        col("channel"),
                        col("replicate"),
                        Ratios.fraction(col("c"), sum("c").over(perReplicate)).as("cs"),
                        Ratios.fraction(col("r"), sum("r").over(perReplicate)).as("rs"))
                .groupBy("model", "channel")
                .agg(
                        Intervals.bounds(col("cs"), level).as("cq"),
                        Intervals.bounds(col("rs"), level).as("rq"),
                        Intervals.specifications(col("cs")).as("cm"),
                        Intervals.specifications(col("rs")).as("rm"));
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
                .join(intervals, new String[] {"model", "channel"}, "left")
                .withColumn("cq", Intervals.combined(col("conversion_share"), col("cq"), col("cm")))
                .withColumn("rq", Intervals.combined(col("revenue_share"), col("rq"), col("rm")))
                .select(
                        lit(upTo.toString()).cast("date").as("as_of_date"),
                        col("model"),
                        col("channel"),
                        col("conversions"),
                        col("net_revenue"),
                        col("conversion_share"),
                        col("revenue_share"),
                        col("cq").getItem(0).as("conversion_share_lo"),
                        col("cq").getItem(1).as("conversion_share_hi"),
                        col("rq").getItem(0).as("revenue_share_lo"),
                        col("rq").getItem(1).as("revenue_share_hi"));
    }
}
