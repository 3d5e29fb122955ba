package io.trueroi.marts;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.trueroi.catalog.Table;
import io.trueroi.spark.Warehouse;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code mart.claims_reconciliation}: per business date, every order and net revenue the business
 * booked, by where it was booked (own site, Tmall, JD, the tills, any other shop), beside the sum
 * of every ad platform's claims for that date. The claims-to-real ratios put the platforms'
 * arithmetic against the ledger's: above 1 they claim more than there was. Each platform claims
 * without regard to the others, by gross value, and its pixel never sees the tills, so the ratio
 * against online revenue is given too. A date with sales and no claims, or claims and no sales,
 * keeps its row; claims no report made stay null.
 *
 * <p>Cost: one aggregation of the conversions by date, one of the spend reports; joined per date.
 */
final class ClaimsReconciliation {
    /** The shops with columns of their own ({@code journey.conversions.platform}); the rest are other. */
    static final List<String> SHOPS = List.of("ownsite", "tmall", "jd", "store");

    private ClaimsReconciliation() {}

    static Dataset<Row> build(Dataset<Row> conversions, Dataset<Row> reported, LocalDate upTo) {
        Column asOf = lit(upTo.toString()).cast("date");
        Column zeroMoney = lit(0).cast(Spend.MONEY);
        List<Column> booked = new ArrayList<>(List.of(
                count(lit(1)).as("orders"),
                sum("gross_revenue").cast(Spend.MONEY).as("gross_revenue"),
                sum("net_revenue").cast(Spend.MONEY).as("net_revenue"),
                sum(when(col("order_channel").equalTo("online"), col("net_revenue")))
                        .cast(Spend.MONEY)
                        .as("online_net_revenue")));
        Column other = lit(true);
        for (String shop : SHOPS) {
            Column at = col("platform").equalTo(shop);
            other = other.and(at.isNull().or(at.equalTo(false)));
            booked.add(count(when(at, lit(1))).as(shop + "_orders"));
            booked.add(sum(when(at, col("net_revenue"))).cast(Spend.MONEY).as(shop + "_net_revenue"));
        }
        booked.add(count(when(other, lit(1))).as("other_orders"));
        booked.add(sum(when(other, col("net_revenue"))).cast(Spend.MONEY).as("other_net_revenue"));
        Dataset<Row> sales = conversions
                .filter(col("conversion_date").leq(asOf))
                .groupBy(col("conversion_date").as("s_date"))
                .agg(booked.get(0), booked.subList(1, booked.size()).toArray(new Column[0]));
        Dataset<Row> claims = reported.filter(col("date").leq(asOf))
                .groupBy(col("date").as("c_date"))
                .agg(
                        sum("spend").cast(Spend.MONEY).as("spend"),
                        sum("claimed_conversions").cast(Spend.MONEY).as("claimed_conversions"),
                        sum("claimed_value").cast(Spend.MONEY).as("claimed_value"),
                        sum("claimed_view_through").cast(Spend.MONEY).as("claimed_view_through"));
        List<Column> out = new ArrayList<>();
        out.add(coalesce(col("s_date"), col("c_date")).as("date"));
        out.add(coalesce(col("orders"), lit(0L)).as("orders"));
        for (String money : List.of("gross_revenue", "net_revenue", "online_net_revenue")) {
            out.add(coalesce(col(money), zeroMoney).as(money));
        }
        for (String shop : concat(SHOPS, "other")) {
            out.add(coalesce(col(shop + "_orders"), lit(0L)).as(shop + "_orders"));
            out.add(coalesce(col(shop + "_net_revenue"), zeroMoney).as(shop + "_net_revenue"));
        }
        out.add(coalesce(col("spend"), zeroMoney).as("spend"));
        out.add(col("claimed_conversions"));
        out.add(col("claimed_value"));
        out.add(col("claimed_view_through"));
        out.add(Ratios.decimal(col("claimed_conversions"), col("orders"), 4).as("claims_to_orders"));
        out.add(Ratios.decimal(col("claimed_value"), col("net_revenue"), 4).as("claims_to_net_revenue"));
        out.add(Ratios.decimal(col("claimed_value"), col("online_net_revenue"), 4)
                .as("claims_to_online_net_revenue"));
        return sales.join(claims, col("s_date").equalTo(col("c_date")), "full_outer")
                .select(out.toArray(new Column[0]));
    }

    /**
     * The week to {@code upTo} in one line: what the platforms claimed against what was booked,
     * from the mart just written (seven rows); empty when the week has no claims.
     */
    static List<String> week(Warehouse warehouse, LocalDate upTo) {
        Row w = warehouse
                .read(Table.CLAIMS_RECONCILIATION)
                .filter(col("date").between(lit(upTo.minusDays(6).toString()), lit(upTo.toString())))
                .agg(
                        sum("claimed_conversions"),
                        sum("orders"),
                        sum("claimed_value"),
                        sum("net_revenue"),
                        sum("claimed_view_through"))
                .first();
        if (w.isNullAt(0)) {
            return List.of();
        }
        BigDecimal claimed = w.getDecimal(0);
        long orders = w.isNullAt(1) ? 0 : w.getLong(1);
        BigDecimal value = w.isNullAt(2) ? BigDecimal.ZERO : w.getDecimal(2);
        BigDecimal net = w.isNullAt(3) ? BigDecimal.ZERO : w.getDecimal(3);
        return List.of(String.format(
                Locale.ROOT,
                "claims, 7 days to %s: the ad platforms claim %s conversions (and %s view-through) worth %,.2f;"
                        + " the shops and tills booked %d orders, %,.2f net: %s x the orders, %s x the net revenue"
                        + " (mart.claims_reconciliation)",
                upTo,
                claimed.stripTrailingZeros().toPlainString(),
                w.isNullAt(4) ? "no" : w.getDecimal(4).stripTrailingZeros().toPlainString(),
                value,
                orders,
                net,
                ratio(claimed, BigDecimal.valueOf(orders)),
                ratio(value, net)));
    }

    private static String ratio(BigDecimal a, BigDecimal b) {
        return b.signum() == 0 ? "n/a" : a.divide(b, 2, RoundingMode.HALF_EVEN).toPlainString();
    }

    private static List<String> concat(List<String> a, String b) {
        List<String> all = new ArrayList<>(a);
        all.add(b);
        return all;
    }
}
