package io.trueroi.ingest;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;

import io.trueroi.ingest.RawFormat.CsvColumn;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Daily ad platform spend reports (Tencent Ads, Ocean Engine, Baidu, Google Ads, Meta), one CSV per
 * platform per day, into {@code silver.ad_spend}: one row per platform, day, account, campaign and
 * ad group. Each platform's header names are mapped by aliases; cost keeps its own currency.
 */
final class AdSpendReader extends BaseReader {
  AdSpendReader() {
    super("ad_spend", "ads", List.of("platform", "report_date", "account_id", "campaign_id", "adgroup_id"),
        List.of(CsvColumn.required("report_date"), CsvColumn.optional("account_id"),
        CsvColumn.required("campaign_id"), CsvColumn.optional("campaign_name"), CsvColumn.optional("adgroup_id"),
        CsvColumn.required("impressions"), CsvColumn.required("clicks"), CsvColumn.required("cost"),
        CsvColumn.required("currency")));
  }

  @Override
  public Dataset<Row> parse(Dataset<Row> lines, ReaderContext context) {
    Column platform = Parse.text(SourceReader.attribute("platform"));
    Column dateText = Parse.text(field("report_date"));
    Column date = Parse.date(dateText);
    Column campaignId = Parse.id(field("campaign_id"));
    Column impressionsText = Parse.text(field("impressions"));
    Column impressions = Parse.integer(impressionsText);
    Column clicksText = Parse.text(field("clicks"));
    Column clicks = Parse.integer(clicksText);
    Column costText = Parse.text(field("cost"));
    Column cost = Parse.decimal(costText);
    Column currency = Parse.currency(field("currency"));
    Rejects r = new Rejects()
        .check(platform.isNull(), Rejects.MISSING_REQUIRED, "platform is not set by the file rule")
        .required(dateText, "report_date")
        .check(dateText.isNotNull().and(date.isNull()), Rejects.BAD_TIMESTAMP,
            concat(lit("report_date is not a date: '"), coalesce(dateText, lit("")), lit("'")))
        .required(campaignId, "campaign_id");
    Parse.checkInteger(r, impressionsText, impressions, "impressions");
    Parse.checkInteger(r, clicksText, clicks, "clicks");
    r.required(costText, "cost");
    Parse.checkDecimal(r, costText, cost, "cost");
    r.check(cost.lt(0).or(impressions.lt(0)).or(clicks.lt(0)), Rejects.NEGATIVE_AMOUNT,
        "cost, impressions and clicks cannot be negative");
    Parse.checkCurrency(r, currency, context.settings().currencies());
    return lines.select(SourceReader.withLineage(new Column[] {
        platform.as("platform"),
        date.as("report_date"),
        coalesce(Parse.id(field("account_id")), lit("")).as("account_id"),
        campaignId.as("campaign_id"),
        Parse.text(field("campaign_name")).as("campaign_name"),
        coalesce(Parse.id(field("adgroup_id")), lit("")).as("adgroup_id"),
        coalesce(impressions, lit(0L)).as("impressions"),
        coalesce(clicks, lit(0L)).as("clicks"),
        cost.as("cost"),
        currency.as("currency")}, r));
  }
}
