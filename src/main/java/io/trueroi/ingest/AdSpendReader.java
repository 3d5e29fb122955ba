package io.trueroi.ingest;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;

import io.trueroi.catalog.Table;
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
        super(
                Table.AD_SPEND,
                "ads",
                List.of(
                        CsvColumn.required("report_date"),
                        CsvColumn.optional("account_id"),
                        CsvColumn.required("campaign_id"),
                        CsvColumn.optional("campaign_name"),
                        CsvColumn.optional("adgroup_id"),
                        CsvColumn.required("impressions"),
                        CsvColumn.required("clicks"),
                        CsvColumn.required("cost"),
                        CsvColumn.required("currency")));
    }

    @Override
    public Dataset<Row> parse(Dataset<Row> lines, ReaderContext context) {
        // Checked values as columns first, so the checks and the output read each once (see BaseReader).
        Dataset<Row> in = lines.withColumn("platform", Parse.text(SourceReader.attribute("platform")))
                .withColumn("date_text", Parse.text(field("report_date")))
                .withColumn("campaign_id", Parse.id(field("campaign_id")))
                .withColumn("impressions_text", Parse.text(field("impressions")))
                .withColumn("clicks_text", Parse.text(field("clicks")))
                .withColumn("cost_text", Parse.text(field("cost")))
                .withColumn("currency", Parse.currency(field("currency")));
        in = in.withColumn("report_date", Parse.date(col("date_text")))
                .withColumn("impressions_value", Parse.integer(col("impressions_text")))
                .withColumn("clicks_value", Parse.integer(col("clicks_text")))
                .withColumn("cost", Parse.decimal(col("cost_text")));
        Column dateText = col("date_text");
        Column impressions = col("impressions_value");
        Column clicks = col("clicks_value");
        Column cost = col("cost");
        Rejects r = new Rejects()
                .check(col("platform").isNull(), Rejects.MISSING_REQUIRED, "platform is not set by the file rule")
                .required(dateText, "report_date")
                .check(
                        dateText.isNotNull().and(col("report_date").isNull()),
                        Rejects.BAD_TIMESTAMP,
                        concat(lit("report_date is not a date: '"), coalesce(dateText, lit("")), lit("'")))
                .required(col("campaign_id"), "campaign_id");
        Parse.checkInteger(r, col("impressions_text"), impressions, "impressions");
        Parse.checkInteger(r, col("clicks_text"), clicks, "clicks");
        r.required(col("cost_text"), "cost");
        Parse.checkDecimal(
                r,
                col("cost_text"),
                cost,
                "cost",
                col("currency"),
                context.settings().currencies());
        r.check(
                cost.lt(0).or(impressions.lt(0)).or(clicks.lt(0)),
                Rejects.NEGATIVE_AMOUNT,
                "cost, impressions and clicks cannot be negative");
        Parse.checkCurrency(r, col("currency"), context.settings().currencies());
        return in.select(SourceReader.withLineage(
                new Column[] {
                    col("platform"),
                    col("report_date"),
                    coalesce(Parse.id(field("account_id")), lit("")).as("account_id"),
                    col("campaign_id"),
                    Parse.text(field("campaign_name")).as("campaign_name"),
                    coalesce(Parse.id(field("adgroup_id")), lit("")).as("adgroup_id"),
                    coalesce(impressions, lit(0L)).as("impressions"),
                    coalesce(clicks, lit(0L)).as("clicks"),
                    cost,
                    col("currency")
                },
                r));
    }
}
