package io.trueroi.identity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.trueroi.testing.SharedSpark;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link Identifiers#withOneId} on till sales (identifiers: member card, then phone hash) against
 * a hand-made map. Expected OneIDs follow from the rule in its comment: the first identifier the
 * map holds; null when it holds none; every row kept.
 */
@ExtendWith(SharedSpark.class)
class IdentifiersTest {
  static final StructType SALES = new StructType()
      .add("store_id", DataTypes.StringType).add("transaction_id", DataTypes.StringType)
      .add("transaction_time", DataTypes.TimestampType).add("member_card", DataTypes.StringType)
      .add("phone_hash", DataTypes.StringType).add("dt", DataTypes.DateType);

  static Row sale(String id, String member, String phone) {
    return RowFactory.create("S1", id, Timestamp.valueOf("2026-10-01 10:00:00"), member, phone,
        Date.valueOf("2026-10-01"));
  }

  @Test
  void eachRowTakesTheOneIdOfItsFirstMappedIdentifier(SparkSession spark) {
    Dataset<Row> sales = spark.createDataFrame(List.of(
        sale("t1", "M1", "P1"), // member mapped: its OneID, not the phone's
        sale("t2", "M9", "P1"), // member not in the map (ambiguous, say): the phone's
        sale("t3", null, "P2"), // only a phone, mapped
        sale("t4", "M9", "P9"), // nothing mapped
        sale("t5", null, null), // no identifier at all
        sale("t6", "M9", null)), SALES); // one identifier, not mapped
    StructType mapSchema = new StructType().add("type", DataTypes.StringType).add("value", DataTypes.StringType)
        .add("one_id", DataTypes.StringType);
    Dataset<Row> map = spark.createDataFrame(List.of(
            RowFactory.create("member", "M1", "oid_member"),
            RowFactory.create("phone", "P1", "oid_phone1"),
            RowFactory.create("phone", "P2", "oid_phone2")), mapSchema)
        // The hash Identifiers.hash documents: sha2("<type>:<value>", 256).
        .select(sha2(org.apache.spark.sql.functions.concat(col("type"), lit(":"), col("value")), 256)
            .as("id_value_hash"), col("one_id"));

    Dataset<Row> out = Identifiers.withOneId(sales, "pos_transactions", map);
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
}
