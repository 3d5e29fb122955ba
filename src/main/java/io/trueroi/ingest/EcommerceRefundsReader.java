package io.trueroi.ingest;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;

import io.trueroi.catalog.Table;
import io.trueroi.ingest.RawFormat.CsvColumn;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Refund records from the order-management export into {@code silver.ecommerce_refunds}, one row
 * per refund (an order may have several, partial ones). Amounts are positive money refunded.
 */
final class EcommerceRefundsReader extends BaseReader {
    EcommerceRefundsReader() {
        super(
                Table.ECOMMERCE_REFUNDS,
                "ecommerce",
                List.of(
                        CsvColumn.required("platform"),
                        CsvColumn.required("refund_id"),
                        CsvColumn.required("order_id"),
                        CsvColumn.required("refund_amount"),
                        CsvColumn.required("currency"),
                        CsvColumn.required("refund_time"),
                        CsvColumn.optional("status"),
                        CsvColumn.optional("reason")));
    }

    @Override
    public Dataset<Row> parse(Dataset<Row> lines, ReaderContext context) {
        Column zone = coalesce(
                SourceReader.attribute("time-zone"), lit(context.businessZone().getId()));
        // Checked values as columns first, so the checks and the output read each once (see BaseReader).
        Dataset<Row> in = lines.withColumn("platform", lower(Parse.text(field("platform"))))
                .withColumn("refund_id", Parse.id(field("refund_id")))
                .withColumn("order_id", Parse.id(field("order_id")))
                .withColumn("amount_text", Parse.text(field("refund_amount")))
                .withColumn("time_text", Parse.text(field("refund_time")))
                .withColumn("currency", Parse.currency(field("currency")));
        in = in.withColumn("refund_amount", Parse.decimal(col("amount_text")))
                .withColumn("refund_time", Parse.instant(col("time_text"), zone));
        Column amountText = col("amount_text");
        Column amount = col("refund_amount");
        Column timeText = col("time_text");
        Rejects r = new Rejects()
                .required(col("platform"), "platform")
                .required(col("refund_id"), "refund_id")
                .required(col("order_id"), "order_id")
                .required(amountText, "refund_amount");
        Parse.checkDecimal(
                r,
                amountText,
                amount,
                "refund_amount",
                col("currency"),
                context.settings().currencies());
        r.check(
                amount.lt(0),
                Rejects.NEGATIVE_AMOUNT,
                concat(lit("refund_amount must be positive: "), coalesce(amountText, lit(""))));
        Parse.checkCurrency(r, col("currency"), context.settings().currencies());
        r.required(timeText, "refund_time");
        Parse.checkInstant(r, timeText, col("refund_time"), "refund_time", context.settings());
        return in.select(SourceReader.withLineage(
                new Column[] {
                    col("platform"),
                    col("refund_id"),
                    col("order_id"),
                    amount,
                    col("currency"),
                    col("refund_time"),
                    Parse.text(field("status")).as("status"),
                    Parse.text(field("reason")).as("reason")
                },
                r));
    }
}
