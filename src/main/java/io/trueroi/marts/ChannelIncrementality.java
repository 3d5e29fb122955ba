package io.trueroi.marts;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.last_day;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trunc;

import io.trueroi.attribution.Credits;
import io.trueroi.catalog.ModelName;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code mart.channel_incrementality}: per calendar month (business dates) × channel × campaign,
 * the spend and what the {@code incremental} model says the channel caused — its conversion and
 * revenue credits, which are each conversion's counterfactual drop without the channel — and the
 * incremental ROAS, incremental net revenue ÷ spend (null without spend). The conversions the
 * model keeps for the organic baseline appear as channel {@code (baseline)}, without spend;
 * conversions no touch preceded ({@code (none)}) are left out (nothing to be incremental to).
 * Empty when the incremental model is not among {@code trueroi.attribution.models}. The intervals
 * of the incremental conversions and of iROAS add two parts of the doubt ({@link
 * Intervals#combined}), both reported: the {@link Intervals percentile interval} of the row's
 * totals over the bootstrap replicates ({@code attribution.credit_replicates}, the model refitted
 * on each), and the range of the totals of the other specifications the fit kept; the spend held
 * fixed; null when the run wrote no replicates.
 *
 * <p>Cost: one aggregation of the incremental model's credits and one of the spend, joined per
 * (month, channel, campaign) (both small after aggregation), joined to the {@link #intervals}
 * (one quantile aggregation of the model's replicates, which the stage computes once and keeps).
 */
final class ChannelIncrementality {
    private ChannelIncrementality() {}

    /** The mart's key: the same month, channel and campaign (a null campaign matches a null one). */
    private static Column sameRow(Dataset<Row> a, Dataset<Row> b) {
        return a.col("period_start")
                .equalTo(b.col("period_start"))
                .and(a.col("channel").equalTo(b.col("channel")))
                .and(a.col("campaign_id").eqNullSafe(b.col("campaign_id")));
    }

    /** The incremental model's credits per (month, channel, campaign) up to the date. */
    private static Dataset<Row> caused(Dataset<Row> credits, Column asOf) {
        return credits.filter(col("model").equalTo(ModelName.INCREMENTAL.id()))
                .filter(col("conversion_date").leq(asOf))
                .filter(col("channel").notEqual(Credits.NO_TOUCH))
                .groupBy(trunc(col("conversion_date"), "month").as("period_start"), col("channel"), col("campaign_id"))
                .agg(
                        sum("conversion_credit")
                                .cast(ChannelRoiDaily.CONVERSIONS)
                                .as("incremental_conversions"),
                        sum("revenue_credit").cast(Spend.MONEY).as("incremental_net_revenue"));
    }

    static Dataset<Row> build(
            Dataset<Row> credits, Dataset<Row> replicates, Dataset<Row> spend, double level, LocalDate upTo) {
        return build(credits, intervals(credits, replicates, level, upTo), spend, upTo);
    }

    /**
     * The incremental model's intervals per month, channel and campaign up to the date: {@code cq}
     * of the conversions and {@code rq} of the net revenue, each the sampling interval widened by
     * the model doubt ({@link Intervals#combined}); claimed_vs_real reads them too. Their parts
     * for the conversions: {@code sq} the percentile interval over the bootstrap replicates,
     * {@code mq} the range over the other specifications the fit kept.
     */
    static Dataset<Row> intervals(Dataset<Row> credits, Dataset<Row> replicates, double level, LocalDate upTo) {
        Dataset<Row> parts = replicates
                .filter(col("model").equalTo(ModelName.INCREMENTAL.id()))
                .filter(col("period_start").leq(lit(upTo.toString()).cast("date")))
                .groupBy(col("period_start"), col("channel"), col("campaign_id"))
                .agg(
                        Intervals.bounds(col("conversions"), level).as("sq"),
                        Intervals.bounds(col("net_revenue"), level).as("srq"),
                        Intervals.specifications(col("conversions")).as("mq"),
                        Intervals.specifications(col("net_revenue")).as("mrq"));
        Dataset<Row> point = caused(credits, lit(upTo.toString()).cast("date"));
        return parts.join(point, sameRow(parts, point), "left")
                .select(
                        parts.col("period_start"),
                        parts.col("channel"),
                        parts.col("campaign_id"),
                        Intervals.combined(col("incremental_conversions"), col("sq"), col("mq"))
                                .as("cq"),
                        Intervals.combined(col("incremental_net_revenue"), col("srq"), col("mrq"))
                                .as("rq"),
                        col("sq"),
                        col("mq"));
    }

    /** @param intervals {@link #intervals} */
    static Dataset<Row> build(Dataset<Row> credits, Dataset<Row> intervals, Dataset<Row> spend, LocalDate upTo) {
        Column asOf = lit(upTo.toString()).cast("date");
        Column zeroMoney = lit(0).cast(Spend.MONEY);
        Dataset<Row> caused = caused(credits, asOf);
        Dataset<Row> bought = spend.filter(col("date").leq(asOf))
                .groupBy(trunc(col("date"), "month").as("period_start"), col("channel"), col("campaign_id"))
                .agg(sum("spend").cast(Spend.MONEY).as("spend"));
        // Spend only where the model ran: without incremental credits the mart is empty, not a
        // list of campaigns that seem to have caused nothing.
        Dataset<Row> withModel = bought.join(caused.select("period_start").distinct(), "period_start");
        Dataset<Row> rows = caused.join(withModel, sameRow(caused, withModel), "full_outer")
                .select(
                        coalesce(caused.col("period_start"), withModel.col("period_start"))
                                .as("period_start"),
                        coalesce(caused.col("channel"), withModel.col("channel"))
                                .as("channel"),
                        coalesce(caused.col("campaign_id"), withModel.col("campaign_id"))
                                .as("campaign_id"),
                        coalesce(withModel.col("spend"), zeroMoney).as("spend"),
                        coalesce(col("incremental_conversions"), lit(0).cast(ChannelRoiDaily.CONVERSIONS))
                                .as("incremental_conversions"),
                        coalesce(col("incremental_net_revenue"), zeroMoney).as("incremental_net_revenue"));
        return rows.join(intervals, sameRow(rows, intervals), "left")
                .select(
                        asOf.as("as_of_date"),
                        rows.col("period_start"),
                        least(last_day(rows.col("period_start")), asOf).as("period_end"),
                        rows.col("channel"),
                        rows.col("campaign_id"),
                        col("spend"),
                        col("incremental_conversions"),
                        col("incremental_net_revenue"),
                        Ratios.decimal(col("incremental_net_revenue"), col("spend"), 4)
                                .as("iroas"),
                        col("cq").getItem(0).cast(ChannelRoiDaily.CONVERSIONS).as("incremental_conversions_lo"),
                        col("cq").getItem(1).cast(ChannelRoiDaily.CONVERSIONS).as("incremental_conversions_hi"),
                        Ratios.decimal(col("rq").getItem(0), col("spend"), 4).as("iroas_lo"),
                        Ratios.decimal(col("rq").getItem(1), col("spend"), 4).as("iroas_hi"),
                        col("sq").getItem(0).cast(ChannelRoiDaily.CONVERSIONS).as("sampling_conversions_lo"),
                        col("sq").getItem(1).cast(ChannelRoiDaily.CONVERSIONS).as("sampling_conversions_hi"),
                        col("mq").getItem(0).cast(ChannelRoiDaily.CONVERSIONS).as("spec_conversions_lo"),
                        col("mq").getItem(1).cast(ChannelRoiDaily.CONVERSIONS).as("spec_conversions_hi"));
    }
}
