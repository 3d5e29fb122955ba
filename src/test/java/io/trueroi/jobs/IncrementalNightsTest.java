package io.trueroi.jobs;

import static io.trueroi.testing.DatasetAssert.assertDatasetEquals;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueroi.catalog.IdType;
import io.trueroi.catalog.Table;
import io.trueroi.config.TrueRoiConfig;
import io.trueroi.identity.Identifiers;
import io.trueroi.spark.Warehouse;
import io.trueroi.synthetic.GenerateAction;
import io.trueroi.synthetic.WorldModel;
import io.trueroi.testing.Canonical;
import io.trueroi.testing.SharedSpark;
import io.trueroi.testing.TestWorld;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The invariant of a nightly job: a backfill of days 1..n followed by night n+1 (and its re-run)
 * leaves every table as one backfill of days 1..n+1 does (README, "Running jobs").
 *
 * <p>The world: a generated one (200 people, 2026-09-01..05, seed 5; no run reads past 09-04, and
 * within 09-01..04 it holds no merge or split of its own) for the bulk, and till sales and orders
 * planted by hand for what a night must get right (phone limit 2 per card):
 *
 * <pre>
 *  backfill 09-01..03  A: card A1 buys S1 100.00 and own-site order O1 80.00 (phone PA); B: card B1
 *                      with phone PB buys S2 50.00; card C1 (S3) and card C2 (S4) share phone PS: one
 *                      person. 09-02: A1 buys S5 20.00 in a second till file.
 *  night 09-04         S6: card A1 with phone PB, merging A and B. S7: card C3 with phone PS, so PS
 *                      ties three cards, crosses the guard and splits C1 from C2. The 09-02 file is
 *                      delivered again with S5 at 25.00; a late till file for 09-03 (S8: B1 30.00);
 *                      S9 returns 40.00 of S1; refund R1 takes 30.00 off O1; the 09-01 till file is
 *                      touched (same bytes). Then the night is run again.
 * </pre>
 *
 * One night carries every event: each is a change a night must carry into the tables, and none
 * needs a night of its own to show it.
 *
 * Tables compare as multisets of rows without run ids and change times, after each OneID is
 * replaced by its person's smallest identifier hash (labels depend on history; the partition of
 * identifiers into persons must not). Left out: {@code ops.*} (runs, not data) and
 * {@code identity.one_id_history} (the nights' merges and splits are history a backfill does not
 * have). The Markov fits are compared whole: every date has its own fit, over its own window.
 */
@ExtendWith(SharedSpark.class)
class IncrementalNightsTest {
    static final LocalDate D1 = LocalDate.of(2026, 9, 1);
    static final LocalDate D2 = LocalDate.of(2026, 9, 2);
    static final LocalDate D3 = LocalDate.of(2026, 9, 3);
    static final LocalDate D4 = LocalDate.of(2026, 9, 4);
    static final LocalDate D5 = LocalDate.of(2026, 9, 5);
    static final String TILL = "store_id,city,transaction_id,local_time,member_card,phone,amount,currency,type,"
            + "original_transaction_id\n";
    static final String PA = "13012340001";
    static final String PB = "13012340002";
    static final String PS = "13012340003";

    @TempDir
    Path tmp;

    static String sale(String id, String time, String card, String phone, String amount) {
        return "SH001,上海," + id + "," + time + "," + card + "," + phone + "," + amount + ",CNY,SALE,\n";
    }

