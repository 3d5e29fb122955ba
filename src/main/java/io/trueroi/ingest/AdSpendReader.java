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
 *
 * <p>The platform's own conversion claims ({@code claimed_conversions}, {@code claimed_value} in
 * the report's currency, {@code claimed_view_through}) are read when the report has them: a column
 * the report lacks, or an empty field, is null (the platform said nothing), never zero. Counts may
 * be fractional (Google's data-driven attribution splits a conversion), to two places.
 */
final class AdSpendReader extends BaseReader {
    static final String CLAIMED_CONVERSIONS = "claimed_conversions";
    static final String CLAIMED_VALUE = "claimed_value";
    static final String CLAIMED_VIEW_THROUGH = "claimed_view_through";
    private static final List<String> CLAIMS = List.of(CLAIMED_CONVERSIONS, CLAIMED_VALUE, CLAIMED_VIEW_THROUGH);

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
                        CsvColumn.required("currency"),
                        CsvColumn.optional(CLAIMED_CONVERSIONS),
                        CsvColumn.optionalWith(CLAIMED_VALUE, CLAIMED_CONVERSIONS),
                        CsvColumn.optional(CLAIMED_VIEW_THROUGH)));
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
        in = withClaims(in)
                .withColumn("report_date", Parse.date(col("date_text")))
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
        CLAIMS.forEach(claim -> checkClaim(r, claim, context));
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
                    col("currency"),
                    col(CLAIMED_CONVERSIONS),
                    col(CLAIMED_VALUE),
                    col(CLAIMED_VIEW_THROUGH)
                },
                r));
    }

    /** Each claim's text and value as columns of their own (see BaseReader). */
    private Dataset<Row> withClaims(Dataset<Row> in) {
        Dataset<Row> out = in;
        for (String claim : CLAIMS) {
            out = out.withColumn(claim + "_text", Parse.text(field(claim)))
                    .withColumn(claim, Parse.decimal(col(claim + "_text")));
        }
        return out;
    }

    /**
     * A claim is a plain decimal, not negative; a value has at most its currency's decimals, a
     * count at most two (more would be rounded away).
     */
    private static void checkClaim(Rejects r, String claim, ReaderContext context) {
        Column text = col(claim + "_text");
        Column value = col(claim);
        if (claim.equals(CLAIMED_VALUE)) {
            Parse.checkDecimal(
                    r, text, value, claim, col("currency"), context.settings().currencies());
        } else {
            r.check(
                            text.isNotNull().and(value.isNull()),
                            Rejects.BAD_DECIMAL,
                            concat(lit(claim + " is not a number: '"), text, lit("'")))
                    .check(
                            value.isNotNull().and(text.rlike("\\.[0-9]{3,}$")),
                            Rejects.BAD_DECIMAL,
                            concat(lit(claim + " has more than two decimals: '"), text, lit("'")));
        }
        r.check(value.lt(0), Rejects.NEGATIVE_AMOUNT, concat(lit(claim + " cannot be negative: '"), text, lit("'")));
    }
}
