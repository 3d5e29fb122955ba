package io.trueroi.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.try_parse_url;

import io.trueroi.catalog.Table;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Ad click logs (click id, epoch-millisecond time, campaign, device id, openid for WeChat
 * placements, IP, landing URL), one JSON object per line, into {@code silver.ad_clicks}. The IP
 * is personal data and is stored only as a hash (invalid-traffic rules need equality, not value);
 * the landing URL is stored with personal query values redacted ({@link Pii#redactUrl}).
 */
final class AdClicksReader extends BaseReader {
    private static final StructType JSON = new StructType()
            .add("platform", DataTypes.StringType)
            .add("click_id", DataTypes.StringType)
            .add("click_time_ms", DataTypes.StringType)
            .add("campaign_id", DataTypes.StringType)
            .add("adgroup_id", DataTypes.StringType)
            .add("device_id", DataTypes.StringType)
            .add("openid", DataTypes.StringType)
            .add("app_id", DataTypes.StringType)
            .add("ip", DataTypes.StringType)
            .add("landing_url", DataTypes.StringType);

    AdClicksReader() {
        super(Table.AD_CLICKS, "ads");
    }

    @Override
    public Dataset<Row> parse(Dataset<Row> lines, ReaderContext context) {
        // First pass: each checked value as a column, so the checks (reject code and detail) and the
        // output below refer to it instead of parsing it again. Inlined, the platform, click id and
        // time were each parsed three times per line: the generated projection ran to ~10,000 lines.
        Dataset<Row> in = parseJson(lines, JSON)
                .withColumn("platform", lower(Parse.text(col("j.platform"))))
                .withColumn("click_id", Parse.id(col("j.click_id")))
                .withColumn("time_text", Parse.text(col("j.click_time_ms")))
                .withColumn("landing", Parse.text(col("j.landing_url")));
        in = in.withColumn("click_time", Parse.epochMillis(col("time_text")))
                .withColumn("query", try_parse_url(col("landing"), lit("QUERY")));
        Column timeText = col("time_text");
        Rejects r = jsonRejects()
                .required(col("platform"), "platform")
                .required(col("click_id"), "click_id")
                .required(timeText, "click_time_ms");
        Parse.checkInstant(r, timeText, col("click_time"), "click_time_ms", context.settings());
        return in.select(SourceReader.withLineage(
                new Column[] {
                    col("platform"),
                    col("click_id"),
                    col("click_time"),
                    Parse.id(col("j.campaign_id")).as("campaign_id"),
                    Parse.id(col("j.adgroup_id")).as("adgroup_id"),
                    Parse.id(col("j.device_id")).as("device_id"),
                    Parse.id(col("j.openid")).as("openid"),
                    Parse.id(col("j.app_id")).as("app_id"),
                    context.pii().hash(Parse.text(col("j.ip"))).as("ip_hash"),
                    Pii.redactUrl(col("landing"), context.settings().personalUrlParameters())
                            .as("landing_url"),
                    Parse.queryParameter(col("query"), "utm_source").as("utm_source"),
                    Parse.queryParameter(col("query"), "utm_medium").as("utm_medium"),
                    Parse.queryParameter(col("query"), "utm_campaign").as("utm_campaign")
                },
                r));
    }
}
