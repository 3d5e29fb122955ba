package io.trueroi.identity;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.trueroi.catalog.Table;
import io.trueroi.testing.SharedSpark;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link Identifiers#withLookupKey} then {@link Identifiers#resolve} on hand-made rows against a
 * hand-made map and skip list. The map and the skip list are as identity leaves them: every
 * identifier of the rows is either mapped or ambiguous and unmapped (skipped). Expected OneIDs
 * follow from the rule in withLookupKey's comment: the first identifier the map holds; null when
 * it holds none; every row kept.
 */
@ExtendWith(SharedSpark.class)
class IdentifiersTest {
    static final StructType SALES = new StructType()
            .add("store_id", DataTypes.StringType)
            .add("transaction_id", DataTypes.StringType)
            .add("transaction_time", DataTypes.TimestampType)
            .add("member_card", DataTypes.StringType)
            .add("phone_hash", DataTypes.StringType)
            .add("dt", DataTypes.DateType);

    static Row sale(String id, String member, String phone) {
        return RowFactory.create(
                "S1", id, Timestamp.valueOf("2026-10-01 10:00:00"), member, phone, Date.valueOf("2026-10-01"));
    }

    /**
     * The over-merge guard bounds an identifier's distinct neighbours of a type by its record count
     * (IdentityAction#ambiguous), which holds only if no table gives a record two identifiers of one
     * type. Every identifier column is filled here, so each table's full list of types is checked.
     */
    @Test
    void noTableGivesARecordTwoIdentifiersOfOneType(SparkSession spark) {
        List<String> columns = List.of(
                "event_time",
                "app_id",
                "openid",
                "subscribe_time",
                "dt",
                "unionid",
                "auth_time",
                "phone_hash",
                "add_time",
                "external_userid",
                "created_at",
                "platform",
                "buyer_id",
                "email_hash",
                "device_id",
                "member_id",
                "click_id",
                "transaction_time",
                "member_card",
                "click_time");
        StructType schema = new StructType();
        for (String c : columns) {
            schema = schema.add(c, DataTypes.StringType);
        }
        Dataset<Row> row = spark.createDataFrame(List.of(RowFactory.create(columns.toArray())), schema);
        for (Map.Entry<Table, Column[]> e : Identifiers.idsByTable().entrySet()) {
            Column[] spec = e.getValue();
            List<String> types = row.select(
                            array(Arrays.copyOfRange(spec, 1, spec.length)).as("ids"))
                    .select(col("ids.id_type"))
                    .first()
                    .getList(0);
            assertEquals(spec.length - 1, types.size(), e.getKey().toString());
            assertEquals(Set.copyOf(types).size(), types.size(), e.getKey() + " repeats a type: " + types);
        }
    }

    @Test
    void eachRowTakesTheOneIdOfItsFirstMappedIdentifier(SparkSession spark) {
        Dataset<Row> sales = spark.createDataFrame(
                List.of(
                        sale("t1", "M1", "P1"), // member mapped: its OneID, not the phone's
                        sale("t2", "M9", "P1"), // member ambiguous, unmapped: the phone's
                        sale("t3", null, "P2"), // only a phone, mapped
                        sale("t4", "M9", "P9"), // nothing mapped
                        sale("t5", null, null), // no identifier at all
                        sale("t6", "M9", null)),
                SALES); // one identifier, not mapped
        OneIdLookup lookup = lookup(
                spark,
                List.of(
                        RowFactory.create("member", "M1", "oid_member"),
                        RowFactory.create("phone", "P1", "oid_phone1"),
                        RowFactory.create("phone", "P2", "oid_phone2")),
                List.of(RowFactory.create("member", "M9"), RowFactory.create("phone", "P9")));

        Dataset<Row> out = oneIds(sales, Table.POS_TRANSACTIONS, lookup);
        assertEquals(List.of(SALES.fieldNames()), List.of(out.columns()).subList(0, SALES.size()));
        Map<String, String> byTransaction = new HashMap<>();
        for (Row r : out.select("transaction_id", "one_id").collectAsList()) {
            assertNull(byTransaction.put(r.getString(0), r.getString(1)), "one row per sale: " + r);
        }
        assertEquals(6, byTransaction.size(), "every sale kept: " + byTransaction);
        assertEquals("oid_member", byTransaction.get("t1"));
        assertEquals("oid_phone1", byTransaction.get("t2"));
        assertEquals("oid_phone2", byTransaction.get("t3"));
        assertNull(byTransaction.get("t4"));
        assertNull(byTransaction.get("t5"));
        assertNull(byTransaction.get("t6"));
    }

    static final StructType ORDERS = new StructType()
            .add("platform", DataTypes.StringType)
            .add("order_id", DataTypes.StringType)
            .add("buyer_id", DataTypes.StringType)
            .add("phone_hash", DataTypes.StringType)
            .add("email_hash", DataTypes.StringType)
            .add("device_id", DataTypes.StringType)
            .add("member_id", DataTypes.StringType)
            .add("click_id", DataTypes.StringType);

