package io.trueroi.ingest;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.try_parse_url;
import static org.apache.spark.sql.functions.when;

import io.trueroi.catalog.Table;
import io.trueroi.ingest.RawFormat.CsvColumn;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * E-commerce order exports (Tmall and JD in Chinese with their own headers, own-site orders in a
 * Shopify-like layout) into {@code silver.ecommerce_orders}, one row per order. The platform,
 * time zone and default currency come from the file rule; header aliases map each platform's
 * column names. Receiver phones (usually masked by the platform) and emails are hashed; names
 * are never read. utm fields and the ad click id are taken from the landing URL.
 */
final class EcommerceOrdersReader extends BaseReader {
    /** Platform status texts mapped to one vocabulary; anything else is OTHER (raw kept). */
    static final Map<String, String> STATUS = Map.ofEntries(
            Map.entry("交易成功", "COMPLETED"),
            Map.entry("卖家已发货，等待买家确认", "SHIPPED"),
            Map.entry("买家已付款，等待卖家发货", "PAID"),
            Map.entry("交易关闭", "CLOSED"),
            Map.entry("等待买家付款", "UNPAID"),
            Map.entry("完成", "COMPLETED"),
            Map.entry("等待收货", "SHIPPED"),
            Map.entry("等待出库", "PAID"),
            Map.entry("已取消", "CANCELLED"),
            Map.entry("paid", "PAID"),
            Map.entry("pending", "UNPAID"),
            Map.entry("authorized", "UNPAID"),
            Map.entry("refunded", "REFUNDED"),
            Map.entry("partially_refunded", "PARTIALLY_REFUNDED"),
            Map.entry("voided", "CANCELLED"));

    /** Ad click id parameters in landing URLs, by platform convention. */
    static final List<String> CLICK_ID_PARAMS = List.of("gclid", "gdt_vid", "qz_gdt", "bd_vid", "clickid", "fbclid");

    EcommerceOrdersReader() {
        super(
                Table.ECOMMERCE_ORDERS,
                "ecommerce",
                List.of(
                        CsvColumn.required("order_id"),
                        CsvColumn.optional("buyer_id"),
                        CsvColumn.required("payment_amount"),
                        CsvColumn.optional("shipping_amount"),
                        CsvColumn.optional("discount_amount"),
                        CsvColumn.required("status"),
                        CsvColumn.optional("phone"),
                        CsvColumn.optional("email"),
                        CsvColumn.optional("device_id"),
                        CsvColumn.optional("member_id"),
                        CsvColumn.required("created_at"),
                        CsvColumn.optional("paid_at"),
                        CsvColumn.optional("currency"),
                        CsvColumn.optional("landing_site")));
    }

    @Override
    public Dataset<Row> parse(Dataset<Row> lines, ReaderContext context) {
        Dataset<Row> in = values(lines, context);
        return in.select(SourceReader.withLineage(
                silver(context), rejects(context), lit(true), List.of(field("phone"), field("email"))));
    }

    /** The lines with every checked value as a column of its own ({@link BaseReader}). */
    private Dataset<Row> values(Dataset<Row> lines, ReaderContext context) {
        Column zone = coalesce(
                SourceReader.attribute("time-zone"), lit(context.businessZone().getId()));
        // First pass: trimmed texts and parsed values as columns, so the checks and the output below
        // refer to them instead of repeating the parsing (one generated method stays under 64 KB).
        Dataset<Row> in = lines.withColumn(
                        "phone",
                        context.pii()
                                .normalisePhone(
                                        Parse.text(field("phone")), lit(null).cast("string")))
                .withColumn("landing", Parse.text(field("landing_site")))
                .withColumn(
                        "landing_url",
                        when(col("landing").startsWith("/"), concat(lit("https://landing.invalid"), col("landing")))
                                .otherwise(col("landing")))
                .withColumn("query", try_parse_url(col("landing_url"), lit("QUERY")))
                .withColumn("platform", Parse.text(SourceReader.attribute("platform")))
                .withColumn("amount_text", Parse.text(field("payment_amount")))
                .withColumn("shipping_text", Parse.text(field("shipping_amount")))
                .withColumn("discount_text", Parse.text(field("discount_amount")))
                .withColumn("status_raw", Parse.text(field("status")))
                .withColumn("created_text", Parse.text(field("created_at")))
                .withColumn("paid_text", Parse.text(field("paid_at")))
                .withColumn("zone", zone)
                .withColumn(
                        "currency_value",
                        coalesce(Parse.currency(field("currency")), SourceReader.attribute("currency")))
                .withColumn("order_id", Parse.id(field("order_id")));
        return in.withColumn("amount", Parse.decimal(col("amount_text")))
                .withColumn("shipping", Parse.decimal(col("shipping_text")))
                .withColumn("discount", Parse.decimal(col("discount_text")))
                .withColumn("created", Parse.instant(col("created_text"), col("zone")))
                .withColumn("paid", Parse.instant(col("paid_text"), col("zone")));
    }

