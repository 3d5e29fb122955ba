package io.trueroi.marts;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_distinct;
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
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

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
 * <p>Cost: one aggregation of the {@link CreditTotals} of ad channels (a broadcast semi-join to the
 * reported channels first), one quantile aggregation of the incremental model's replicates per month and
 * campaign; the rest joins small aggregates.
 */
final class ClaimedVsReal {
    static final List<String> KEY = List.of("date", "model", "channel", "campaign_id");
    private static final String CONVERSIONS = ChannelRoiDaily.CONVERSIONS;

    private ClaimedVsReal() {}

    /** @param totals {@link CreditTotals} */
    static Dataset<Row> build(
            SparkSession spark,
            Dataset<Row> totals,
            Dataset<Row> replicates,
            Dataset<Row> reported,
            List<ModelName> models,
            double level,
            LocalDate upTo) {
        Column asOf = lit(upTo.toString()).cast("date");
        Dataset<Row> claims = reported.filter(col("date").leq(asOf));
        Dataset<Row> credited = credited(totals, claims);
        Dataset<Row> modelNames = spark.createDataset(
                        models.stream().map(ModelName::id).toList(), Encoders.STRING())
                .toDF("model");
        Dataset<Row> rows = claims.select(
                        col("date"),
                        col("channel"),
                        col("campaign_id"),
                        col("spend"),
                        col("claimed_conversions"),
                        col("claimed_value"),
                        col("claimed_view_through"))
                .crossJoin(modelNames)
                .withColumn("credited_conversions", lit(null).cast(CONVERSIONS))
                .withColumn("credited_net_revenue", lit(null).cast(Spend.MONEY))
                .unionByName(credited.select(
                        col("date"),
                        col("channel"),
                        col("campaign_id"),
                        lit(0).cast(Spend.MONEY).as("spend"),
                        lit(null).cast(Spend.MONEY).as("claimed_conversions"),
                        lit(null).cast(Spend.MONEY).as("claimed_value"),
                        lit(null).cast(Spend.MONEY).as("claimed_view_through"),
                        col("model"),
                        col("credited_conversions"),
                        col("credited_net_revenue")))
                .groupBy(KEY.stream().map(c -> col(c)).toArray(Column[]::new))
                .agg(
                        sum("spend").cast(Spend.MONEY).as("spend"),
                        sum("claimed_conversions").cast(Spend.MONEY).as("claimed_conversions"),
                        sum("claimed_value").cast(Spend.MONEY).as("claimed_value"),
                        sum("claimed_view_through").cast(Spend.MONEY).as("claimed_view_through"),
                        coalesce(sum("credited_conversions"), lit(0))
                                .cast(CONVERSIONS)
                                .as("credited_conversions"),
                        coalesce(sum("credited_net_revenue"), lit(0))
                                .cast(Spend.MONEY)
                                .as("credited_net_revenue"));
        return withRatios(withCaused(withPlatform(rows, claims), caused(credited, replicates, level, asOf)));
    }

    /** Credits to the reported channels per conversion date, model, channel and campaign. */
    private static Dataset<Row> credited(Dataset<Row> totals, Dataset<Row> claims) {
        return totals.join(
                        broadcast(claims.select("channel").distinct()),
                        List.of("channel").toArray(new String[0]),
                        "left_semi")
                .groupBy(col("conversion_date").as("date"), col("model"), col("channel"), col("campaign_id"))
                .agg(
                        sum("conversions").cast(CONVERSIONS).as("credited_conversions"),
                        sum("net_revenue").cast(Spend.MONEY).as("credited_net_revenue"));
    }