    void run(Path conf, String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.add("--conf");
        all.add(conf.toString());
        StringWriter err = new StringWriter();
        int code = TrueRoi.run(
                all.toArray(new String[0]),
                new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true),
                TestWorld.ENV);
        assertEquals(0, code, String.join(" ", args) + ": " + err);
    }

    /** Till sales of A, B and C on the first day (C's two cards share a phone), A's order, A's sale on day 2. */
    private static void plantFirstNights(TestWorld world) {
        world.file(
                "pos_transactions",
                D1,
                "pos_SH001_planted.csv",
                TILL
                        + sale("S1", "2026-09-01 10:00:00", "A1", "", "100.00")
                        + sale("S2", "2026-09-01 11:00:00", "B1", PB, "50.00")
                        + sale("S3", "2026-09-01 12:00:00", "C1", PS, "10.00")
                        + sale("S4", "2026-09-01 13:00:00", "C2", PS, "10.00"));
        world.file(
                "ecommerce_orders",
                D1,
                "ownsite_planted.csv",
                MartsTinyWorldTest.orders("O1,," + PA
                        + ",,A1,2026-09-01T15:00:00+08:00,2026-09-01T15:00:00+08:00,80.00,0.00,0.00,CNY,paid,\n"));
        world.file(
                "pos_transactions",
                D2,
                "pos_SH001_planted.csv",
                TILL + sale("S5", "2026-09-02 10:00:00", "A1", "", "20.00"));
    }

    /**
     * Night 4: B's sale with A's phone (a merge), C3's sale (a split), S9's return of S1, day 2's file
     * delivered again, changed, a late file for day 3, a refund of O1, and day 1's file touched (its
     * time changed, not its content).
     */
    private static void plantNightFour(TestWorld world) throws IOException {
        world.file(
                "pos_transactions",
                D4,
                "pos_SH001_planted.csv",
                TILL
                        + sale("S6", "2026-09-04 10:00:00", "A1", PB, "60.00")
                        + sale("S7", "2026-09-04 11:00:00", "C3", PS, "10.00")
                        + "SH001,上海,S9,2026-09-04 12:00:00,A1,,40.00,CNY,RETURN,S1\n");
        world.file(
                "pos_transactions",
                D2,
                "pos_SH001_planted.csv",
                TILL + sale("S5", "2026-09-02 10:00:00", "A1", "", "25.00"));
        world.file(
                "pos_transactions",
                D3,
                "pos_SH001_late.csv",
                TILL + sale("S8", "2026-09-03 18:00:00", "B1", "", "30.00"));
        world.file(
                "ecommerce_refunds",
                D4,
                "refunds_planted.csv",
                "platform,refund_id,order_id,refund_amount,currency,"
                        + "refund_time,status,reason\nownsite,R1,O1,30.00,CNY,2026-09-04T12:00:00+08:00,SUCCESS,size\n");
        Path touched = world.raw.resolve("pos/transactions/dt=" + D1 + "/pos_SH001_planted.csv");
        Files.setLastModifiedTime(
                touched, FileTime.fromMillis(Files.getLastModifiedTime(touched).toMillis() + 60_000));
    }

    @Test
    void nightsAfterABackfillEqualOneBackfill(SparkSession spark) throws IOException {
        TestWorld world = new TestWorld(tmp);
        TrueRoiConfig config = world.config("");
        new GenerateAction(spark, config, new WorldModel(5, D1, D5, 4), 200, world.raw.toString(), "test").execute();
        String limits = "trueroi.identity.max-links.phone = 2\n";
        Path nights = world.confFile(limits);
        Path backfill = world.confFile(limits + "trueroi.warehouse = \"" + tmp.resolve("backfill") + "\"\n");

        plantFirstNights(world);
        run(nights, "nightly", "--from", D1.toString(), "--to", D3.toString());

        plantNightFour(world);
        run(nights, "nightly", "--date", D4.toString());
        // The same night again: nothing new to read, and every table stays as it is.
        run(nights, "nightly", "--date", D4.toString());

        run(backfill, "nightly", "--from", D1.toString(), "--to", D4.toString());

        Warehouse incremental = new Warehouse(spark, world.warehouse.toString());
        Warehouse rebuilt = new Warehouse(spark, tmp.resolve("backfill").toString());
        plantedEventsHappened(spark, incremental);
        identityResolvedOnlyTouchedPersons(incremental);
        List<String> compared = new ArrayList<>();
        for (Table t : Canonical.comparable(rebuilt)) {
            assertTrue(incremental.exists(t), t + " exists after the nights");
            assertDatasetEquals(Canonical.of(rebuilt, t), Canonical.of(incremental, t));
            compared.add(t.tableName());
        }
        assertTrue(compared.size() >= 20, "every table the night writes: " + compared);
    }

    /**
     * Night 09-04's identity resolved only the persons its records touched, not all of silver:
     * some of the backfill's persons (the merged, split and re-delivered ones at least), fewer
     * than all of them. The equality above then shows that resolving them alone is a rebuild's
     * answer.
     */
    static void identityResolvedOnlyTouchedPersons(Warehouse w) {
        List<Row> runs = w.read(Table.JOB_RUNS)
                .filter(col("job").equalTo("identity").and(col("status").equalTo("SUCCEEDED")))
                .filter(col("counters").getItem("skipped").isNull())
                .orderBy("ended_at")
                .select(
                        col("counters").getItem("touched_persons"),
                        col("counters").getItem("one_ids"))
                .collectAsList();
        assertEquals(2, runs.size(), "the backfill's identity and night 09-04's: " + runs);
        assertEquals(-1L, runs.get(0).getLong(0), "the backfill reads all of silver");
        long touched = runs.get(1).getLong(0);
        assertTrue(touched >= 3 && touched < runs.get(0).getLong(1), "touched persons " + touched + " of " + runs);
    }

    /** The planted merge, split, re-delivery, late file, return and refund each changed the tables. */
    static void plantedEventsHappened(SparkSession spark, Warehouse w) {
        List<Row> history = w.read(Table.ONE_ID_HISTORY).orderBy("reason").collectAsList();
        assertEquals(
                List.of("merged", "split"),
                history.stream().map(r -> r.<String>getAs("reason")).toList());
        assertEquals(oneId(w, IdType.MEMBER, "A1"), oneId(w, IdType.MEMBER, "B1"), "S6 merged A and B");
        assertNotEquals(oneId(w, IdType.MEMBER, "C1"), oneId(w, IdType.MEMBER, "C2"), "PS no longer links");
        Row s5 = w.read(Table.POS_TRANSACTIONS)
                .filter(col("transaction_id").equalTo("S5"))
                .first();
        assertEquals("25.00", s5.getAs("amount").toString(), "the re-delivered file won");
        assertEquals(
                1,
                w.read(Table.POS_TRANSACTIONS)
                        .filter(col("transaction_id").equalTo("S8"))
                        .count());
        Row o1 = w.read(Table.CONVERSIONS)
                .filter(col("conversion_id").endsWith("O1"))
                .first();
        assertEquals("50.00", o1.getAs("net_revenue").toString(), "80.00 less R1's 30.00");
    }

    static String oneId(Warehouse w, IdType type, String value) {
        return w.read(Table.IDENTITY_MAP)
                .filter(col("id_value_hash").equalTo(Identifiers.hash(type, lit(value))))
                .first()
                .getAs("one_id");
    }
}
