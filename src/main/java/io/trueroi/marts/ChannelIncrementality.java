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
 * Empty when the incremental model is not among {@code trueroi.attribution.models}.
 *
 * <p>Cost: one aggregation of the incremental model's credits and one of the spend, joined per
 * (month, channel, campaign) (both small after aggregation).
 */
final class ChannelIncrementality {
    private ChannelIncrementality() {}

    static Dataset<Row> build(Dataset<Row> credits, Dataset<Row> spend, LocalDate upTo) {
        Column asOf = lit(upTo.toString()).cast("date");
        Column zeroMoney = lit(0).cast(Spend.MONEY);
        Dataset<Row> caused = credits.filter(col("model").equalTo(ModelName.INCREMENTAL.id()))
                .filter(col("conversion_date").leq(asOf))
                .filter(col("channel").notEqual(Credits.NO_TOUCH))
                .groupBy(trunc(col("conversion_date"), "month").as("period_start"), col("channel"), col("campaign_id"))
                .agg(
                        sum("conversion_credit")
                                .cast(ChannelRoiDaily.CONVERSIONS)
                                .as("incremental_conversions"),
                        sum("revenue_credit").cast(Spend.MONEY).as("incremental_net_revenue"));
        Dataset<Row> bought = spend.filter(col("date").leq(asOf))
                .groupBy(trunc(col("date"), "month").as("period_start"), col("channel"), col("campaign_id"))
                .agg(sum("spend").cast(Spend.MONEY).as("spend"));
        // Spend only where the model ran: without incremental credits the mart is empty, not a
        // list of campaigns that seem to have caused nothing.
        Dataset<Row> withModel = bought.join(caused.select("period_start").distinct(), "period_start");
        Column periodEnd = least(last_day(col("period_start")), asOf);
        return caused.join(
                        withModel,
                        caused.col("period_start")
                                .equalTo(withModel.col("period_start"))
                                .and(caused.col("channel").equalTo(withModel.col("channel")))
                                .and(caused.col("campaign_id").eqNullSafe(withModel.col("campaign_id"))),
                        "full_outer")
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
                        coalesce(col("incremental_net_revenue"), zeroMoney).as("incremental_net_revenue"))
                .select(
                        asOf.as("as_of_date"),
                        col("period_start"),
                        periodEnd.as("period_end"),
                        col("channel"),
                        col("campaign_id"),
                        col("spend"),
                        col("incremental_conversions"),
                        col("incremental_net_revenue"),
                        Ratios.decimal(col("incremental_net_revenue"), col("spend"), 4)
                                .as("iroas"));
    }
}
