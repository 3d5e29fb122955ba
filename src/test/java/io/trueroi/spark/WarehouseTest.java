package io.trueroi.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.get_json_object;
import static org.apache.spark.sql.functions.json_object_keys;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trueroi.catalog.Table;
import io.trueroi.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Table names follow the warehouse that registered them last; statistics are kept for range columns only. */
@ExtendWith(SharedSpark.class)
class WarehouseTest {
    @TempDir
    Path tmp;

    @Test
    void aNameIsRepointedToTheWarehouseThatRegistersItLast(SparkSession spark) throws Exception {
        Warehouse a = new Warehouse(spark, tmp.resolve("a").toString());
        Warehouse b = new Warehouse(spark, tmp.resolve("b").toString());
        a.overwrite(spark.range(3).toDF(), Table.PATH_SUMMARY);
        assertEquals(
                3, spark.sql("SELECT count(*) FROM mart.path_summary").first().getLong(0));
        b.overwrite(spark.range(5).toDF(), Table.PATH_SUMMARY);
        assertEquals(
                5, spark.sql("SELECT count(*) FROM mart.path_summary").first().getLong(0), "repointed to b");
        // The name's current location vanishes (a test's temp folder, a moved warehouse): registering
        // a again must still repoint it, though Delta can no longer load what the name points at.
        try (var files = Files.walk(tmp.resolve("b"))) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        a.registerAll();
        assertEquals(
                3, spark.sql("SELECT count(*) FROM mart.path_summary").first().getLong(0), "back to a");
    }

    /**
     * A warehouse made by an earlier version: a mart that gained a column since is overwritten
     * with it (earlier rows are gone, so nothing reads null), and a changed type still fails.
     */
    @Test
    void anOverwriteAddsTheColumnsTheCodeAddedButNotAChangedType(SparkSession spark) {
        Warehouse w = new Warehouse(spark, tmp.resolve("w").toString());
        w.overwrite(spark.range(3).toDF(), Table.PATH_SUMMARY);
        w.overwrite(spark.range(4).selectExpr("id", "id * 2 AS twice"), Table.PATH_SUMMARY);
        assertEquals(List.of("id", "twice"), List.of(w.read(Table.PATH_SUMMARY).columns()));
        assertEquals(6, w.read(Table.PATH_SUMMARY).filter("id = 3").first().getLong(1));
        org.junit.jupiter.api.Assertions.assertThrows(
                Exception.class,
                () -> w.overwrite(spark.range(2).selectExpr("cast(id AS string) AS id"), Table.PATH_SUMMARY));
    }

    /**
     * {@code rows} rows with a column of every kind: string, long, decimal, date, timestamp,
     * boolean, array; p partitions.
     */
    private static Dataset<Row> mixed(SparkSession spark, int rows) {
        return spark.range(rows)
                .selectExpr(
                        "cast(id AS string) AS s",
                        "id AS n",
                        "cast(id AS decimal(18,2)) AS amount",
                        "date_add(DATE'2026-10-01', cast(id AS int)) AS d",
                        "timestamp_seconds(id) AS t",
                        "id % 2 = 0 AS b",
                        "array(cast(id AS string)) AS arr",
                        "id % 3 AS p");
    }

    /** The columns with a minimum in the statistics of the files the table's version {@code v} added. */
    private static Set<String> statsOfVersion(SparkSession spark, Path table, long v) {
        Set<String> keys = new TreeSet<>();
        spark.read()
                .json(table.resolve(String.format("_delta_log/%020d.json", v)).toString())
                .filter(col("add").isNotNull())
                .select(explode(json_object_keys(get_json_object(col("add.stats"), "$.minValues"))))
                .collectAsList()
                .forEach(r -> keys.add(r.getString(0)));
        return keys;
    }

    @Test
    void deltaKeepsMinAndMaxOfDatesTimesAndNumbersOnly(SparkSession spark) {
        Warehouse w = new Warehouse(spark, tmp.resolve("w").toString());
        w.overwrite(mixed(spark, 6), Table.COHORT_LTV, List.of("p"));
        Path table = tmp.resolve("w/mart/cohort_ltv");
        // s, b and arr are not range types; p is the partition column, whose value is in the path.
        assertEquals(
                "n,amount,d,t",
                spark.sql("DESCRIBE DETAIL delta.`" + table + "`")
                        .select("properties")
                        .first()
                        .getJavaMap(0)
                        .get(Warehouse.STATS_COLUMNS));
        assertEquals(Set.of("amount", "d", "n", "t"), statsOfVersion(spark, table, 0));
        // The property already matches: the next write is one commit, not an ALTER and a write.
        w.append(mixed(spark, 2), Table.COHORT_LTV);
        assertEquals(2, spark.sql("DESCRIBE HISTORY delta.`" + table + "`").count());
    }

    @Test
    void aTableWrittenWithoutTheRuleGetsItOnItsNextWrite(SparkSession spark) {
        Path table = tmp.resolve("old/mart/customer_ltv");
        mixed(spark, 4).drop("p").write().format("delta").save(table.toString());
        assertEquals(
                Set.of("amount", "d", "n", "s", "t"), statsOfVersion(spark, table, 0), "Delta's default: strings too");
        new Warehouse(spark, tmp.resolve("old").toString())
                .overwrite(mixed(spark, 4).drop("p"), Table.CUSTOMER_LTV);
        // Version 1 is the ALTER, version 2 the overwrite.
        assertEquals(Set.of("amount", "d", "n", "t"), statsOfVersion(spark, table, 2));
    }

