package io.trueroi.ingest;

import static io.trueroi.testing.DatasetAssert.assertDatasetEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueroi.catalog.Table;
import io.trueroi.config.TrueRoiConfig;
import io.trueroi.ops.RunContext;
import io.trueroi.spark.Warehouse;
import io.trueroi.testing.SharedSpark;
import io.trueroi.testing.TestWorld;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
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
 * Nights against {@code ops.ingested_files}: each reads only the delivery dates with a new, changed
 * or withdrawn file, and after any sequence of nights silver equals one run over every file.
 *
 * <p>The world (POS only, one till file a day): D1 holds T1 (199.00) and T2 (99.00), D2 holds T4
 * (59.00). Night 3 brings D3's T6 and, late, a second file for D1 with T9 (10.00). Then D2's file
 * is rewritten with T4 at 69.00, D1's first file is touched (new time, same bytes), and the late
 * file is withdrawn. Expected counts below follow from those files by hand.
 */
@ExtendWith(SharedSpark.class)
class IncrementalIngestTest {
    static final LocalDate D1 = LocalDate.of(2026, 10, 1);
    static final LocalDate D2 = LocalDate.of(2026, 10, 2);
    static final LocalDate D3 = LocalDate.of(2026, 10, 3);

    @TempDir
    Path tmp;

    static String till(String... rows) {
        return IngestRunsTest.HEADER + String.join("\n", rows) + "\n";
    }

    static final String D1_FILE = till(
            "SH001,上海,T1,2026-10-01 14:00:00,M001,13812345678,199.00,CNY,SALE,",
            "SH001,上海,T2,2026-10-01 15:00:00,,,99.00,CNY,SALE,");

    static IngestAction.Result night(SparkSession spark, TrueRoiConfig config, LocalDate from, LocalDate to) {
        return new IngestAction(
                        config, new Warehouse(spark, config.warehouse()), RunContext.start("ingest", from, to, null))
                .sources(Set.of("pos"))
                .execute();
    }

    static List<String> sales(Warehouse w) {
        return w
                .read(Table.POS_TRANSACTIONS)
                .orderBy("transaction_id")
                .selectExpr("dt", "transaction_id", "amount")
                .collectAsList()
                .stream()
                .map(r -> r.get(0) + " " + r.getString(1) + "=" + r.get(2))
                .toList();
    }

    @Test
    void eachNightReadsOnlyWhatIsNewAndEndsEqualToOneRunOverEverything(SparkSession spark) throws IOException {
        TestWorld world = new TestWorld(tmp.resolve("nights")).day(D1).day(D2);
        world.file("pos_transactions", D1, "pos_SH001.csv", D1_FILE);
        world.file(
                "pos_transactions", D2, "pos_SH001.csv", till("SH001,上海,T4,2026-10-02 14:00:00,M002,,59.00,CNY,SALE,"));
        TrueRoiConfig config = world.config("");
        Warehouse w = new Warehouse(spark, config.warehouse());

        IngestAction.Result first = night(spark, config, D1, D2);
        assertEquals(new IngestAction.FileCounts(2, 0, 0, 0, 2), first.files());

        // Night 3: D3's file, and a late one for D1, which is read with the rest of D1; D2 is not read.
        world.day(D3)
                .file("pos_transactions", D3, "pos_SH001.csv", till("SH001,上海,T6,2026-10-03 10:00:00,,,5.00,CNY,SALE,"))
                .file(
                        "pos_transactions",
                        D1,
                        "pos_SH001_late.csv",
                        till("SH001,上海,T9,2026-10-01 20:00:00,,,10.00,CNY,SALE,"));
        IngestAction.Result third = night(spark, config, D3, D3);
        assertEquals(new IngestAction.FileCounts(2, 0, 0, 2, 2), third.files());
        assertEquals(4, third.sources().get(0).rowsRead(), "all of D1 (T1, T2, T9) and D3 (T6)");
        assertEquals(
                List.of(
                        "2026-10-01 T1=199.00",
                        "2026-10-01 T2=99.00",
                        "2026-10-02 T4=59.00",
                        "2026-10-03 T6=5.00",
                        "2026-10-01 T9=10.00"),
                sales(w));

        // A re-delivered D2 file with a new amount is read again; a touched D1 file (same bytes) is not.
        long before = IngestRunsTest.version(spark, w, Table.POS_TRANSACTIONS);
        Path d1 = world.raw.resolve("pos/transactions/dt=" + D1 + "/pos_SH001.csv");
        Files.setLastModifiedTime(
                d1, FileTime.fromMillis(Files.getLastModifiedTime(d1).toMillis() + 60_000));
        IngestAction.Result touched = night(spark, config, D3, D3);
        assertEquals(new IngestAction.FileCounts(0, 0, 0, 4, 0), touched.files(), "same bytes: not read");
        assertEquals(before, IngestRunsTest.version(spark, w, Table.POS_TRANSACTIONS), "silver untouched");
        IngestAction.Result again = night(spark, config, D3, D3);
        assertEquals(new IngestAction.FileCounts(0, 0, 0, 4, 0), again.files(), "the new time was noted");

        world.file(
                "pos_transactions", D2, "pos_SH001.csv", till("SH001,上海,T4,2026-10-02 14:00:00,M002,,69.00,CNY,SALE,"));
        Files.delete(world.raw.resolve("pos/transactions/dt=" + D1 + "/pos_SH001_late.csv"));
        IngestAction.Result changed = night(spark, config, D3, D3);
        assertEquals(new IngestAction.FileCounts(0, 1, 1, 2, 2), changed.files(), "D2 changed, D1 lost a file");
        assertEquals(
                List.of("2026-10-01 T1=199.00", "2026-10-01 T2=99.00", "2026-10-02 T4=69.00", "2026-10-03 T6=5.00"),
                sales(w));

        // One run over the same files into an empty warehouse gives the same silver table.
        TrueRoiConfig fresh = world.config("trueroi.warehouse = \"" + tmp.resolve("fresh-warehouse") + "\"");
        night(spark, fresh, D1, D3);
        Dataset<Row> incremental = w.read(Table.POS_TRANSACTIONS);
        assertDatasetEquals(new Warehouse(spark, fresh.warehouse()).read(Table.POS_TRANSACTIONS), incremental);
        List<String> files = w.read(Table.INGESTED_FILES)
                .orderBy("path")
                .selectExpr("path")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList();
        assertEquals(
                List.of(
                        "pos/transactions/dt=2026-10-01/pos_SH001.csv",
                        "pos/transactions/dt=2026-10-02/pos_SH001.csv",
                        "pos/transactions/dt=2026-10-03/pos_SH001.csv"),
                files);
    }

    @Test
    void fullRefreshReadsTheRunsDatesAgain(SparkSession spark) {
        TestWorld world = new TestWorld(tmp.resolve("refresh")).day(D1);
        world.file("pos_transactions", D1, "pos_SH001.csv", D1_FILE);
        TrueRoiConfig config = world.config("");
        Warehouse w = new Warehouse(spark, config.warehouse());
        night(spark, config, D1, D1);
        long v = IngestRunsTest.version(spark, w, Table.POS_TRANSACTIONS);
        IngestAction.Result refreshed = new IngestAction(config, w, RunContext.start("ingest", D1, D1, null))
                .sources(Set.of("pos"))
                .fullRefresh(true)
                .execute();
        assertEquals(1, refreshed.files().datesRead());
        assertEquals(v + 1, IngestRunsTest.version(spark, w, Table.POS_TRANSACTIONS));
        assertTrue(sales(w).contains("2026-10-01 T1=199.00"), sales(w).toString());
    }
}
