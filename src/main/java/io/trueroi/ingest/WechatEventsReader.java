package io.trueroi.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * WeChat Official Account event pushes, one JSON object per line, into {@code silver.wechat_events}.
 * ToUserName is the account's original id (the app that scopes the openid), FromUserName the
 * follower's openid, CreateTime epoch seconds. For subscribe events the QR scene comes as
 * {@code qrscene_<scene>}; for SCAN the EventKey is the scene itself; both land in {@code scene}.
 */
final class WechatEventsReader extends BaseReader {
  private static final StructType JSON = new StructType()
      .add("ToUserName", DataTypes.StringType)
      .add("FromUserName", DataTypes.StringType)
      .add("CreateTime", DataTypes.StringType)
      .add("MsgType", DataTypes.StringType)
      .add("Event", DataTypes.StringType)
      .add("EventKey", DataTypes.StringType);

  WechatEventsReader() {
    super("wechat_events", "wechat", List.of("app_id", "openid", "event_time", "event", "event_key"));
  }

  @Override
  public Dataset<Row> parse(Dataset<Row> lines, ReaderContext context) {
    Dataset<Row> j = parseJson(lines, JSON);
    Column appId = Parse.id(col("j.ToUserName"));
    Column openid = Parse.id(col("j.FromUserName"));
    Column timeText = Parse.text(col("j.CreateTime"));
    Column eventTime = Parse.epochSeconds(timeText);
    Column msgType = Parse.text(col("j.MsgType"));
    Column event = upper(Parse.text(col("j.Event")));
    Column eventKey = Parse.text(col("j.EventKey"));
    Column scene = when(event.equalTo("SUBSCRIBE").and(eventKey.startsWith("qrscene_")),
        regexp_replace(eventKey, "^qrscene_", ""))
        .when(event.equalTo("SCAN"), eventKey);
    Rejects r = jsonRejects()
        .required(appId, "ToUserName")
        .required(openid, "FromUserName")
        .required(timeText, "CreateTime");
    Parse.checkInstant(r, timeText, eventTime, "CreateTime")
        .check(msgType.equalTo("event").and(event.isNull()), Rejects.MISSING_REQUIRED, "Event is empty");
    return j.select(SourceReader.withLineage(new Column[] {
        appId.as("app_id"),
        openid.as("openid"),
        eventTime.as("event_time"),
        msgType.as("msg_type"),
        event.as("event"),
        eventKey.as("event_key"),
        scene.as("scene")}, r));
  }

}