    /** The campaign's platform, else its channel's when a single platform reports the channel. */
    private static Dataset<Row> withPlatform(Dataset<Row> rows, Dataset<Row> claims) {
        Dataset<Row> byCampaign = claims.groupBy(
                        col("channel").as("pc_channel"), col("campaign_id").as("pc_campaign"))
                .agg(min("platform").as("campaign_platform"));
        Dataset<Row> byChannel = claims.groupBy(col("channel").as("ch_channel"))
                .agg(when(count_distinct(col("platform")).equalTo(1), max("platform"))
                        .as("channel_platform"));
        return rows.join(
                        byCampaign,
                        col("channel")
                                .equalTo(col("pc_channel"))
                                .and(col("campaign_id").eqNullSafe(col("pc_campaign"))),
                        "left")
                .join(byChannel, col("channel").equalTo(col("ch_channel")), "left")
                .withColumn("platform", coalesce(col("campaign_platform"), col("channel_platform")))
                .drop("pc_channel", "pc_campaign", "campaign_platform", "ch_channel", "channel_platform");
    }

    /**
     * The incremental model's credits per date, channel and campaign, with the month's interval
     * scaled to the day; empty when the model did not run.
     */
    private static Dataset<Row> caused(Dataset<Row> credited, Dataset<Row> replicates, double level, Column asOf) {
        Dataset<Row> daily = credited.filter(col("model").equalTo(ModelName.INCREMENTAL.id()))
                .withColumn("period_start", trunc(col("date"), "month"));
        Dataset<Row> month = daily.groupBy(
                        col("period_start").as("m_period"),
                        col("channel").as("m_channel"),
                        col("campaign_id").as("m_campaign"))
                .agg(
                        sum("credited_conversions").as("month_conversions"),
                        sum("credited_net_revenue").as("month_net_revenue"));
        Dataset<Row> bounds = replicates
                .filter(col("model").equalTo(ModelName.INCREMENTAL.id()))
                .filter(col("period_start").leq(asOf))
                .groupBy(
                        col("period_start").as("r_period"),
                        col("channel").as("r_channel"),
                        col("campaign_id").as("r_campaign"))
                .agg(
                        Intervals.bounds(col("conversions"), level).as("cq"),
                        Intervals.bounds(col("net_revenue"), level).as("rq"));
        Column share = col("credited_conversions")
                .cast("double")
                .divide(col("month_conversions").cast("double"));
        Column revenueShare = col("credited_net_revenue")
                .cast("double")
                .divide(col("month_net_revenue").cast("double"));
        return daily.join(
                        month,
                        col("period_start")
                                .equalTo(col("m_period"))
                                .and(col("channel").equalTo(col("m_channel")))
                                .and(col("campaign_id").eqNullSafe(col("m_campaign"))))
                .join(
                        bounds,
                        col("period_start")
                                .equalTo(col("r_period"))
                                .and(col("channel").equalTo(col("r_channel")))
                                .and(col("campaign_id").eqNullSafe(col("r_campaign"))),
                        "left")
                .select(
                        col("date").as("c_date"),
                        col("channel").as("c_channel"),
                        col("campaign_id").as("c_campaign"),
                        col("credited_conversions").as("caused_conversions"),
                        scaled(col("cq").getItem(0), share, CONVERSIONS).as("caused_conversions_lo"),
                        scaled(col("cq").getItem(1), share, CONVERSIONS).as("caused_conversions_hi"),
                        col("credited_net_revenue").as("caused_net_revenue"),
                        scaled(col("rq").getItem(0), revenueShare, Spend.MONEY).as("caused_net_revenue_lo"),
                        scaled(col("rq").getItem(1), revenueShare, Spend.MONEY).as("caused_net_revenue_hi"));
    }

    /** A month's bound times the day's share of the month; null without replicates or a share. */
    private static Column scaled(Column bound, Column share, String type) {
        return when(share.isNaN(), lit(null))
                .otherwise(bound.cast("double").multiply(share))
                .cast(type);
    }

    private static Dataset<Row> withCaused(Dataset<Row> rows, Dataset<Row> caused) {
        return rows.join(
                        caused,
                        col("date")
                                .equalTo(col("c_date"))
                                .and(col("channel").equalTo(col("c_channel")))
                                .and(col("campaign_id").eqNullSafe(col("c_campaign"))),
                        "left")
                .drop("c_date", "c_channel", "c_campaign");
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
