package io.trueroi.ingest;

import static io.trueroi.testing.DatasetAssert.assertDatasetEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueroi.catalog.Table;
import io.trueroi.config.TrueRoiConfig;
import io.trueroi.ops.JobFailure;
import io.trueroi.ops.RunContext;
import io.trueroi.spark.Warehouse;
import io.trueroi.testing.SharedSpark;
import io.trueroi.testing.TestWorld;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole ingest runs: a re-run writes nothing, a changed file replaces only its date, and every
 * failure (missing column, missing folder, too many rejects) stops before any table is written.
 * POS only, to keep each run to two Delta writes.
 */
@ExtendWith(SharedSpark.class)
class IngestRunsTest {
    static final LocalDate D1 = LocalDate.of(2026, 10, 1);
    static final LocalDate D2 = LocalDate.of(2026, 10, 2);
    static final String HEADER = "store_id,city,transaction_id,local_time,member_card,phone,amount,currency,type,"
            + "original_transaction_id\n";

    @TempDir
    Path tmp;

    TestWorld world() {
        TestWorld w = new TestWorld(tmp).day(D1).day(D2);
        w.file(
                "pos_transactions",
                D1,
                "pos_SH001.csv",
                HEADER
                        + "SH001,上海,T1,2026-10-01 14:00:00,M001,13812345678,199.00,CNY,SALE,\n"
                        + "SH001,上海,T2,2026-10-01 15:00:00,,,99.00,CNY,SALE,\n"
                        + "SH001,上海,T3,2026-10-01 16:00:00,,,-5.00,CNY,SALE,\n");
        w.file(
                "pos_transactions",
                D2,
                "pos_SH001.csv",
                HEADER + "SH001,上海,T4,2026-10-02 14:00:00,M002,,59.00,CNY,SALE,\n");
        return w;
    }

    static List<Row> run(SparkSession spark, TrueRoiConfig config, LocalDate from, LocalDate to) {
        new IngestAction(config, new Warehouse(spark, config.warehouse()), RunContext.start("ingest", from, to, null))
                .sources(Set.of("pos"))
                .execute();
        return List.of();
    }

    static long version(SparkSession spark, Warehouse w, Table table) {
        return spark.sql("DESCRIBE HISTORY delta.`" + w.path(table) + "`")
                .agg(org.apache.spark.sql.functions.max("version"))
                .first()
                .getLong(0);
    }

    static Dataset<Row> quarantineWithoutRunId(Warehouse w) {
        return w.read(Table.REJECTED_RECORDS).drop("run_id");
    }

    @Test
    void rerunLeavesTablesIdenticalAndWritesNothing(SparkSession spark) {
        TrueRoiConfig config = world().config("trueroi.ingest.max-reject-rate = 0.5");
        Warehouse w = new Warehouse(spark, config.warehouse());
        run(spark, config, D1, D2);
        List<Row> silver = w.read(Table.POS_TRANSACTIONS).collectAsList();
        List<Row> quarantine = quarantineWithoutRunId(w).collectAsList();
        long v = version(spark, w, Table.POS_TRANSACTIONS);
        long q = version(spark, w, Table.REJECTED_RECORDS);
        long m = version(spark, w, Table.INGESTED_FILES);
        assertEquals(0, v, "the first run writes the table in one transaction");

        // Every file is in ops.ingested_files with the size and time it has: nothing to read again.
        run(spark, config, D1, D2);
        Dataset<Row> after = w.read(Table.POS_TRANSACTIONS);
        assertDatasetEquals(spark.createDataFrame(silver, after.schema()), after);
        Dataset<Row> qAfter = quarantineWithoutRunId(w);
        assertDatasetEquals(spark.createDataFrame(quarantine, qAfter.schema()), qAfter);
        assertEquals(3, after.count(), "T1, T2 and T4; T3 is quarantined");
        assertEquals(v, version(spark, w, Table.POS_TRANSACTIONS), "no transaction: nothing new");
        assertEquals(q, version(spark, w, Table.REJECTED_RECORDS));
        assertEquals(m, version(spark, w, Table.INGESTED_FILES));
    }

    @Test
    void dateRerunReplacesOnlyThatDate(SparkSession spark) {
        TestWorld world = world();
        TrueRoiConfig config = world.config("trueroi.ingest.max-reject-rate = 0.5");
        Warehouse w = new Warehouse(spark, config.warehouse());
        run(spark, config, D1, D2);
        world.file(
                "pos_transactions",
                D2,
                "pos_SH001.csv",
                HEADER
                        + "SH001,上海,T4,2026-10-02 14:00:00,M002,,69.00,CNY,SALE,\n"
                        + "SH001,上海,T5,2026-10-02 15:00:00,,,10.00,CNY,SALE,\n");
        run(spark, config, D2, D2);
        List<String> ids = w
                .read(Table.POS_TRANSACTIONS)
                .orderBy("transaction_id")
                .select("transaction_id", "amount")
                .collectAsList()
                .stream()
                .map(r -> r.getString(0) + "=" + r.get(1))
                .toList();
        assertEquals(List.of("T1=199.00", "T2=99.00", "T4=69.00", "T5=10.00"), ids);
        assertEquals(1, w.read(Table.REJECTED_RECORDS).count(), "day one's reject stays");
    }