    /** The checks, first failing wins, over the value columns. */
    private static Rejects rejects(ReaderContext context) {
        Column amountText = col("amount_text");
        Column amount = col("amount");
        Column shipping = col("shipping");
        Column discount = col("discount");
        Rejects r = new Rejects()
                .check(col("platform").isNull(), Rejects.MISSING_REQUIRED, "platform is not set by the file rule")
                .required(col("order_id"), "order_id")
                .required(amountText, "payment_amount");
        Parse.checkDecimal(
                r,
                amountText,
                amount,
                "payment_amount",
                col("currency_value"),
                context.settings().currencies());
        Parse.checkDecimal(
                r,
                col("shipping_text"),
                shipping,
                "shipping_amount",
                col("currency_value"),
                context.settings().currencies());
        Parse.checkDecimal(
                r,
                col("discount_text"),
                discount,
                "discount_amount",
                col("currency_value"),
                context.settings().currencies());
        r.check(
                amount.lt(0).or(shipping.lt(0)).or(discount.lt(0)),
                Rejects.NEGATIVE_AMOUNT,
                concat(
                        lit("an order amount is negative (refunds belong in the refund export): payment_amount "),
                        coalesce(amountText, lit(""))));
        r.required(col("status_raw"), "status").required(col("created_text"), "created_at");
        Parse.checkInstant(r, col("created_text"), col("created"), "created_at", context.settings());
        Parse.checkInstant(r, col("paid_text"), col("paid"), "paid_at", context.settings());
        Parse.checkCurrency(r, col("currency_value"), context.settings().currencies());
        return r;
    }

    /** The silver columns, in table order. */
    private Column[] silver(ReaderContext context) {
        List<Column> params = new ArrayList<>();
        List<Column> names = new ArrayList<>();
        for (String p : CLICK_ID_PARAMS) {
            Column v = Parse.queryParameter(col("query"), p);
            params.add(v);
            names.add(when(v.isNotNull(), lit(p)));
        }
        return new Column[] {
            col("platform"),
            col("order_id"),
            Parse.id(field("buyer_id")).as("buyer_id"),
            Parse.id(field("member_id")).as("member_id"),
            context.pii().hash(col("phone.e164")).as("phone_hash"),
            col("phone.status").as("phone_status"),
            context.pii().hash(Pii.normaliseEmail(field("email"))).as("email_hash"),
            Parse.id(field("device_id")).as("device_id"),
            col("created").as("created_at"),
            col("paid").as("paid_at"),
            col("currency_value").as("currency"),
            col("amount").as("payment_amount"),
            coalesce(col("shipping"), lit(0).cast(Parse.MONEY)).as("shipping_amount"),
            coalesce(col("discount"), lit(0).cast(Parse.MONEY)).as("discount_amount"),
            coalesce(functions.element_at(mapOf(STATUS), col("status_raw")), lit("OTHER"))
                    .as("status"),
            col("status_raw"),
            Parse.queryParameter(col("query"), "utm_source").as("utm_source"),
            Parse.queryParameter(col("query"), "utm_medium").as("utm_medium"),
            Parse.queryParameter(col("query"), "utm_campaign").as("utm_campaign"),
            Parse.queryParameter(col("query"), "utm_content").as("utm_content"),
            coalesce(params.toArray(new Column[0])).as("click_id"),
            coalesce(names.toArray(new Column[0])).as("click_id_param")
        };
    }

    static Column mapOf(Map<String, String> m) {
        List<Column> kv = new ArrayList<>();
        m.forEach((k, v) -> {
            kv.add(lit(k));
            kv.add(lit(v));
        });
        return functions.map(kv.toArray(new Column[0]));
    }
}
