package io.trueroi.ingest;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;

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
    super("ecommerce_refunds", "ecommerce", List.of("platform", "refund_id"),
        List.of(CsvColumn.required("platform"), CsvColumn.required("refund_id"), CsvColumn.required("order_id"),
        CsvColumn.required("refund_amount"), CsvColumn.required("currency"), CsvColumn.required("refund_time"),
        CsvColumn.optional("status"), CsvColumn.optional("reason")));
  }

  @Override
  public Dataset<Row> parse(Dataset<Row> lines, ReaderContext context) {
    Column zone = coalesce(SourceReader.attribute("time-zone"), lit(context.businessZone().getId()));
    Column platform = lower(Parse.text(field("platform")));
    Column refundId = Parse.id(field("refund_id"));
    Column orderId = Parse.id(field("order_id"));
    Column amountText = Parse.text(field("refund_amount"));
    Column amount = Parse.decimal(amountText);
    Column timeText = Parse.text(field("refund_time"));
    Column time = Parse.instant(timeText, zone);
    Column currency = Parse.currency(field("currency"));
    Rejects r = new Rejects()
        .required(platform, "platform")
        .required(refundId, "refund_id")
        .required(orderId, "order_id")
        .required(amountText, "refund_amount");
    Parse.checkDecimal(r, amountText, amount, "refund_amount");
    r.check(amount.lt(0), Rejects.NEGATIVE_AMOUNT,
        concat(lit("refund_amount must be positive: "), coalesce(amountText, lit(""))));
    Parse.checkCurrency(r, currency, context.settings().currencies());
    r.required(timeText, "refund_time");
    Parse.checkInstant(r, timeText, time, "refund_time");
    return lines.select(SourceReader.withLineage(new Column[] {
        platform.as("platform"),
        refundId.as("refund_id"),
        orderId.as("order_id"),
        amount.as("refund_amount"),
        currency.as("currency"),
        time.as("refund_time"),
        Parse.text(field("status")).as("status"),
        Parse.text(field("reason")).as("reason")}, r));
  }
}
