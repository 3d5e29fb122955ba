package io.trueroi.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueroi.catalog.IdType;
import io.trueroi.catalog.Table;
import io.trueroi.config.TrueRoiConfig;
import io.trueroi.ops.RunContext;
import io.trueroi.spark.Warehouse;
import io.trueroi.testing.DatasetAssert;
import io.trueroi.testing.SharedSpark;
import io.trueroi.testing.TestWorld;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * OneIDs on hand-built silver tables: a long chain, a merge across runs (survivor, history,
 * idempotent re-run), a junk hub that must not merge, and app-scoped openids. Only the columns
 * the identity job reads are written.
 */
@ExtendWith(SharedSpark.class)
class IdentityActionTest {
    static final LocalDate D1 = LocalDate.of(2026, 10, 1);
    static final LocalDate D2 = LocalDate.of(2026, 10, 2);
    static final StructType ORDERS = StructType.fromDDL(
            "dt DATE, platform STRING, order_id STRING, buyer_id STRING, phone_hash STRING, email_hash STRING,"
                    + " device_id STRING, member_id STRING, click_id STRING, created_at TIMESTAMP");
    static final StructType POS =
            StructType.fromDDL("dt DATE, store_id STRING, transaction_id STRING, member_card STRING, phone_hash STRING,"
                    + " transaction_time TIMESTAMP");
    static final StructType USERS =
            StructType.fromDDL("dt DATE, app_id STRING, openid STRING, unionid STRING, subscribe_time TIMESTAMP");

    @TempDir
    Path tmp;

    Warehouse warehouse(SparkSession spark) {
        return new Warehouse(spark, tmp.resolve("warehouse").toString());
    }

    TrueRoiConfig config() {
        return new TestWorld(tmp).config("");
    }

    static Timestamp t(String iso) {
        return Timestamp.from(Instant.parse(iso));
    }

    void write(SparkSession spark, String table, StructType schema, List<Row> rows) {
        spark.createDataFrame(rows, schema)
                .write()
                .format("delta")
                .mode(SaveMode.Overwrite)
                .save(warehouse(spark).path(Table.silver(table)));
    }

    IdentityAction.Result identity(SparkSession spark, LocalDate d) {
        return new IdentityAction(config(), warehouse(spark), RunContext.start("identity", d, d, null)).execute();
    }

    /** one_id of an identifier given by type and raw value. */
    String oneId(SparkSession spark, String type, String value) {
        List<Row> r = warehouse(spark)
                .read(Table.IDENTITY_MAP)
                .filter(org.apache
                        .spark
                        .sql
                        .functions
                        .col("id_value_hash")
                        .equalTo(Identifiers.hash(IdType.of(type), org.apache.spark.sql.functions.lit(value))))
                .select("one_id")
                .collectAsList();
        return r.isEmpty() ? null : r.get(0).getString(0);
    }

    static Row order(String id, String member, String device, String phone, String at) {
        return RowFactory.create(Date.valueOf(D1), "ownsite", id, null, phone, null, device, member, null, t(at));
    }

    static String sha256(String s) throws Exception {
        return java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void anIdentifierOfOneRecordIsPlacedWithItsRecordAndCanNameTheComponent(SparkSession spark) throws Exception {
        // Orders: (member L, device d) and (member k, device d). L is on one order only, so it stays out
        // of the graph; it must still get d's OneID, and the OneID is named by the smallest hash of the
        // three, which we make L's by picking its value (SHA-256 of "member:<value>", as Identifiers hashes).
        String others = sha256("device:d").compareTo(sha256("member:k")) < 0 ? sha256("device:d") : sha256("member:k");
        String leaf = null;
        for (int i = 0; leaf == null; i++) {
            if (sha256("member:L" + i).compareTo(others) < 0) {
                leaf = "L" + i;
            }
        }
        write(
                spark,
                "ecommerce_orders",
                ORDERS,
                List.of(
                        order("O1", leaf, "d", null, "2026-10-01T01:00:00Z"),
                        order("O2", "k", "d", null, "2026-10-01T02:00:00Z")));
        IdentityAction.Result c = identity(spark, D1);
        assertEquals(3L, c.identifiers());
        assertEquals(1L, c.linkingIdentifiers(), "only d is on both orders; L and k are on one each");
        String expected = "oid_" + sha256("member:" + leaf).substring(0, 24);
        assertEquals(expected, oneId(spark, "member", leaf));
        assertEquals(expected, oneId(spark, "device", "d"));
        assertEquals(expected, oneId(spark, "member", "k"));
    }

    @Test
    void longChainBecomesOnePerson(SparkSession spark) {
        // member m0 - device d0 - member m1 - device d1 - ... : 200 orders, 201 identifiers in a path.
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            rows.add(order("A" + i, "m" + i, "d" + i, null, "2026-10-01T01:00:00Z"));
            rows.add(order("B" + i, "m" + (i + 1), "d" + i, null, "2026-10-01T02:00:00Z"));
        }
        write(spark, "ecommerce_orders", ORDERS, rows);
        IdentityAction.Result c = identity(spark, D1);
        assertEquals(201L, c.identifiers(), "m0..m100 and d0..d99");
        assertEquals(1L, c.oneIds());
        assertTrue(c.ccRounds() >= 3, "a 201-node path takes several rounds: " + c);
        assertEquals(199L, c.linkingIdentifiers(), "m0 and m100 are on one order each, so outside the graph");
        // Still named by the smallest hash of all 201 identifiers, the two single-order ones included.
        Row named = warehouse(spark)
                .read(Table.IDENTITY_MAP)
                .agg(org.apache.spark.sql.functions.min("id_value_hash"), org.apache.spark.sql.functions.max("one_id"))
                .first();
        assertEquals("oid_" + named.getString(0).substring(0, 24), named.getString(1));
        assertEquals(oneId(spark, "member", "m0"), oneId(spark, "member", "m100"));
    }

