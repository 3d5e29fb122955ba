package io.trueroi.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;

import io.trueroi.catalog.Table;
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
        super(Table.WECHAT_EVENTS, "wechat");
    }

    @Override
    public Dataset<Row> parse(Dataset<Row> lines, ReaderContext context) {
        // Checked values as columns first, so the checks and the output read each once (see BaseReader).
        Dataset<Row> j = parseJson(lines, JSON)
                .withColumn("app_id", Parse.id(col("j.ToUserName")))
                .withColumn("openid", Parse.id(col("j.FromUserName")))
                .withColumn("time_text", Parse.text(col("j.CreateTime")))
                .withColumn("msg_type", Parse.text(col("j.MsgType")))
                .withColumn("event", upper(Parse.text(col("j.Event"))))
                .withColumn("event_key", Parse.text(col("j.EventKey")));
        j = j.withColumn("event_time", Parse.epochSeconds(col("time_text")));
        Column timeText = col("time_text");
        Column event = col("event");
        Column eventKey = col("event_key");
        Column scene = when(
                        event.equalTo("SUBSCRIBE").and(eventKey.startsWith("qrscene_")),
                        regexp_replace(eventKey, "^qrscene_", ""))
                .when(event.equalTo("SCAN"), eventKey);
        Rejects r = jsonRejects()
                .required(col("app_id"), "ToUserName")
                .required(col("openid"), "FromUserName")
                .required(timeText, "CreateTime");
        Parse.checkInstant(r, timeText, col("event_time"), "CreateTime", context.settings())
                .check(
                        col("msg_type").equalTo("event").and(event.isNull()),
                        Rejects.MISSING_REQUIRED,
                        "Event is empty");
        return j.select(SourceReader.withLineage(
                new Column[] {
                    col("app_id"), col("openid"), col("event_time"), col("msg_type"), event, eventKey, scene.as("scene")
                },
                r));
    }
}
