package io.trueroi.journey;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.bround;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.trueroi.catalog.Table;
import io.trueroi.config.TrueRoiConfig;
import io.trueroi.identity.Identifiers;
import io.trueroi.identity.OneIdLookup;
import io.trueroi.spark.BusinessDate;
import io.trueroi.spark.Warehouse;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;

/**
 * {@code journey.conversions}: paid e-commerce orders and till sales, each with what came back.
 *
 * <p>An order converts when it was paid and is not UNPAID, CANCELLED or CLOSED; its gross is the
 * amount the buyer paid, and its refunds are the sum of its refund records. A till SALE converts;
 * its RETURNs (linked by original_transaction_id) are its refunds. Money is converted to the
 * reporting currency with {@code trueroi.fx-rates}, each amount rounded half-even to the cent:
 * {@code net_revenue = gross_revenue - refunds}. {@code is_first_purchase} marks each OneID's
 * earliest conversion. Conversions whose records carry no mapped identifier keep a null one_id:
 * they count in totals but have no journey.
 */
public final class Conversions {
    static final String MONEY = "decimal(18,2)";
    static final List<String> COLUMNS = List.of(
            "conversion_id",
            "one_id",
            "conversion_time",
            "conversion_date",
            "order_channel",
            "platform",
            "store_id",
            "order_id",
            "currency",
            "gross_amount",
            "refund_amount",
            "gross_revenue",
            "refunds",
            "net_revenue",
            "is_first_purchase",
            "source_table");

    private Conversions() {}

    public static Column fx(TrueRoiConfig config, Column currency) {
        List<Column> kv = new ArrayList<>();
        for (Map.Entry<String, BigDecimal> e : config.fxRates().entrySet()) {
            kv.add(lit(e.getKey()));
            kv.add(lit(e.getValue().toPlainString()).cast("decimal(20,8)"));
        }
        return element_at(functions.map(kv.toArray(new Column[0])), currency);
    }

    /** An amount in the reporting currency, rounded half-even to the cent. */
    public static Column toReporting(TrueRoiConfig config, Column amount, Column currency) {
        return bround(amount.multiply(fx(config, currency)), 2).cast(MONEY);
    }

    static Dataset<Row> build(Warehouse w, TrueRoiConfig config, OneIdLookup lookup, LocalDate upTo) {
        Dataset<Row> all = null;
        if (w.exists(Table.ECOMMERCE_ORDERS)) {
            all = orders(w, lookup, upTo);
        }
        if (w.exists(Table.POS_TRANSACTIONS)) {
            Dataset<Row> pos = pos(w, lookup, upTo);
            all = all == null ? pos : all.unionByName(pos);
        }
        if (all == null) {
            throw new IllegalStateException("no silver order tables under " + w.root() + ": run ingest first");
        }
        Column first = row_number().over(Window.partitionBy("one_id").orderBy("conversion_time", "conversion_id"));
        // Orders and till sales keyed first, then one join with the map for both.
        return Identifiers.resolve(all, lookup)
                .withColumn("gross_revenue", toReporting(config, col("gross_amount"), col("currency")))
                .withColumn("refunds", toReporting(config, col("refund_amount"), col("currency")))
                .withColumn(
                        "net_revenue",
                        col("gross_revenue").minus(col("refunds")).cast(MONEY))
                .withColumn("conversion_date", BusinessDate.of(col("conversion_time"), config.businessTimeZone()))
                .withColumn("is_first_purchase", when(col("one_id").isNotNull(), first.equalTo(1)))
                .select(COLUMNS.stream().map(c -> col(c)).toArray(Column[]::new));
    }

    static Dataset<Row> refundsByOrder(Warehouse w, LocalDate upTo) {
        return Silver.latest(w, Table.ECOMMERCE_REFUNDS, upTo)
                .groupBy("platform", "order_id")
                .agg(sum("refund_amount").as("refund_amount"));
    }