    @Test
    void laterEvidenceMergesTwoPeopleKeepingTheOlderOneId(SparkSession spark) {
        write(
                spark,
                "pos_transactions",
                POS,
                List.of(
                        RowFactory.create(Date.valueOf(D1), "SH001", "T1", "M1", "P1", t("2026-10-01T02:00:00Z")),
                        RowFactory.create(Date.valueOf(D1), "SH001", "T2", "M2", "P2", t("2026-10-01T03:00:00Z"))));
        identity(spark, D1);
        String first = oneId(spark, "member", "M1");
        String second = oneId(spark, "member", "M2");
        assertNotEquals(first, second);
        // The one_id of a new person is "oid_" + 24 hex digits of the smallest identifier hash.
        assertTrue(first.matches("oid_[0-9a-f]{24}"), first);

        // Day two: someone pays with card M2 and gives phone P1: both are one person. M1/P1 were seen
        // first (02:00 < 03:00), so their OneID survives and M2's is retired.
        write(
                spark,
                "pos_transactions",
                POS,
                List.of(
                        RowFactory.create(Date.valueOf(D1), "SH001", "T1", "M1", "P1", t("2026-10-01T02:00:00Z")),
                        RowFactory.create(Date.valueOf(D1), "SH001", "T2", "M2", "P2", t("2026-10-01T03:00:00Z")),
                        RowFactory.create(Date.valueOf(D2), "SH001", "T3", "M2", "P1", t("2026-10-02T03:00:00Z"))));
        IdentityAction.Result c = identity(spark, D2);
        assertEquals(1L, c.mergedOneIds());
        for (String[] id : new String[][] {{"member", "M1"}, {"member", "M2"}, {"phone", "P1"}, {"phone", "P2"}}) {
            assertEquals(first, oneId(spark, id[0], id[1]), id[1]);
        }
        List<Row> history = warehouse(spark).read(Table.ONE_ID_HISTORY).collectAsList();
        assertEquals(1, history.size());
        assertEquals(second, history.get(0).getAs("from_one_id"));
        assertEquals(first, history.get(0).getAs("to_one_id"));
        assertEquals("merged", history.get(0).getAs("reason"));

        // Re-running the same date changes nothing.
        Dataset<Row> before = warehouse(spark).read(Table.IDENTITY_MAP);
        List<Row> snapshot = before.collectAsList();
        IdentityAction.Result again = identity(spark, D2);
        assertEquals(0L, again.mergedOneIds());
        DatasetAssert.assertDatasetEquals(
                spark.createDataFrame(snapshot, before.schema()),
                warehouse(spark).read(Table.IDENTITY_MAP));
        assertEquals(1, warehouse(spark).read(Table.ONE_ID_HISTORY).count());
    }

