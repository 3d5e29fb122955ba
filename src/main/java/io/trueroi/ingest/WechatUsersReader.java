package io.trueroi.ingest;

import static org.apache.spark.sql.functions.col;

import io.trueroi.catalog.Table;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * WeChat user-info exports (the {@code cgi-bin/user/info} response, one JSON object per line, with
 * the exporting tool's {@code app_id}) into {@code silver.wechat_users}: the openid-to-unionid
 * link and how the user subscribed. Remarks and nicknames are not read.
 */
final class WechatUsersReader extends BaseReader {
    private static final StructType JSON = new StructType()
            .add("app_id", DataTypes.StringType)
            .add("openid", DataTypes.StringType)
            .add("unionid", DataTypes.StringType)
            .add("subscribe", DataTypes.StringType)
            .add("subscribe_time", DataTypes.StringType)
            .add("subscribe_scene", DataTypes.StringType)
            .add("qr_scene_str", DataTypes.StringType)
            .add("language", DataTypes.StringType);

    WechatUsersReader() {
        super(Table.WECHAT_USERS, "wechat");
    }

    @Override
    public Dataset<Row> parse(Dataset<Row> lines, ReaderContext context) {
        // Checked values as columns first, so the checks and the output read each once (see BaseReader).
        Dataset<Row> j = parseJson(lines, JSON)
                .withColumn("app_id", Parse.id(col("j.app_id")))
                .withColumn("openid", Parse.id(col("j.openid")))
                .withColumn("subscribe_text", Parse.text(col("j.subscribe")))
                // An unsubscribed user has subscribe_time 0: no time, not a bad one.
                .withColumn("time_text", functions.nullif(Parse.text(col("j.subscribe_time")), functions.lit("0")));
        j = j.withColumn("subscribe_time", Parse.epochSeconds(col("time_text")));
        Column subscribeText = col("subscribe_text");
        Rejects r = jsonRejects()
                .required(col("app_id"), "app_id")
                .required(col("openid"), "openid")
                .check(
                        subscribeText
                                .isNotNull()
                                .and(subscribeText.isin("0", "1").unary_$bang()),
                        Rejects.BAD_VALUE,
                        "subscribe is neither 0 nor 1");
        Parse.checkInstant(r, col("time_text"), col("subscribe_time"), "subscribe_time", context.settings());
        return j.select(SourceReader.withLineage(
                new Column[] {
                    col("app_id"),
                    col("openid"),
                    Parse.id(col("j.unionid")).as("unionid"),
                    subscribeText.try_cast("int").equalTo(1).as("subscribed"),
                    col("subscribe_time"),
                    Parse.text(col("j.subscribe_scene")).as("subscribe_scene"),
                    Parse.text(col("j.qr_scene_str")).as("qr_scene_str"),
                    Parse.text(col("j.language")).as("language")
                },
                r));
    }
}