    /**
     * Issue 42: a warehouse made before a reader took a new column (silver.ad_spend's claims) takes
     * it on the next delivery's replace; the earlier deliveries read it as null, and their rows stay.
     */
    @Test
    void aReplaceAddsANewColumnAndOldRowsReadItAsNull(SparkSession spark) {
        Warehouse w = new Warehouse(spark, tmp.resolve("evolve").toString());
        w.replace(
                spark.sql("SELECT DATE'2026-10-01' AS dt, 'c1' AS campaign_id, CAST(5.00 AS DECIMAL(18,2)) AS cost"),
                Table.AD_SPEND,
                "dt = DATE'2026-10-01'",
                List.of("dt"));
        w.replace(
                spark.sql("SELECT DATE'2026-10-02' AS dt, 'c1' AS campaign_id, CAST(6.00 AS DECIMAL(18,2)) AS cost,"
                        + " CAST(2 AS DECIMAL(18,2)) AS claimed_conversions"),
                Table.AD_SPEND,
                "dt = DATE'2026-10-02'",
                List.of("dt"));
        List<Row> rows = w.read(Table.AD_SPEND).orderBy("dt").collectAsList();
        assertEquals(2, rows.size());
        assertEquals(null, (Object) rows.get(0).getAs("claimed_conversions"));
        assertEquals(new java.math.BigDecimal("2.00"), rows.get(1).getAs("claimed_conversions"));
    }

    /** One credit row: model, journey, conversion, touch, channel, shares. */
    static Dataset<Row> credit(SparkSession spark, String journeyId, String conversionCredit) {
        return spark.sql(
                "SELECT 'linear' AS model, " + (journeyId == null ? "CAST(NULL AS STRING)" : "'" + journeyId + "'")
                        + " AS journey_id, 'c1' AS conversion_id, 0 AS touch_index, '(none)' AS channel, CAST("
                        + conversionCredit
                        + " AS DECIMAL(18,12)) AS conversion_credit, CAST(10.00 AS DECIMAL(18,2)) AS revenue_credit");
    }

    static String failure(Runnable write) {
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, write::run);
        return e.getMessage();
    }

    /** Issue 28, part 3: constraints where a wrong value must never land. */
    @Test
    void aWriteThatBreaksAConstraintFailsNamingIt(SparkSession spark) {
        Warehouse w = new Warehouse(spark, tmp.resolve("c").toString());
        // Created with its constraints: the first write is checked too.
        String share = failure(() -> w.overwrite(credit(spark, "j1", "2"), Table.CREDITS, List.of("model")));
        org.junit.jupiter.api.Assertions.assertTrue(share.contains("conversion_credit_between_0_and_1"), share);
        org.junit.jupiter.api.Assertions.assertFalse(w.exists(Table.CREDITS), "nothing committed");
        w.overwrite(credit(spark, "j1", "1"), Table.CREDITS, List.of("model"));
        String key = failure(() -> w.append(credit(spark, null, "1"), Table.CREDITS));
        org.junit.jupiter.api.Assertions.assertTrue(key.contains("journey_id_not_null"), key);
        assertEquals(1, w.read(Table.CREDITS).count());
        assertEquals(
                "`journey_id` IS NOT NULL",
                spark.sql("DESCRIBE DETAIL delta.`" + w.path(Table.CREDITS) + "`")
                        .first()
                        .getJavaMap(spark.sql("DESCRIBE DETAIL delta.`" + w.path(Table.CREDITS) + "`")
                                .first()
                                .fieldIndex("properties"))
                        .get("delta.constraints.journey_id_not_null"));
    }

    @Test
    void aTableCreatedBeforeItsConstraintsGetsThemOnItsNextWrite(SparkSession spark) {
        Path table = tmp.resolve("old/attribution/credits");
        credit(spark, "j1", "2").write().format("delta").save(table.toString());
        Warehouse w = new Warehouse(spark, tmp.resolve("old").toString());
        // The row already there breaks the rule: adding the constraint checks it, and fails.
        String old = failure(() -> w.overwrite(credit(spark, "j1", "1"), Table.CREDITS));
        org.junit.jupiter.api.Assertions.assertTrue(old.contains("conversion_credit_between_0_and_1"), old);
        credit(spark, "j1", "0.5").write().format("delta").mode("overwrite").save(table.toString());
        w.overwrite(credit(spark, "j1", "1"), Table.CREDITS);
        // The comments of tables.conf came with it (issue 28, part 3).
        var described =
                spark.sql("DESCRIBE TABLE EXTENDED delta.`" + table + "`").collectAsList();
        assertEquals(
                io.trueroi.catalog.TableDocs.comment(Table.CREDITS),
                described.stream()
                        .filter(r -> r.getString(0).equals("Comment"))
                        .findFirst()
                        .orElseThrow()
                        .getString(1));
        assertEquals(
                "The touch's share of the conversion.",
                described.stream()
                        .filter(r -> r.getString(0).equals("conversion_credit"))
                        .findFirst()
                        .orElseThrow()
                        .getString(2));
        String later = failure(() -> w.overwrite(credit(spark, "j1", "1.5"), Table.CREDITS));
        org.junit.jupiter.api.Assertions.assertTrue(later.contains("conversion_credit_between_0_and_1"), later);
    }
}