    static Dataset<Row> orders(Warehouse w, OneIdLookup lookup, LocalDate upTo) {
        Dataset<Row> paid = Silver.latest(w, Table.ECOMMERCE_ORDERS, upTo)
                .filter(col("paid_at")
                        .isNotNull()
                        .and(col("status").isin("UNPAID", "CANCELLED", "CLOSED").unary_$bang()));
        Dataset<Row> o = Identifiers.withLookupKey(paid, Table.ECOMMERCE_ORDERS, lookup);
        if (w.exists(Table.ECOMMERCE_REFUNDS)) {
            o = o.join(refundsByOrder(w, upTo), List.of("platform", "order_id").toArray(new String[0]), "left_outer");
        } else {
            o = o.withColumn("refund_amount", lit(null).cast(MONEY));
        }
        return o.select(
                concat_ws("|", col("platform"), col("order_id")).as("conversion_id"),
                col(Identifiers.LOOKUP_KEY),
                col("paid_at").as("conversion_time"),
                lit("online").as("order_channel"),
                col("platform"),
                lit(null).cast("string").as("store_id"),
                col("order_id"),
                col("currency"),
                col("payment_amount").as("gross_amount"),
                coalesce(col("refund_amount"), lit(0)).cast(MONEY).as("refund_amount"),
                lit(Table.ECOMMERCE_ORDERS.tableName()).as("source_table"));
    }

    static Dataset<Row> returnsBySale(Warehouse w, LocalDate upTo) {
        return Silver.latest(w, Table.POS_TRANSACTIONS, upTo)
                .filter(col("type")
                        .equalTo("RETURN")
                        .and(col("original_transaction_id").isNotNull()))
                .groupBy(col("store_id"), col("original_transaction_id").as("transaction_id"))
                .agg(sum(abs(col("amount"))).as("refund_amount"));
    }

    static Dataset<Row> pos(Warehouse w, OneIdLookup lookup, LocalDate upTo) {
        Dataset<Row> sales = Identifiers.withLookupKey(
                Silver.latest(w, Table.POS_TRANSACTIONS, upTo)
                        .filter(col("type").equalTo("SALE")),
                Table.POS_TRANSACTIONS,
                lookup);
        return sales.join(returnsBySale(w, upTo), new String[] {"store_id", "transaction_id"}, "left_outer")
                .select(
                        concat_ws("|", lit("store"), col("store_id"), col("transaction_id"))
                                .as("conversion_id"),
                        col(Identifiers.LOOKUP_KEY),
                        col("transaction_time").as("conversion_time"),
                        lit("offline").as("order_channel"),
                        lit("store").as("platform"),
                        col("store_id"),
                        col("transaction_id").as("order_id"),
                        col("currency"),
                        col("amount").as("gross_amount"),
                        coalesce(col("refund_amount"), lit(0)).cast(MONEY).as("refund_amount"),
                        lit(Table.POS_TRANSACTIONS.tableName()).as("source_table"));
    }

    /** Refund records whose order is not a conversion, and till returns whose sale is unknown. */
    record Unlinked(long refundsWithoutOrder, long returnsWithoutSale) {}

    static Unlinked unlinked(Warehouse w, LocalDate upTo, Dataset<Row> conversions) {
        long refunds = 0;
        long returns = 0;
        if (w.exists(Table.ECOMMERCE_REFUNDS)) {
            refunds = refundsByOrder(w, upTo)
                    .join(
                            conversions
                                    .filter(col("source_table").equalTo(Table.ECOMMERCE_ORDERS.tableName()))
                                    .select("platform", "order_id"),
                            new String[] {"platform", "order_id"},
                            "left_anti")
                    .count();
        }
        if (w.exists(Table.POS_TRANSACTIONS)) {
            Dataset<Row> all = Silver.latest(w, Table.POS_TRANSACTIONS, upTo);
            returns = all.filter(col("type").equalTo("RETURN"))
                    .join(
                            conversions
                                    .filter(col("source_table").equalTo(Table.POS_TRANSACTIONS.tableName()))
                                    .select(col("store_id"), col("order_id").as("original_transaction_id")),
                            new String[] {"store_id", "original_transaction_id"},
                            "left_anti")
                    .count();
        }
        return new Unlinked(refunds, returns);
    }
}
