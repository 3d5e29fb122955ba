package io.trueroi.ingest;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;

import io.trueroi.catalog.Table;
import io.trueroi.ingest.RawFormat.CsvColumn;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Store till exports, one CSV per store per day, into {@code silver.pos_transactions}. Till times
 * are store-local wall clock: the store's zone comes from {@code trueroi.ingest.pos-store-time-zones}.
 * Amounts are signed in silver: a SALE is positive, a RETURN negative whichever sign the till
 * wrote, and links to the sale it returns. A SALE with a negative amount is not a return: it is
 * rejected, because netting it silently would hide a till error.
 */
final class PosTransactionsReader extends BaseReader {
    PosTransactionsReader() {
        super(
                Table.POS_TRANSACTIONS,
                "pos",
                List.of(
                        CsvColumn.required("store_id"),
                        CsvColumn.optional("city"),
                        CsvColumn.required("transaction_id"),
                        CsvColumn.required("local_time"),
                        CsvColumn.optional("member_card"),
                        CsvColumn.optional("phone"),
                        CsvColumn.required("amount"),
                        CsvColumn.required("currency"),
                        CsvColumn.required("type"),
                        CsvColumn.optional("original_transaction_id")));
    }

    @Override
    public Dataset<Row> parse(Dataset<Row> lines, ReaderContext context) {
        var settings = context.settings();
        Column storeZones = EcommerceOrdersReader.mapOf(settings.posStoreTimeZones());
        // Checked values as columns first, so the checks and the output read each once (see BaseReader).
        Dataset<Row> in = lines.withColumn(
                        "phone",
                        context.pii()
                                .normalisePhone(
                                        Parse.text(field("phone")), lit(null).cast("string")))
                .withColumn("store_id", Parse.id(field("store_id")))
                .withColumn("transaction_id", Parse.id(field("transaction_id")))
                .withColumn("time_text", Parse.text(field("local_time")))
                .withColumn("amount_text", Parse.text(field("amount")))
                .withColumn("type", upper(Parse.text(field("type"))))
                .withColumn("currency", Parse.currency(field("currency")));
        in = in.withColumn(
                        "zone", coalesce(element_at(storeZones, col("store_id")), lit(settings.posDefaultTimeZone())))
                .withColumn("amount_value", Parse.decimal(col("amount_text")));
        in = in.withColumn("transaction_time", Parse.instant(col("time_text"), col("zone")));
        Column timeText = col("time_text");
        Column amountText = col("amount_text");
        Column amount = col("amount_value");
        Column type = col("type");
        Rejects r = new Rejects()
                .required(col("store_id"), "store_id")
                .required(col("transaction_id"), "transaction_id")
                .required(timeText, "local_time");
        Parse.checkInstant(r, timeText, col("transaction_time"), "local_time", context.settings());
        r.required(amountText, "amount");
        Parse.checkDecimal(r, amountText, amount, "amount", col("currency"), settings.currencies());
        Parse.checkCurrency(r, col("currency"), settings.currencies());
        r.check(
                type.isNull().or(type.isin("SALE", "RETURN").unary_$bang()),
                Rejects.BAD_VALUE,
                concat(lit("type is neither SALE nor RETURN: '"), coalesce(type, lit("")), lit("'")));
        r.check(
                type.equalTo("SALE").and(amount.lt(0)),
                Rejects.NEGATIVE_AMOUNT,
                concat(lit("a SALE with a negative amount is not a return: "), coalesce(amountText, lit(""))));
        return in.select(SourceReader.withLineage(
                new Column[] {
                    col("store_id"),
                    Parse.text(field("city")).as("city"),
                    col("transaction_id"),
                    col("transaction_time"),
                    col("zone").as("store_time_zone"),
                    Parse.id(field("member_card")).as("member_card"),
                    context.pii().hash(col("phone.e164")).as("phone_hash"),
                    col("phone.status").as("phone_status"),
                    when(type.equalTo("RETURN"), abs(amount).unary_$minus())
                            .otherwise(amount)
                            .cast(Parse.MONEY)
                            .as("amount"),
                    col("currency"),
                    type,
                    Parse.id(field("original_transaction_id")).as("original_transaction_id")
                },
                r,
                lit(true),
                List.of(field("phone"))));
    }
}
