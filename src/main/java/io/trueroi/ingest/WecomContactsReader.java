package io.trueroi.ingest;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.posexplode_outer;

import io.trueroi.catalog.Table;
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
            .add(
                    "external_contact",
                    new StructType()
                            .add("external_userid", DataTypes.StringType)
                            .add("unionid", DataTypes.StringType)
                            .add("type", DataTypes.StringType))
            .add("follow_user", DataTypes.createArrayType(FOLLOW));

    WecomContactsReader() {
        super(Table.WECOM_CONTACTS, "wechat");
    }

    @Override
    public Dataset<Row> parse(Dataset<Row> lines, ReaderContext context) {
        // Checked values as columns first, so the checks and the output read each once (see BaseReader).
        Dataset<Row> j = parseJson(lines, JSON)
                .select(col("*"), posexplode_outer(col("j.follow_user")).as(new String[] {"f_pos", "f"}))
                .withColumn("external_userid", Parse.id(col("j.external_contact.external_userid")))
                .withColumn("time_text", Parse.text(col("f.createtime")))
                .withColumn("add_way_text", Parse.text(col("f.add_way")));
        j = j.withColumn("add_time", Parse.epochSeconds(col("time_text")))
                .withColumn("add_way", col("add_way_text").try_cast("int"));
        Rejects r = jsonRejects().required(col("external_userid"), "external_contact.external_userid");
        Parse.checkInstant(r, col("time_text"), col("add_time"), "follow_user.createtime", context.settings());
        Parse.checkInteger(r, col("add_way_text"), col("add_way"), "follow_user.add_way");
        return j.select(SourceReader.withLineage(
                new Column[] {
                    col("external_userid"),
                    Parse.id(col("j.external_contact.unionid")).as("unionid"),
                    Parse.text(col("j.external_contact.type")).try_cast("int").as("contact_type"),
                    Parse.id(col("f.userid")).as("follow_userid"),
                    col("add_time"),
                    col("add_way"),
                    Parse.text(col("f.state")).as("state")
                },
                r,
                coalesce(col("f_pos"), lit(0)).equalTo(0)));
    }
}