    @Test
    void skippedIdentifiersAreLookedPastOneAfterAnother(SparkSession spark) {
        // Orders list buyer ("platform:id"), phone, email, device, member, click in that order.
        Dataset<Row> orders = spark.createDataFrame(
                List.of(
                        RowFactory.create(
                                "tm", "o1", "B9", "P9", "E1", null, "M1", null), // buyer, phone skipped: the email's
                        RowFactory.create(
                                "tm", "o2", "B9", null, null, "D9", null, "C1"), // buyer, device skipped: the click's
                        RowFactory.create("tm", "o3", "B9", "P9", null, "D9", null, null), // all three skipped: none
                        RowFactory.create(
                                "tm", "o4", "B5", "P9", "E1", null, null, null), // ambiguous but mapped: its own
                        RowFactory.create("tm", "o5", null, null, null, null, "M1", "C1")),
                ORDERS); // first present mapped
        OneIdLookup lookup = lookup(
                spark,
                List.of(
                        RowFactory.create("email", "E1", "oid_email"),
                        RowFactory.create("member", "M1", "oid_member"),
                        RowFactory.create("click", "C1", "oid_click"),
                        // An earlier run mapped B5 before it turned ambiguous: the map still holds it.
                        RowFactory.create("buyer", "tm:B5", "oid_b5")),
                List.of(
                        RowFactory.create("buyer", "tm:B9"),
                        RowFactory.create("phone", "P9"),
                        RowFactory.create("device", "D9"),
                        RowFactory.create("buyer", "tm:B5")));

        Map<String, String> byOrder = new HashMap<>();
        for (Row r : oneIds(orders, Table.ECOMMERCE_ORDERS, lookup)
                .select("order_id", "one_id")
                .collectAsList()) {
            assertNull(byOrder.put(r.getString(0), r.getString(1)), "one row per order: " + r);
        }
        assertEquals(5, byOrder.size(), "every order kept: " + byOrder);
        assertEquals("oid_email", byOrder.get("o1"));
        assertEquals("oid_click", byOrder.get("o2"));
        assertNull(byOrder.get("o3"));
        assertEquals("oid_b5", byOrder.get("o4"));
        assertEquals("oid_member", byOrder.get("o5"));
    }

    /**
     * Rows of two tables, each keyed by its own identifiers, resolved by one join: each row gets the
     * OneID of its own table's first mapped identifier. Its own small map: the sale's member M1 and
     * the order's click C1 are mapped; the order's buyer B9 is ambiguous (skipped), so the order
     * resolves through its click; sale t2 carries no identifier and gets none.
     */
    @Test
    void rowsOfSeveralTablesAreResolvedTogether(SparkSession spark) {
        Dataset<Row> sales = spark.createDataFrame(List.of(sale("t1", "M1", null), sale("t2", null, null)), SALES);
        Dataset<Row> orders = spark.createDataFrame(
                List.of(RowFactory.create("tm", "o1", "B9", null, null, null, null, "C1")), ORDERS);
        OneIdLookup lookup = lookup(
                spark,
                List.of(RowFactory.create("member", "M1", "oid_member"), RowFactory.create("click", "C1", "oid_click")),
                List.of(RowFactory.create("buyer", "tm:B9")));
        Dataset<Row> keyed = Identifiers.withLookupKey(sales, Table.POS_TRANSACTIONS, lookup)
                .select(col("transaction_id").as("record"), col(Identifiers.LOOKUP_KEY))
                .unionByName(Identifiers.withLookupKey(orders, Table.ECOMMERCE_ORDERS, lookup)
                        .select(col("order_id").as("record"), col(Identifiers.LOOKUP_KEY)));

        Dataset<Row> out = Identifiers.resolve(keyed, lookup);
        assertEquals(List.of("record", "one_id"), List.of(out.columns()));
        Map<String, String> byRecord = new HashMap<>();
        for (Row r : out.collectAsList()) {
            assertNull(byRecord.put(r.getString(0), r.getString(1)), "one row per record: " + r);
        }
        assertEquals(3, byRecord.size(), "every record kept: " + byRecord);
        assertEquals("oid_member", byRecord.get("t1"));
        assertNull(byRecord.get("t2"));
        assertEquals("oid_click", byRecord.get("o1"));
    }

    static Dataset<Row> oneIds(Dataset<Row> rows, Table table, OneIdLookup lookup) {
        return Identifiers.resolve(Identifiers.withLookupKey(rows, table, lookup), lookup);
    }

    /**
     * A lookup from (type, value, one_id) map rows and (type, value) ambiguous rows, hashed as
     * Identifiers.hash documents: sha2("<type>:<value>", 256).
     */
    static OneIdLookup lookup(SparkSession spark, List<Row> mapRows, List<Row> ambiguousRows) {
        StructType mapSchema = new StructType()
                .add("type", DataTypes.StringType)
                .add("value", DataTypes.StringType)
                .add("one_id", DataTypes.StringType);
        Dataset<Row> map = spark.createDataFrame(mapRows, mapSchema)
                .select(sha2(concat(col("type"), lit(":"), col("value")), 256).as("id_value_hash"), col("one_id"));
        StructType idSchema = new StructType().add("type", DataTypes.StringType).add("value", DataTypes.StringType);
        Dataset<Row> ambiguous = spark.createDataFrame(ambiguousRows, idSchema)
                .select(sha2(concat(col("type"), lit(":"), col("value")), 256).as("id_value_hash"));
        return OneIdLookup.of(map, ambiguous);
    }
}
