package io.trueroi.ingest;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.posexplode_outer;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * WeCom (企业微信) external contacts, the {@code externalcontact/get} response per line, into
 * {@code silver.wecom_contacts}: one row per (contact, staff member who added them), with the
 * {@code state} channel code of the "contact me" QR that was scanned. The contact's name is not
 * read. A contact with no follow_user still gives one row (follow_userid null), so none vanishes.
 */
final class WecomContactsReader extends BaseReader {
  private static final StructType FOLLOW = new StructType()
      .add("userid", DataTypes.StringType)
      .add("createtime", DataTypes.StringType)
      .add("add_way", DataTypes.StringType)
      .add("state", DataTypes.StringType);
  private static final StructType JSON = new StructType()
      .add("external_contact", new StructType()
          .add("external_userid", DataTypes.StringType)
          .add("unionid", DataTypes.StringType)
          .add("type", DataTypes.StringType))
      .add("follow_user", DataTypes.createArrayType(FOLLOW));

  WecomContactsReader() {
    super("wecom_contacts", "wechat", List.of("external_userid", "follow_userid"));
  }

  @Override
  public Dataset<Row> parse(Dataset<Row> lines, ReaderContext context) {
    Dataset<Row> j = parseJson(lines, JSON)
        .select(col("*"), posexplode_outer(col("j.follow_user")).as(new String[] {"f_pos", "f"}));
    Column externalId = Parse.id(col("j.external_contact.external_userid"));
    Column timeText = Parse.text(col("f.createtime"));
    Column addTime = Parse.epochSeconds(timeText);
    Column addWayText = Parse.text(col("f.add_way"));
    Column addWay = addWayText.try_cast("int");
    Rejects r = jsonRejects()
        .required(externalId, "external_contact.external_userid");
    Parse.checkInstant(r, timeText, addTime, "follow_user.createtime");
    Parse.checkInteger(r, addWayText, addWay, "follow_user.add_way");
    return j.select(SourceReader.withLineage(new Column[] {
        externalId.as("external_userid"),
        Parse.id(col("j.external_contact.unionid")).as("unionid"),
        Parse.text(col("j.external_contact.type")).try_cast("int").as("contact_type"),
        Parse.id(col("f.userid")).as("follow_userid"),
        addTime.as("add_time"),
        addWay.as("add_way"),
        Parse.text(col("f.state")).as("state")}, r, coalesce(col("f_pos"), lit(0)).equalTo(0)));
  }
}