    @Test
    void missingRequiredColumnFailsNamingFileAndColumnAndWritesNothing(SparkSession spark) {
        TestWorld world = world();
        TrueRoiConfig config = world.config("trueroi.ingest.max-reject-rate = 0.5");
        Warehouse w = new Warehouse(spark, config.warehouse());
        run(spark, config, D1, D2);
        long v = version(spark, w, Table.POS_TRANSACTIONS);
        long q = version(spark, w, Table.REJECTED_RECORDS);
        world.file(
                "pos_transactions",
                D2,
                "pos_BJ002.csv",
                "store_id,city,transaction_id,local_time,member_card,phone,currency,type\nBJ002,北京,B1,2026-10-02 10:00:00,,,CNY,SALE\n");
        JobFailure e = assertThrows(JobFailure.class, () -> run(spark, config, D1, D2));
        assertTrue(e.getMessage().contains("pos/transactions/dt=2026-10-02/pos_BJ002.csv"), e.getMessage());
        assertTrue(e.getMessage().contains("required amount"), e.getMessage());
        assertEquals(v, version(spark, w, Table.POS_TRANSACTIONS), "no partial write");
        assertEquals(q, version(spark, w, Table.REJECTED_RECORDS));
    }

    @Test
    void missingFolderFailsNamingIt(SparkSession spark) {
        TrueRoiConfig config = world().config("");
        LocalDate d3 = D2.plusDays(1);
        JobFailure e = assertThrows(JobFailure.class, () -> run(spark, config, D1, d3));
        assertTrue(
                e.getMessage().contains("missing folder") && e.getMessage().contains("pos/transactions/dt=2026-10-03"),
                e.getMessage());
        assertFalse(new Warehouse(spark, config.warehouse()).exists(Table.POS_TRANSACTIONS));
    }

    @Test
    void rejectRateOverThresholdFailsNamingTheLines(SparkSession spark) {
        // Day one: 1 reject of 3 lines = 33%, over the default 5%.
        TrueRoiConfig config = world().config("");
        JobFailure e = assertThrows(JobFailure.class, () -> run(spark, config, D1, D2));
        assertTrue(
                e.getMessage()
                        .startsWith("ingest: pos_transactions rejected 1 of 4 lines (25.0%), over "
                                + "trueroi.ingest.max-reject-rate 5.0%"),
                e.getMessage());
        assertTrue(
                e.getMessage().contains("pos/transactions/dt=2026-10-01/pos_SH001.csv line 4: NEGATIVE_AMOUNT"),
                e.getMessage());
        assertFalse(new Warehouse(spark, config.warehouse()).exists(Table.POS_TRANSACTIONS));
        assertFalse(
                new Warehouse(spark, config.warehouse()).exists(Table.INGESTED_FILES),
                "no file is marked read when its rows were not written");
    }

    static byte[] gzip(String text) throws Exception {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(b)) {
            z.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return b.toByteArray();
    }

    @Test
    void compressedExportsAreReadAndACorruptOneFailsNamingIt(SparkSession spark) throws Exception {
        TestWorld world = world();
        world.bytes(
                "pos_transactions",
                D2,
                "pos_BJ002.csv.gz",
                gzip(HEADER + "BJ002,北京,B1,2026-10-02 10:00:00,,,30.00,CNY,SALE,\n"));
        TrueRoiConfig config = world.config("trueroi.ingest.max-reject-rate = 0.5");
        Warehouse w = new Warehouse(spark, config.warehouse());
        run(spark, config, D1, D2);
        assertEquals(
                1,
                w.read(Table.POS_TRANSACTIONS).filter("transaction_id = 'B1'").count());
        long v = version(spark, w, Table.POS_TRANSACTIONS);

        byte[] good = gzip(HEADER + "BJ002,北京,B2,2026-10-02 11:00:00,,,30.00,CNY,SALE,\n".repeat(50));
        byte[] truncated = java.util.Arrays.copyOf(good, good.length / 2);
        world.bytes("pos_transactions", D2, "pos_BJ002.csv.gz", truncated);
        Exception e = assertThrows(Exception.class, () -> run(spark, config, D1, D2));
        String reason = io.trueroi.ops.Failures.describe(e);
        assertTrue(reason.startsWith("cannot read pos/transactions/dt=2026-10-02/pos_BJ002.csv.gz at line "), reason);
        assertEquals(v, version(spark, w, Table.POS_TRANSACTIONS), "nothing written");
    }

    @Test
    void aFolderInsideADeliveryFailsNamingIt(SparkSession spark) {
        TestWorld world = world();
        world.file("pos_transactions", D2, "late/pos_SH001.csv", HEADER);
        TrueRoiConfig config = world.config("");
        JobFailure e = assertThrows(JobFailure.class, () -> run(spark, config, D1, D2));
        assertTrue(e.getMessage().contains("unexpected folder pos/transactions/dt=2026-10-02/late"), e.getMessage());
    }
}
