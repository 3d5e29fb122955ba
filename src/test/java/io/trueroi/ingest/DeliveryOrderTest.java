package io.trueroi.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trueroi.catalog.Table;
import io.trueroi.config.TrueRoiConfig;
import io.trueroi.ops.RunContext;
import io.trueroi.spark.Warehouse;
import io.trueroi.testing.SharedSpark;
import io.trueroi.testing.TestWorld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 28, defect 8: which delivery of a record wins within one date. Files are ordered by
 * modification time, then by natural name order (orders_2 before orders_10), and the later one's
 * row wins; before, the file name's string order decided, so orders_2.csv beat orders_10.csv.
 * Rows of one key with other content are conflicts, counted apart from exact duplicates.
 *
 * <p>The world, worked by hand. 2026-10-01, both files written at the same instant:
 * orders_2.csv {O1 10.00, O2 20.00} and orders_10.csv {O1 11.00, O3 30.00, O3 30.00}: O1 is
 * 11.00 (orders_10 is later by name); 5 rows keep 3; of the 2 dropped, O1's 10.00 differs
 * (a conflict) and O3's second line repeats (a duplicate). 2026-10-02: orders_1.csv written a
 * minute after orders_9.csv, {O5 50.00} against {O5 55.00}: O5 is 50.00 (later by time though
 * earlier by name), one conflict. In all: 2 conflicts, 1 exact duplicate.
 */
@ExtendWith(SharedSpark.class)
class DeliveryOrderTest {
    static final LocalDate D1 = LocalDate.of(2026, 10, 1);
    static final LocalDate D2 = LocalDate.of(2026, 10, 2);
    static final String HEADER =
            "order_id,email,phone,device_id,member_id,created_at,processed_at,total_price,total_discounts,shipping,currency,financial_status,landing_site\n";

    @TempDir
    Path tmp;

    private static String order(String id, String amount) {
        return id + ",,,,,2026-10-01T20:00:00+08:00,," + amount + ",0,0,CNY,paid,\n";
    }

    @Test
    void theLaterDeliveryWinsByTimeThenNaturalNameOrder(SparkSession spark) throws Exception {
        TestWorld w = new TestWorld(tmp).day(D1).day(D2);
        w.file("ecommerce_orders", D1, "ownsite_orders_2.csv", HEADER + order("O1", "10.00") + order("O2", "20.00"));
        w.file(
                "ecommerce_orders",
                D1,
                "ownsite_orders_10.csv",
                HEADER + order("O1", "11.00") + order("O3", "30.00") + order("O3", "30.00"));
        w.file("ecommerce_orders", D2, "ownsite_orders_1.csv", HEADER + order("O5", "50.00"));
        w.file("ecommerce_orders", D2, "ownsite_orders_9.csv", HEADER + order("O5", "55.00"));
        Path orders = w.raw.resolve(TestWorld.FEED_PATHS.get("ecommerce_orders"));
        FileTime t = FileTime.fromMillis(1_790_000_000_000L);
        Files.setLastModifiedTime(orders.resolve("dt=" + D1).resolve("ownsite_orders_2.csv"), t);
        Files.setLastModifiedTime(orders.resolve("dt=" + D1).resolve("ownsite_orders_10.csv"), t);
        Files.setLastModifiedTime(orders.resolve("dt=" + D2).resolve("ownsite_orders_9.csv"), t);
        Files.setLastModifiedTime(
                orders.resolve("dt=" + D2).resolve("ownsite_orders_1.csv"), FileTime.fromMillis(t.toMillis() + 60_000));
        TrueRoiConfig config = w.config("");
        Warehouse warehouse = new Warehouse(spark, config.warehouse());
        IngestAction.Result result = new IngestAction(config, warehouse, RunContext.start("ingest", D1, D2, null))
                .sources(java.util.Set.of("ecommerce"))
                .execute();
        Map<String, String> amounts = new TreeMap<>();
        for (Row r : warehouse.read(Table.ECOMMERCE_ORDERS).collectAsList()) {
            amounts.put(r.getAs("order_id"), r.getAs("payment_amount").toString());
        }
        assertEquals(Map.of("O1", "11.00", "O2", "20.00", "O3", "30.00", "O5", "50.00"), amounts);
        var orderStats = result.sources().stream()
                .filter(s -> s.table().equals("ecommerce_orders"))
                .findFirst()
                .orElseThrow();
        assertEquals(4, orderStats.rowsWritten());
        assertEquals(1, orderStats.rowsDuplicate(), "exact repeats only");
        assertEquals(2L, result.counters().get("rows_conflicting"));
        assertEquals(2L, result.counters().get("rows_conflicting:ecommerce_orders"));
    }
}
