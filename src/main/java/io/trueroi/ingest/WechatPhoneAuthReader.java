package io.trueroi.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

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
    super("wechat_phone_auth", "wechat", List.of("app_id", "openid", "auth_time"),
        List.of(CsvColumn.required("app_id"), CsvColumn.required("openid"), CsvColumn.optional("unionid"),
        CsvColumn.required("phone_number"), CsvColumn.optional("country_code"), CsvColumn.required("auth_time")));
  }

  @Override
  public Dataset<Row> parse(Dataset<Row> lines, ReaderContext context) {
    Dataset<Row> in = lines.withColumn("phone", context.pii().normalisePhone(
        Parse.text(field("phone_number")), Parse.text(field("country_code"))));
    Column appId = Parse.id(field("app_id"));
    Column openid = Parse.id(field("openid"));
    Column timeText = Parse.text(field("auth_time"));
    Column authTime = Parse.instant(timeText, lit(context.businessZone().getId()));
    Rejects r = new Rejects()
        .required(appId, "app_id")
        .required(openid, "openid")
        .required(Parse.text(field("phone_number")), "phone_number")
        .required(timeText, "auth_time");
    Parse.checkInstant(r, timeText, authTime, "auth_time");
    return in.select(SourceReader.withLineage(new Column[] {
        appId.as("app_id"),
        openid.as("openid"),
        Parse.id(field("unionid")).as("unionid"),
        context.pii().hash(col("phone.e164")).as("phone_hash"),
        col("phone.status").as("phone_status"),
        authTime.as("auth_time")}, r));
  }
}