    @Test
    void junkHubPhoneDoesNotMergeItsCustomers(SparkSession spark) {
        // A store types its own phone for 500 walk-in customers, each with their own member card.
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            rows.add(RowFactory.create(
                    Date.valueOf(D1), "SH001", "T" + i, "M" + i, "STORE_PHONE", t("2026-10-01T02:00:00Z")));
        }
        // One customer also links two cards with her real phone: that merge must still happen.
        rows.add(RowFactory.create(Date.valueOf(D1), "SH001", "X1", "M1", "REAL", t("2026-10-01T04:00:00Z")));
        rows.add(RowFactory.create(Date.valueOf(D1), "SH001", "X2", "M2", "REAL", t("2026-10-01T05:00:00Z")));
        write(spark, "pos_transactions", POS, rows);
        IdentityAction.Result c = identity(spark, D1);
        assertEquals(1L, c.ambiguousIdentifiers());
        // 500 cards, M1 and M2 one person: 499 OneIDs. The store phone is in no component.
        assertEquals(499L, c.oneIds());
        assertEquals(null, oneId(spark, "phone", "STORE_PHONE"));
        assertNotEquals(oneId(spark, "member", "M3"), oneId(spark, "member", "M4"));
        assertEquals(oneId(spark, "member", "M1"), oneId(spark, "member", "M2"));
        Row amb = warehouse(spark).read(Table.AMBIGUOUS_IDENTIFIERS).first();
        assertEquals("phone", amb.getAs("id_type"));
        assertEquals(500L, (long) amb.<Long>getAs("degree"));
        assertEquals("member", amb.getAs("neighbour_type"));
    }

    @Test
    void openidsAreScopedByAppUnlessAUnionidLinksThem(SparkSession spark) {
        write(
                spark,
                "wechat_users",
                USERS,
                List.of(
                        RowFactory.create(Date.valueOf(D1), "gh_A", "o1", null, t("2026-10-01T01:00:00Z")),
                        RowFactory.create(Date.valueOf(D1), "wxMP", "o1", null, t("2026-10-01T01:00:00Z"))));
        identity(spark, D1);
        assertNotEquals(
                oneId(spark, "openid", "gh_A:o1"),
                oneId(spark, "openid", "wxMP:o1"),
                "the same openid string in two apps is two people");

        write(
                spark,
                "wechat_users",
                USERS,
                List.of(
                        RowFactory.create(Date.valueOf(D1), "gh_A", "o1", "U1", t("2026-10-01T01:00:00Z")),
                        RowFactory.create(Date.valueOf(D1), "wxMP", "o1", "U1", t("2026-10-01T01:00:00Z"))));
        identity(spark, D1);
        assertEquals(oneId(spark, "openid", "gh_A:o1"), oneId(spark, "openid", "wxMP:o1"));
        assertEquals(oneId(spark, "unionid", "U1"), oneId(spark, "openid", "wxMP:o1"));
    }

    @Test
    void firstAndLastSeenSpanTheIdentifiersRecords(SparkSession spark) {
        write(
                spark,
                "pos_transactions",
                POS,
                List.of(
                        RowFactory.create(Date.valueOf(D1), "SH001", "T1", "M1", "P1", t("2026-10-01T02:00:00Z")),
                        RowFactory.create(Date.valueOf(D2), "SH001", "T2", "M1", null, t("2026-10-02T09:00:00Z"))));
        identity(spark, D2);
        Map<String, Row> byType = new HashMap<>();
        for (Row r : warehouse(spark).read(Table.IDENTITY_MAP).collectAsList()) {
            byType.put(r.getAs("id_type"), r);
        }
        assertEquals(t("2026-10-01T02:00:00Z"), byType.get("member").getAs("first_seen"));
        assertEquals(t("2026-10-02T09:00:00Z"), byType.get("member").getAs("last_seen"));
        assertEquals(t("2026-10-01T02:00:00Z"), byType.get("phone").getAs("last_seen"));
    }

    @Test
    void identifiersTheSilverTablesNoLongerShowLeaveTheMap(SparkSession spark) {
        // Day one: card M1 with phones P1 and P2 is one person (M1 links; P1, P2 are single-record leaves).
        write(
                spark,
                "pos_transactions",
                POS,
                List.of(
                        RowFactory.create(Date.valueOf(D1), "SH001", "T1", "M1", "P1", t("2026-10-01T02:00:00Z")),
                        RowFactory.create(Date.valueOf(D1), "SH001", "T2", "M1", "P2", t("2026-10-01T03:00:00Z"))));
        identity(spark, D1);
        assertEquals(oneId(spark, "phone", "P1"), oneId(spark, "phone", "P2"));
        // The silver table is rebuilt without those sales (a retention purge, say): only a new person's.
        // The persons are those of the silver tables, as a rebuild over them would find: M1's are gone.
        write(
                spark,
                "pos_transactions",
                POS,
                List.of(RowFactory.create(Date.valueOf(D1), "SH001", "T9", "M9", "P9", t("2026-10-01T09:00:00Z"))));
        IdentityAction.Result c = identity(spark, D1);
        assertEquals(2L, c.identifiers());
        assertEquals(1L, c.oneIds());
        assertEquals(0L, c.mergedOneIds() + c.splitOneIds());
        assertEquals(null, oneId(spark, "member", "M1"));
        assertEquals(oneId(spark, "member", "M9"), oneId(spark, "phone", "P9"));
    }

    /** The hex identifier hash of a raw value, as {@link Identifiers#hash} makes it. */
    static String hashOf(String type, String value) throws Exception {
        return sha256(type + ":" + value);
    }

    @Test
    void anIdentifierThatCrossesTheGuardLaterSplitsItsPerson(SparkSession spark) throws Exception {
        // Phone P links at most 2 cards. Two members whose hashes order as needed: the one that will
        // leave holds the smallest hash of the person, so the person's OneID was named after it and
        // the part that leaves cannot take that name again.
        List<String> cards = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            cards.add("C" + i);
        }
        Map<String, String> hashes = new HashMap<>();
        for (String m : cards) {
            hashes.put(m, hashOf("member", m));
        }
        cards.sort(java.util.Comparator.comparing(hashes::get));
        String phone = null;
        for (int i = 0; phone == null; i++) {
            if (hashOf("phone", "P" + i).compareTo(hashes.get(cards.get(0))) > 0) {
                phone = "P" + i;
            }
        }
        String leaves = cards.get(0); // smallest hash, seen second
        String stays = cards.get(1); // seen first: the person's oldest identifier
        String joins = cards.get(2);
        TrueRoiConfig limited = new TestWorld(tmp).config("trueroi.identity.max-links.phone = 2");
        List<Row> day1 = List.of(
                RowFactory.create(Date.valueOf(D1), "SH001", "T1", stays, phone, t("2026-10-01T02:00:00Z")),
                RowFactory.create(Date.valueOf(D1), "SH001", "T2", leaves, phone, t("2026-10-01T03:00:00Z")));
        write(spark, "pos_transactions", POS, day1);
        new IdentityAction(limited, warehouse(spark), RunContext.start("identity", D1, D1, null)).execute();
        String person = oneId(spark, "member", stays);
        assertEquals(person, oneId(spark, "member", leaves), "the phone links both cards");
        assertEquals("oid_" + hashes.get(leaves).substring(0, 24), person);

        // Day two: a third card with the same phone. It now ties three cards: ambiguous, it links nothing.
        List<Row> day2 = new ArrayList<>(day1);
        day2.add(RowFactory.create(Date.valueOf(D2), "SH001", "T3", joins, phone, t("2026-10-02T02:00:00Z")));
        write(spark, "pos_transactions", POS, day2);
        IdentityAction.Result c =
                new IdentityAction(limited, warehouse(spark), RunContext.start("identity", D2, D2, null)).execute();
        assertEquals(1L, c.ambiguousIdentifiers());
        assertEquals(1L, c.splitOneIds());
        assertEquals(0L, c.mergedOneIds());
        assertEquals(person, oneId(spark, "member", stays), "the part holding the oldest identifier keeps the OneID");
        String left = oneId(spark, "member", leaves);
        assertNotEquals(person, left);
        assertTrue(left.matches("oid_[0-9a-f]{24}"), left);
        assertNotEquals(person, oneId(spark, "member", joins));
        assertNotEquals(left, oneId(spark, "member", joins));
        assertEquals(null, oneId(spark, "phone", phone));
        List<Row> history = warehouse(spark).read(Table.ONE_ID_HISTORY).collectAsList();
        assertEquals(1, history.size(), history.toString());
        assertEquals(person, history.get(0).getAs("from_one_id"));
        assertEquals(left, history.get(0).getAs("to_one_id"));
        assertEquals("split", history.get(0).getAs("reason"));

        // A rebuild over the same silver finds the same three persons; a re-run records nothing new.
        IdentityAction.Result again =
                new IdentityAction(limited, warehouse(spark), RunContext.start("identity", D2, D2, null)).execute();
        assertEquals(0L, again.splitOneIds() + again.mergedOneIds());
        assertEquals(left, oneId(spark, "member", leaves));
        assertEquals(1, warehouse(spark).read(Table.ONE_ID_HISTORY).count());
    }
}
