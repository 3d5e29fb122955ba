package io.trueroi.marts;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The credits of every conversion up to the run's date, summed per conversion date × touch date ×
 * model × channel × campaign: what the marts of credits against spend group further, by touch
 * date ({@link ChannelRoiDaily}) or by conversion date ({@link ClaimedVsReal}). Sums of decimals
 * are exact, so a mart grouped from these totals equals one grouped from the credits.
 *
 * <p>Cost: the one scan of {@code attribution.credits} the marts make, joined to the conversions
 * (first-purchase flag) and aggregated in one shuffle; the caller keeps the small result.
 */
final class CreditTotals {
    private CreditTotals() {}

    static Dataset<Row> build(Dataset<Row> credits, Dataset<Row> conversions, LocalDate upTo) {
        return credits.filter(col("conversion_date").leq(lit(upTo.toString()).cast("date")))
                .join(conversions.select("conversion_id", "is_first_purchase"), "conversion_id")
                .groupBy("conversion_date", "touch_date", "model", "channel", "campaign_id")
                .agg(
                        sum("conversion_credit")
                                .cast(ChannelRoiDaily.CONVERSIONS)
                                .as("conversions"),
                        sum("revenue_credit").cast(Spend.MONEY).as("net_revenue"),
                        sum(when(col("is_first_purchase"), col("conversion_credit"))
                                        .otherwise(lit(0)))
                                .cast(ChannelRoiDaily.CONVERSIONS)
                                .as("new_customers"));
    }
}
