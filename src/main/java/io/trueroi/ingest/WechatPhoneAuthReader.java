package io.trueroi.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.trueroi.catalog.Table;
import io.trueroi.ingest.RawFormat.CsvColumn;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Mini Program phone authorisations (getPhoneNumber results as the brand's backend exports them,
 * CSV) into {@code silver.wechat_phone_auth}: the strongest openid/unionid-to-phone link there is.
 * The phone is normalised with the export's country code and stored only as a hash; a masked or
 * placeholder number keeps the row (the openid/unionid are still facts) with no hash.
 */
final class WechatPhoneAuthReader extends BaseReader {
    WechatPhoneAuthReader() {
        super(
                Table.WECHAT_PHONE_AUTH,
                "wechat",
                List.of(
                        CsvColumn.required("app_id"),
                        CsvColumn.required("openid"),
                        CsvColumn.optional("unionid"),
                        CsvColumn.required("phone_number"),
                        CsvColumn.optional("country_code"),
                        CsvColumn.required("auth_time")));
    }

    @Override
    public Dataset<Row> parse(Dataset<Row> lines, ReaderContext context) {
        // Checked values as columns first, so the checks and the output read each once (see BaseReader).
        Dataset<Row> in = lines.withColumn("phone_text", Parse.text(field("phone_number")))
                .withColumn("app_id", Parse.id(field("app_id")))
                .withColumn("openid", Parse.id(field("openid")))
                .withColumn("time_text", Parse.text(field("auth_time")));
        in = in.withColumn("phone", context.pii().normalisePhone(col("phone_text"), Parse.text(field("country_code"))))
                .withColumn(
                        "auth_time",
                        Parse.instant(
                                col("time_text"), lit(context.businessZone().getId())));
        Column timeText = col("time_text");
        Rejects r = new Rejects()
                .required(col("app_id"), "app_id")
                .required(col("openid"), "openid")
                .required(col("phone_text"), "phone_number")
                .required(timeText, "auth_time");
        Parse.checkInstant(r, timeText, col("auth_time"), "auth_time", context.settings());
        return in.select(SourceReader.withLineage(
                new Column[] {
                    col("app_id"),
                    col("openid"),
                    Parse.id(field("unionid")).as("unionid"),
                    context.pii().hash(col("phone.e164")).as("phone_hash"),
                    col("phone.status").as("phone_status"),
                    col("auth_time")
                },
                r,
                lit(true),
                List.of(field("phone_number"))));
    }
}
