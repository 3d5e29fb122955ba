package io.trueroi.marts;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;

import io.trueroi.catalog.ModelName;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * {@code mart.claimed_vs_real}: business date × model × ad channel × campaign — what the ad
 * platform claims it converted, beside what the shops and tills booked through its touches.
 *
 * <p>Claims and spend are dated by their report date, credits by their conversion date: the
 * platforms count a conversion on the day it happened, so the two meet on the day of the sale.
 * Only the channels some spend report names are kept (WeChat, organic and the model's baseline
 * claim nothing). Claims and spend repeat on every model's row, as do the incremental model's
 * caused conversions and net revenue, so one row reads claimed against credited against caused.
 * A claim no report made stays null, never zero; a campaign with claims and no credit, or credit
 * and no report that day, keeps its row. {@code platform} is the campaign's platform in the spend
 * reports (else its channel's, when one platform feeds it).
 *
 * <p>The bootstrap resamples per conversion month, so a day's caused interval is the month's
 * percentile interval scaled by the day's share of the month's caused value: exact for the month,
 * proportional within it.
 *
 * <p>Cost: one aggregation of the {@link CreditTotals} with the reports, one shuffle by channel for
 * every window (platform, caused value, month share); the incremental model's month intervals
 * (computed once for this and channel_incrementality) are broadcast.
 */
final class ClaimedVsReal {
    static final List<String> KEY = List.of("date", "model", "channel", "campaign_id");
    private static final String CONVERSIONS = ChannelRoiDaily.CONVERSIONS;

    private ClaimedVsReal() {}

    /**
     * @param totals {@link CreditTotals}
     * @param intervals {@link ChannelIncrementality#intervals}
     */
    static Dataset<Row> build(
            SparkSession spark,
            Dataset<Row> totals,
            Dataset<Row> intervals,
            Dataset<Row> reported,
            List<ModelName> models,
            LocalDate upTo) {
        Column asOf = lit(upTo.toString()).cast("date");
        Dataset<Row> modelNames = ChannelRoiDaily.modelNames(spark, models);
        Dataset<Row> reports = reported.filter(col("date").leq(asOf))
                .select(
                        col("date"),
                        col("platform"),
                        col("channel"),
                        col("campaign_id"),
                        col("spend"),
                        col("claimed_conversions"),
                        col("claimed_value"),
                        col("claimed_view_through"))
                .crossJoin(modelNames)
                .withColumn("credited_conversions", lit(null).cast(CONVERSIONS))
                .withColumn("credited_net_revenue", lit(null).cast(Spend.MONEY));
        Column noMoney = lit(null).cast(Spend.MONEY);
        Dataset<Row> credited = totals.select(
                col("conversion_date").as("date"),
                lit(null).cast("string").as("platform"),
                col("channel"),
                col("campaign_id"),
                lit(0).cast(Spend.MONEY).as("spend"),
                noMoney.as("claimed_conversions"),
                noMoney.as("claimed_value"),
                noMoney.as("claimed_view_through"),
                col("model"),
                col("conversions").as("credited_conversions"),
                col("net_revenue").as("credited_net_revenue"));
        Dataset<Row> rows = reports.unionByName(credited)
                .groupBy(KEY.stream().map(c -> col(c)).toArray(Column[]::new))
                .agg(
                        max("platform").as("reported_platform"),
                        sum("spend").cast(Spend.MONEY).as("spend"),
                        sum("claimed_conversions").cast(Spend.MONEY).as("claimed_conversions"),
                        sum("claimed_value").cast(Spend.MONEY).as("claimed_value"),
                        sum("claimed_view_through").cast(Spend.MONEY).as("claimed_view_through"),
                        // Null where nothing was credited: the caused columns below tell it from 0.
                        sum("credited_conversions").cast(CONVERSIONS).as("credited_conversions"),
                        sum("credited_net_revenue").cast(Spend.MONEY).as("credited_net_revenue"));
        Dataset<Row> bounds = intervals.select(
                col("period_start").as("r_period"),
                col("channel").as("r_channel"),
                col("campaign_id").as("r_campaign"),
                col("cq"),
                col("rq"));
        return withRatios(withCaused(withPlatform(rows), bounds));
    }

    /**
     * The campaign's platform, else its channel's when one platform reports the channel; rows of
     * channels no report names are dropped. The windows over a channel, and the caused columns'
     * windows after them, all partition within a channel: one shuffle serves them all.
     */
    private static Dataset<Row> withPlatform(Dataset<Row> rows) {
        WindowSpec channel = Window.partitionBy("channel");
        WindowSpec campaign = Window.partitionBy("channel", "campaign_id");
        return rows.withColumn("channel_first", min("reported_platform").over(channel))
                .withColumn("channel_last", max("reported_platform").over(channel))
                .filter(col("channel_last").isNotNull())
                .withColumn(
                        "platform",
                        coalesce(
                                min("reported_platform").over(campaign),
                                when(col("channel_first").equalTo(col("channel_last")), col("channel_first"))))
                .drop("reported_platform", "channel_first", "channel_last");
    }

    /**
     * The incremental model's credits of the day on every model's row, and the day's share of its
     * month applied to the month's interval.
     */
    private static Dataset<Row> withCaused(Dataset<Row> rows, Dataset<Row> bounds) {
        Column incremental = col("model").equalTo(ModelName.INCREMENTAL.id());
        WindowSpec day = Window.partitionBy("channel", "campaign_id", "date");
        WindowSpec month = Window.partitionBy(col("channel"), col("campaign_id"), trunc(col("date"), "month"));
        Dataset<Row> caused = rows.withColumn(
                        "caused_conversions",
                        max(when(incremental, col("credited_conversions"))).over(day))
                .withColumn(
                        "caused_net_revenue",
                        max(when(incremental, col("credited_net_revenue"))).over(day))
                .withColumn(
                        "month_conversions",
                        sum(when(incremental, col("credited_conversions").cast("double")))
                                .over(month))
                .withColumn(
                        "month_net_revenue",
                        sum(when(incremental, col("credited_net_revenue").cast("double")))
                                .over(month));
        Column share = fraction(col("caused_conversions"), col("month_conversions"));
        Column revenueShare = fraction(col("caused_net_revenue"), col("month_net_revenue"));
        return caused.join(
                        broadcast(bounds),
                        trunc(col("date"), "month")
                                .equalTo(col("r_period"))
                                .and(col("channel").equalTo(col("r_channel")))
                                .and(col("campaign_id").eqNullSafe(col("r_campaign"))),
                        "left")
                .withColumn("caused_conversions_lo", scaled(col("cq").getItem(0), share, CONVERSIONS))
                .withColumn("caused_conversions_hi", scaled(col("cq").getItem(1), share, CONVERSIONS))
                .withColumn("caused_net_revenue_lo", scaled(col("rq").getItem(0), revenueShare, Spend.MONEY))
                .withColumn("caused_net_revenue_hi", scaled(col("rq").getItem(1), revenueShare, Spend.MONEY))
                .withColumn("credited_conversions", coalesce(col("credited_conversions"), lit(0).cast(CONVERSIONS)))
                .withColumn("credited_net_revenue", coalesce(col("credited_net_revenue"), lit(0).cast(Spend.MONEY)));
    }

    /** The day's share of its month; null for a month whose caused total is 0 (ANSI division fails). */
    private static Column fraction(Column day, Column month) {
        return when(month.isNull().or(month.equalTo(0)), lit(null).cast("double"))
                .otherwise(day.cast("double").divide(month));
    }

    /** A month's bound times the day's share of the month; null without replicates or a share. */
    private static Column scaled(Column bound, Column share, String type) {
        return when(share.isNull(), lit(null))
                .otherwise(bound.cast("double").multiply(share))
                .cast(type);
    }

    private static Dataset<Row> withRatios(Dataset<Row> rows) {
        return rows.select(
                col("date"),
                col("model"),
                col("platform"),
                col("channel"),
                col("campaign_id"),
                col("spend"),
                col("claimed_conversions"),
                col("claimed_value"),
                col("claimed_view_through"),
                col("credited_conversions"),
                col("credited_net_revenue"),
                col("caused_conversions"),
                col("caused_conversions_lo"),
                col("caused_conversions_hi"),
                col("caused_net_revenue"),
                col("caused_net_revenue_lo"),
                col("caused_net_revenue_hi"),
                Ratios.decimal(col("claimed_value"), col("spend"), 4).as("claimed_roas"),
                Ratios.decimal(col("credited_net_revenue"), col("spend"), 4).as("real_roas"),
                Ratios.decimal(col("caused_net_revenue"), col("spend"), 4).as("iroas"),
                Ratios.decimal(col("caused_net_revenue_lo"), col("spend"), 4).as("iroas_lo"),
                Ratios.decimal(col("caused_net_revenue_hi"), col("spend"), 4).as("iroas_hi"),
                Ratios.decimal(col("claimed_value"), col("credited_net_revenue"), 4)
                        .as("overclaim"));
    }
}
