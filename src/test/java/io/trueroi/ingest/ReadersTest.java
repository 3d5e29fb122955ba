package io.trueroi.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueroi.catalog.Table;
import io.trueroi.config.TrueRoiConfig;
import io.trueroi.ops.RunContext;
import io.trueroi.ops.SourceStats;
import io.trueroi.spark.Warehouse;
import io.trueroi.testing.SharedSpark;
import io.trueroi.testing.TestWorld;
import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every reader on hand-written exports: good rows checked field by field, each kind of bad row
 * quarantined with its reason, duplicates dropped, an empty file of every feed, the GBK Tmall
 * export, a UTF-8 BOM, a mis-encoded line and an oversized line. One ingest run over two days
 * (the second day has only empty files) serves every assertion.
 *
 * <p>Expected values are worked out by hand from the fixture lines below: times are the local
 * wall clock minus the zone's offset (Asia/Shanghai +08:00, Europe/London +01:00 in October),
 * hashes are HMAC-SHA-256 of the E.164 number under {@link TestWorld#HASH_KEY}, computed here
 * with the JDK's Mac (not the code under test).
 */
@ExtendWith(SharedSpark.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadersTest {
    static final LocalDate D1 = LocalDate.of(2026, 10, 1);
    static final LocalDate D2 = LocalDate.of(2026, 10, 2);
    static final Charset GBK = Charset.forName("GBK");

    @TempDir
    static Path tmp;

    Warehouse warehouse;
    List<SourceStats> stats;

    @BeforeAll
    void ingest(SparkSession spark) {
        TestWorld w = new TestWorld(tmp).day(D1).day(D2);
        writeFixtures(w);
        for (String feed : TestWorld.FEED_PATHS.keySet()) {
            emptyFiles(w, feed);
        }
        TrueRoiConfig config = w.config(
                """
        trueroi.ingest.max-reject-rate = 1.0
        trueroi.ingest.max-line-bytes = 1024
        trueroi.ingest.pos-store-time-zones { LD001 = "Europe/London" }
        """);
        warehouse = new Warehouse(spark, config.warehouse());
        stats = new IngestAction(config, warehouse, RunContext.start("ingest", D1, D2, null))
                .execute()
                .sources();
    }

    static void writeFixtures(TestWorld w) {
        writeWechat(w);
        writeEcommerce(w);
        writePos(w);
        writeAds(w);
    }

    private static void writeWechat(TestWorld w) {
        byte[] events =
                ("""
        {"ToUserName":"gh_test","FromUserName":"oA1","CreateTime":1790000000,"MsgType":"event","Event":"subscribe","EventKey":"qrscene_autumn"}
        {"ToUserName":"gh_test","FromUserName":"oA1","CreateTime":1790000060,"MsgType":"event","Event":"SCAN","EventKey":"store_poster"}
        {"ToUserName":"gh_test","FromUserName":"oA2","CreateTime":1790000120,"MsgType":"event","Event":"CLICK","EventKey":"MENU_NEW"}
        {"ToUserName":"gh_test","FromUserName":"oA1","CreateTime":1790000000,"MsgType":"event","Event":"subscribe","EventKey":"qrscene_autumn"}
        {"ToUserName":"gh_test",
        {"ToUserName":"gh_test","FromUserName":"","CreateTime":1790000000,"MsgType":"event","Event":"CLICK"}
        {"ToUserName":"gh_test","FromUserName":"oA3","CreateTime":"yesterday","MsgType":"event","Event":"VIEW"}
        {"ToUserName":"gh_test","FromUserName":"oA3","CreateTime":1790000000000,"MsgType":"event","Event":"VIEW"}

        """)
                        .getBytes(StandardCharsets.UTF_8);
        byte[] badUtf8 =
                "{\"ToUserName\":\"gh_test\",\"FromUserName\":\"oA\u00ff\"}\n".getBytes(StandardCharsets.ISO_8859_1);
        w.bytes("wechat_events", D1, "events.jsonl", concat(events, badUtf8));

        w.file(
                "wechat_users",
                D1,
                "users.jsonl",
                """
        {"subscribe":1,"openid":"oA1","subscribe_time":1790000000,"unionid":"u1","subscribe_scene":"ADD_SCENE_QR_CODE","qr_scene_str":"autumn","app_id":"gh_test","remark":"VIP 张三","language":"zh_CN"}
        {"subscribe":0,"openid":"oA2","subscribe_time":0,"unionid":"","app_id":"gh_test"}
        {"subscribe":1,"openid":"null","app_id":"gh_test"}
        """);

        w.file(
                "wechat_phone_auth",
                D1,
                "phone_auth.csv",
                """
        appid,openid,unionid,phone_number,country_code,auth_time
        wxmp,oM1,u1,138-1234-5678,86,2026-10-01T12:00:00+08:00
        wxmp,oM2,,51234567,852,2026-10-01 12:00:00
        wxmp,oM3,,11111111111,86,2026-10-01T12:00:00+08:00
        wxmp,oM4,,138****5678,86,2026-10-01T12:00:00+08:00
        wxmp,oM5,13812345678,three
        wxmp,oM6,,,86,2026-10-01T12:00:00+08:00
        """);

        w.file(
                "wecom_contacts",
                D1,
                "contacts.jsonl",
                """
        {"external_contact":{"external_userid":"wm1","name":"张三","type":1,"unionid":"u1"},"follow_user":[{"userid":"sales01","createtime":1790000000,"add_way":1,"state":"store_sh01"},{"userid":"sales02","createtime":1790000100,"add_way":2,"state":"live_oe"}]}
        {"external_contact":{"external_userid":"wm2","unionid":null},"follow_user":[]}
        {"external_contact":{"external_userid":""},"follow_user":[{"userid":"s"}]}
        {"external_contact":
        """);
    }

    private static void writeEcommerce(TestWorld w) {
        w.file(
                "ecommerce_orders",
                D1,
                "tmall_orders.csv",
                """
        订单编号,买家会员名,买家实际支付金额,买家应付邮费,订单状态,收货人姓名,联系手机,订单创建时间,订单付款时间,宝贝标题
        202610010001,小鹿123,259.90,8.00,"卖家已发货，等待买家确认",张*,138****5678,2026-10-01 10:00:00,2026-10-01 10:01:00,开衫
        202610010002,tb000,-59.00,0.00,交易成功,,,2026-10-01 11:00:00,2026-10-01 11:00:30,退差价
        """,
                GBK);
        w.file(
                "ecommerce_orders",
                D1,
                "jd_orders.csv",
                "\ufeff"
                        + """
        订单号,下单帐号,应付金额,运费金额,订单状态,下单时间,付款时间,客户姓名,联系电话
        99887766,jd_abc,1299.00,0.00,完成,2026-10-01 09:30:00,2026-10-01 09:31:00,刘*,13912345678
        """);
        w.file(
                "ecommerce_orders",
                D1,
                "ownsite_orders.csv",
                """
        order_id,email,phone,device_id,member_id,created_at,processed_at,total_price,total_discounts,shipping,currency,financial_status,landing_site
        OS1,"  Amy@Example.COM ",+852 5123 4567,00000000-0000-0000-0000-000000000000,M001,2026-10-01T20:00:00+08:00,2026-10-01T20:00:40+08:00,"1,299.50",10.00,0.00,usd,paid,/landing?utm_source=google&utm_medium=cpc&utm_campaign=gg_cmp_401&gclid=G123
        OS2,,,,,2026-10-01T21:00:00+08:00,,12O.00,0,0,CNY,paid,
        OS3,,,,,2026-02-30T10:00:00+08:00,,99.00,0,0,CNY,paid,
        OS4,,,,,2026-10-01T21:00:00+08:00,,99.00,0,0,XYZ,paid,
        OS5,"unterminated,,,,,,,,,,,,
        OS1,"  Amy@Example.COM ",+852 5123 4567,00000000-0000-0000-0000-000000000000,M001,2026-10-01T20:00:00+08:00,2026-10-01T20:00:40+08:00,"1,299.50",10.00,0.00,usd,partially_refunded,/landing?utm_source=google&utm_medium=cpc&utm_campaign=gg_cmp_401&gclid=G123
        """);

        w.file(
                "ecommerce_refunds",
                D1,
                "refunds.csv",
                """
        platform,refund_id,order_id,refund_amount,currency,refund_time,status,reason
        tmall,RF1,202610010001,100.00,CNY,2026-10-01 15:00:00,SUCCESS,尺码不合适
        ownsite,RF2,OS1,-5.00,USD,2026-10-01T16:00:00+08:00,SUCCESS,
        jd,RF3,99887766,,CNY,2026-10-01 16:00:00,SUCCESS,
        """);
    }

    private static void writePos(TestWorld w) {
        w.file(
                "pos_transactions",
                D1,
                "pos_SH001.csv",
                """
        store_id,city,transaction_id,local_time,member_card,phone,amount,currency,type,original_transaction_id
        SH001,上海,T1,2026-10-01 14:00:00,M001,,199.00,CNY,SALE,
        SH001,上海,R1,2026-10-01 18:00:00,M001,,-99.50,CNY,RETURN,T1
        SH001,上海,R2,2026-10-01 18:30:00,0,unknown,50.00,CNY,return,T1
        SH001,上海,T2,2026-10-01 19:00:00,,,-199.00,CNY,SALE,
        SH001,上海,T3,2026-13-45 25:00:00,,,199.00,CNY,SALE,
        SH001,上海,T4,2026-10-01 19:00:00,,,99.00,CNY,REFUND?,
        """);
        w.file(
                "pos_transactions",
                D1,
                "pos_LD001.csv",
                """
        store_id,city,transaction_id,local_time,member_card,phone,amount,currency,type,original_transaction_id
        LD001,London,T9,2026-10-01 14:00:00,,+44 7911 123456,100.00,EUR,SALE,
        """);
    }

    private static void writeAds(TestWorld w) {
        w.file(
                "ad_spend",
                D1,
                "tencent_ads_spend.csv",
                """
        date,account_id,campaign_id,campaign_name,adgroup_id,impressions,clicks,cost,currency,转化量,转化金额
        2026-10-01,acct_tx,tx_cmp_101,朋友圈-秋季新品,tx_cmp_101_ag1,"12,000",340,"1,020.50",CNY,12,"3,456.00"
        2026-10-01,acct_tx,tx_cmp_101,朋友圈-秋季新品,tx_cmp_101_ag1,"12,000",340,"1,020.50",CNY,12,"3,456.00"
        2026-10-01,acct_tx,tx_cmp_102,x,ag,abc,1,1.00,CNY,,
        2026-10-01,acct_tx,tx_cmp_103,x,ag,10,1,1.00,CNY,n/a,5.00
        2026-10-01,acct_tx,tx_cmp_104,x,ag,10,1,1.00,CNY,1,-5.00
        2026-10-01,acct_tx,tx_cmp_105,x,ag,10,1,1.00,CNY,,
        """);
        w.file(
                "ad_spend",
                D1,
                "google_ads_spend.csv",
                """
        Day,Customer ID,Campaign ID,Campaign,Ad group ID,Impr.,Clicks,Cost,Currency code,Conversions,Conv. value,View-through conv.
        2026-10-01,123-456-7890,gg_cmp_401,HK Search Brand,ag9,5000,120,88.40,USD,3.50,420.25,2
        """);

        w.file(
                "ad_clicks",
                D1,
                "clicks.jsonl",
                """
        {"platform":"ocean_engine","click_id":"oe_1","click_time_ms":1790000000123,"campaign_id":"oe_cmp_201","adgroup_id":"ag1","device_id":"d-1","openid":"","app_id":"","ip":"103.21.244.17","landing_url":"https://shop.example.com/landing?utm_source=douyin&utm_medium=cpc&utm_campaign=oe_cmp_201&clickid=oe_1"}
        {"platform":"ocean_engine","click_id":"","click_time_ms":1790000000000}
        {"platform": "ocean_engine", "click_id": "oe_trunc
        {"platform":"ocean_engine","click_id":"oe_big","click_time_ms":1790000000000,"landing_url":"https://x/?q=%s"}
        """
                        .formatted("x".repeat(2000)));
    }

    /** Day two: one empty (0-byte) file per feed, named as the file rules expect. */
    static void emptyFiles(TestWorld w, String feed) {
        String name =
                switch (feed) {
                    case "ecommerce_orders" -> "tmall_orders.csv";
                    case "ad_spend" -> "baidu_sem_spend.csv";
                    case "wechat_events", "wechat_users", "wecom_contacts", "ad_clicks" -> "empty.jsonl";
                    default -> "empty.csv";
                };
        w.bytes(feed, D2, name, new byte[0]);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static String hmac(String value) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(TestWorld.HASH_KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
    }

    static Timestamp utc(String iso) {
        return Timestamp.from(Instant.parse(iso));
    }

    Map<String, Row> byKey(String table, String keyColumn) {
        Map<String, Row> out = new HashMap<>();
        for (Row r : warehouse.read(Table.silver(table)).collectAsList()) {
            Object k = r.getAs(keyColumn);
            out.put(String.valueOf(k), r);
        }
        return out;
    }

    Set<String> quarantined(String table) {
        return warehouse.read(Table.REJECTED_RECORDS).filter("source = '" + table + "'").collectAsList().stream()
                .map(r -> r.<String>getAs("source_file").replaceAll(".*/", "") + ":" + r.<Long>getAs("source_line")
                        + ":" + r.<String>getAs("reason_code"))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    SourceStats stats(String table) {
        return stats.stream().filter(s -> s.table().equals(table)).findFirst().orElseThrow();
    }

    // ------------------------------------------------------------------------------------------------

    @Test
    void wechatEvents() {
        Map<String, Row> rows = byKey("wechat_events", "event_time");
        assertEquals(3, rows.size());
        Row sub = rows.get(utc("2026-09-21T14:13:20Z").toString()); // 1790000000 s after the epoch
        assertEquals("gh_test", sub.getAs("app_id"));
        assertEquals("oA1", sub.getAs("openid"));
        assertEquals("SUBSCRIBE", sub.getAs("event"));
        assertEquals("qrscene_autumn", sub.getAs("event_key"));
        assertEquals("autumn", sub.getAs("scene"));
        assertEquals(java.sql.Date.valueOf(D1), sub.getAs("dt"));
        assertEquals("wechat/oa_events/dt=2026-10-01/events.jsonl", sub.getAs("source_file"));
        assertEquals(4L, (long) sub.<Long>getAs("source_line"), "the later of two identical lines is kept");
        assertEquals(
                "store_poster", rows.get(utc("2026-09-21T14:14:20Z").toString()).getAs("scene"));
        Row click = rows.get(utc("2026-09-21T14:15:20Z").toString());
        assertEquals("CLICK", click.getAs("event"));
        assertNull(click.getAs("scene"));
        assertEquals(
                Set.of(
                        "events.jsonl:5:MALFORMED_JSON",
                        "events.jsonl:6:MISSING_REQUIRED",
                        "events.jsonl:7:BAD_TIMESTAMP",
                        "events.jsonl:8:BAD_TIMESTAMP",
                        "events.jsonl:10:BAD_ENCODING"),
                quarantined("wechat_events"));
        assertEquals(new SourceStats("wechat", "wechat_events", 2, 9, 3, 5, 1), stats("wechat_events"));
    }

    @Test
    void wechatUsers() {
        Map<String, Row> rows = byKey("wechat_users", "openid");
        assertEquals(2, rows.size());
        Row u1 = rows.get("oA1");
        assertEquals("u1", u1.getAs("unionid"));
        assertEquals(true, u1.getAs("subscribed"));
        assertEquals(utc("2026-09-21T14:13:20Z"), u1.getAs("subscribe_time"));
        assertEquals("autumn", u1.getAs("qr_scene_str"));
        assertFalse(List.of(u1.schema().fieldNames()).contains("remark"), "remarks may hold names: not read");
        Row u2 = rows.get("oA2");
        assertEquals(false, u2.getAs("subscribed"));
        assertNull(u2.getAs("subscribe_time"), "subscribe_time 0 means none");
        assertNull(u2.getAs("unionid"));
        assertEquals(Set.of("users.jsonl:3:MISSING_REQUIRED"), quarantined("wechat_users"));
    }

    @Test
    void wechatPhoneAuth() throws Exception {
        Map<String, Row> rows = byKey("wechat_phone_auth", "openid");
        assertEquals(4, rows.size());
        Row m1 = rows.get("oM1");
        assertEquals(hmac("+8613812345678"), m1.getAs("phone_hash"));
        assertEquals("valid", m1.getAs("phone_status"));
        assertEquals(utc("2026-10-01T04:00:00Z"), m1.getAs("auth_time"));
        assertEquals("u1", m1.getAs("unionid"));
        Row m2 = rows.get("oM2");
        assertEquals(hmac("+85251234567"), m2.getAs("phone_hash"), "country code 852 makes it a Hong Kong number");
        assertEquals(utc("2026-10-01T04:00:00Z"), m2.getAs("auth_time"), "wall clock read in the business zone");
        assertNull(rows.get("oM3").getAs("phone_hash"));
        assertEquals("placeholder", rows.get("oM3").getAs("phone_status"));
        assertNull(rows.get("oM4").getAs("phone_hash"));
        assertEquals("masked", rows.get("oM4").getAs("phone_status"));
        assertEquals(
                Set.of("phone_auth.csv:6:FIELD_COUNT", "phone_auth.csv:7:MISSING_REQUIRED"),
                quarantined("wechat_phone_auth"));
    }

    @Test
    void wecomContacts() {
        List<Row> rows = warehouse
                .read(Table.WECOM_CONTACTS)
                .orderBy("external_userid", "follow_userid")
                .collectAsList();
        assertEquals(3, rows.size());
        Row a = rows.get(0);
        assertEquals("wm1", a.getAs("external_userid"));
        assertEquals("u1", a.getAs("unionid"));
        assertEquals("sales01", a.getAs("follow_userid"));
        assertEquals(utc("2026-09-21T14:13:20Z"), a.getAs("add_time"));
        assertEquals(1, (int) a.<Integer>getAs("add_way"));
        assertEquals("store_sh01", a.getAs("state"));
        assertEquals("live_oe", rows.get(1).getAs("state"));
        assertEquals("wm2", rows.get(2).getAs("external_userid"));
        assertNull(rows.get(2).getAs("follow_userid"), "a contact with no follow_user is kept");
        assertEquals(
                Set.of("contacts.jsonl:3:MISSING_REQUIRED", "contacts.jsonl:4:MALFORMED_JSON"),
                quarantined("wecom_contacts"));
    }

    @Test
    void ecommerceOrdersFromGbkBomAndShopifyExports() throws Exception {
        Map<String, Row> rows = byKey("ecommerce_orders", "order_id");
        assertEquals(3, rows.size());
        Row tmall = rows.get("202610010001");
        assertEquals("tmall", tmall.getAs("platform"));
        assertEquals("小鹿123", tmall.getAs("buyer_id"), "GBK decoded");
        assertEquals(new BigDecimal("259.90"), tmall.getAs("payment_amount"));
        assertEquals(new BigDecimal("8.00"), tmall.getAs("shipping_amount"));
        assertEquals("SHIPPED", tmall.getAs("status"));
        assertEquals("卖家已发货，等待买家确认", tmall.getAs("status_raw"));
        assertEquals("masked", tmall.getAs("phone_status"));
        assertNull(tmall.getAs("phone_hash"));
        assertEquals(utc("2026-10-01T02:00:00Z"), tmall.getAs("created_at"));
        assertEquals(utc("2026-10-01T02:01:00Z"), tmall.getAs("paid_at"));
        assertEquals("CNY", tmall.getAs("currency"), "from the file rule");

        Row jd = rows.get("99887766");
        assertEquals("jd", jd.getAs("platform"));
        assertEquals("jd_abc", jd.getAs("buyer_id"), "BOM stripped, so the first header still matches");
        assertEquals("COMPLETED", jd.getAs("status"));
        assertEquals(hmac("+8613912345678"), jd.getAs("phone_hash"));

        Row own = rows.get("OS1");
        assertEquals("ownsite", own.getAs("platform"));
        assertEquals(hmac("amy@example.com"), own.getAs("email_hash"));
        assertEquals(hmac("+85251234567"), own.getAs("phone_hash"));
        assertNull(own.getAs("device_id"), "an all-zero IDFA is a placeholder");
        assertEquals("M001", own.getAs("member_id"));
        assertEquals(new BigDecimal("1299.50"), own.getAs("payment_amount"));
        assertEquals(new BigDecimal("10.00"), own.getAs("discount_amount"));
        assertEquals("USD", own.getAs("currency"));
        assertEquals(utc("2026-10-01T12:00:00Z"), own.getAs("created_at"));
        assertEquals("PARTIALLY_REFUNDED", own.getAs("status"), "the later line of a duplicated order wins");
        assertEquals("google", own.getAs("utm_source"));
        assertEquals("cpc", own.getAs("utm_medium"));
        assertEquals("gg_cmp_401", own.getAs("utm_campaign"));
        assertEquals("G123", own.getAs("click_id"));
        assertEquals("gclid", own.getAs("click_id_param"));

        assertEquals(
                Set.of(
                        "tmall_orders.csv:3:NEGATIVE_AMOUNT",
                        "ownsite_orders.csv:3:BAD_DECIMAL",
                        "ownsite_orders.csv:4:BAD_TIMESTAMP",
                        "ownsite_orders.csv:5:BAD_CURRENCY",
                        "ownsite_orders.csv:6:MALFORMED_CSV"),
                quarantined("ecommerce_orders"));
        // Lines: 2 (Tmall) + 1 (JD) + 6 (own site) = 9 = 3 written + 5 quarantined + 1 dropped; the
        // dropped one is OS1 as "paid", whose later line says "partially_refunded": a conflict, not a
        // duplicate. Files: three on day one and the empty Tmall file on day two.
        assertEquals(new SourceStats("ecommerce", "ecommerce_orders", 4, 9, 3, 5, 0), stats("ecommerce_orders"));
    }

    @Test
    void ecommerceRefunds() {
        Map<String, Row> rows = byKey("ecommerce_refunds", "refund_id");
        assertEquals(1, rows.size());
        Row rf = rows.get("RF1");
        assertEquals("tmall", rf.getAs("platform"));
        assertEquals("202610010001", rf.getAs("order_id"));
        assertEquals(new BigDecimal("100.00"), rf.getAs("refund_amount"));
        assertEquals(utc("2026-10-01T07:00:00Z"), rf.getAs("refund_time"));
        assertEquals("尺码不合适", rf.getAs("reason"));
        assertEquals(
                Set.of("refunds.csv:3:NEGATIVE_AMOUNT", "refunds.csv:4:MISSING_REQUIRED"),
                quarantined("ecommerce_refunds"));
    }

    @Test
    void posTransactionsWithStoreZonesAndReturns() throws Exception {
        Map<String, Row> rows = byKey("pos_transactions", "transaction_id");
        assertEquals(Set.of("T1", "R1", "R2", "T9"), rows.keySet());
        assertEquals(utc("2026-10-01T06:00:00Z"), rows.get("T1").getAs("transaction_time"));
        assertEquals(new BigDecimal("199.00"), rows.get("T1").getAs("amount"));
        assertEquals("M001", rows.get("T1").getAs("member_card"));
        assertEquals(new BigDecimal("-99.50"), rows.get("R1").getAs("amount"));
        assertEquals("T1", rows.get("R1").getAs("original_transaction_id"));
        assertEquals(
                new BigDecimal("-50.00"),
                rows.get("R2").getAs("amount"),
                "a return is negative whatever the till wrote");
        assertEquals("RETURN", rows.get("R2").getAs("type"));
        assertNull(rows.get("R2").getAs("member_card"), "card 0 is a placeholder");
        assertEquals("placeholder", rows.get("R2").getAs("phone_status"));
        Row london = rows.get("T9");
        assertEquals(utc("2026-10-01T13:00:00Z"), london.getAs("transaction_time"), "14:00 BST is 13:00 UTC");
        assertEquals("Europe/London", london.getAs("store_time_zone"));
        assertEquals(hmac("+447911123456"), london.getAs("phone_hash"));
        assertEquals("EUR", london.getAs("currency"));
        assertEquals(
                Set.of("pos_SH001.csv:5:NEGATIVE_AMOUNT", "pos_SH001.csv:6:BAD_TIMESTAMP", "pos_SH001.csv:7:BAD_VALUE"),
                quarantined("pos_transactions"));
    }

    @Test
    void adSpendWithPlatformHeaders() {
        Map<String, Row> rows = byKey("ad_spend", "campaign_id");
        assertEquals(Set.of("tx_cmp_101", "gg_cmp_401", "tx_cmp_105"), rows.keySet());
        Row tx = rows.get("tx_cmp_101");
        assertEquals("tencent_ads", tx.getAs("platform"));
        assertEquals(java.sql.Date.valueOf(D1), tx.getAs("report_date"));
        assertEquals(12000L, (long) tx.<Long>getAs("impressions"));
        assertEquals(340L, (long) tx.<Long>getAs("clicks"));
        assertEquals(new BigDecimal("1020.50"), tx.getAs("cost"));
        Row gg = rows.get("gg_cmp_401");
        assertEquals("google_ads", gg.getAs("platform"));
        assertEquals("123-456-7890", gg.getAs("account_id"));
        assertEquals("ag9", gg.getAs("adgroup_id"));
        assertEquals(5000L, (long) gg.<Long>getAs("impressions"));
        assertEquals(new BigDecimal("88.40"), gg.getAs("cost"));
        assertEquals("USD", gg.getAs("currency"));
        // Claims (issue 42): Tencent's Chinese headers, Google's own; fractional counts kept.
        assertEquals(new BigDecimal("12.00"), tx.getAs("claimed_conversions"));
        assertEquals(new BigDecimal("3456.00"), tx.getAs("claimed_value"));
        assertNull(tx.getAs("claimed_view_through"), "Tencent's report has no view-through column");
        assertEquals(new BigDecimal("3.50"), gg.getAs("claimed_conversions"));
        assertEquals(new BigDecimal("420.25"), gg.getAs("claimed_value"));
        assertEquals(new BigDecimal("2.00"), gg.getAs("claimed_view_through"));
        Row silent = rows.get("tx_cmp_105");
        assertNull(silent.getAs("claimed_conversions"), "an empty claim is null, never zero");
        assertNull(silent.getAs("claimed_value"));
        assertEquals(
                Set.of(
                        "tencent_ads_spend.csv:4:BAD_INTEGER",
                        "tencent_ads_spend.csv:5:BAD_DECIMAL",
                        "tencent_ads_spend.csv:6:NEGATIVE_AMOUNT"),
                quarantined("ad_spend"));
        assertEquals(1, stats("ad_spend").rowsDuplicate());
        // Nothing lost: 7 data lines = 3 written + 3 quarantined + 1 duplicate.
        var spend = stats("ad_spend");
        assertEquals(7, spend.rowsRead());
        assertEquals(spend.rowsRead(), spend.rowsWritten() + spend.rowsQuarantined() + spend.rowsDuplicate());
    }

    @Test
    void adClicks() throws Exception {
        Map<String, Row> rows = byKey("ad_clicks", "click_id");
        assertEquals(Set.of("oe_1"), rows.keySet());
        Row c = rows.get("oe_1");
        assertEquals(Timestamp.from(Instant.ofEpochMilli(1790000000123L)), c.getAs("click_time"));
        assertEquals("d-1", c.getAs("device_id"));
        assertNull(c.getAs("openid"));
        assertEquals(hmac("103.21.244.17"), c.getAs("ip_hash"));
        assertEquals("douyin", c.getAs("utm_source"));
        assertEquals("oe_cmp_201", c.getAs("utm_campaign"));
        assertEquals(
                Set.of(
                        "clicks.jsonl:2:MISSING_REQUIRED",
                        "clicks.jsonl:3:MALFORMED_JSON",
                        "clicks.jsonl:4:LINE_TOO_LONG"),
                quarantined("ad_clicks"));
    }

    @Test
    void emptyFilesGiveNoRowsAndNoErrors() {
        for (String feed : TestWorld.FEED_PATHS.keySet()) {
            assertEquals(
                    0,
                    warehouse
                            .read(Table.silver(feed))
                            .filter("dt = DATE'2026-10-02'")
                            .count(),
                    feed);
        }
        assertEquals(
                0,
                warehouse
                        .read(Table.REJECTED_RECORDS)
                        .filter("dt = DATE'2026-10-02'")
                        .count());
    }

    @Test
    void quarantineRecordsCarryRunFileLineAndRedactedText() {
        List<Row> q = warehouse
                .read(Table.REJECTED_RECORDS)
                .filter("source = 'wechat_phone_auth' AND source_line = 7")
                .collectAsList();
        assertEquals(1, q.size());
        Row r = q.get(0);
        assertTrue(r.<String>getAs("run_id").startsWith("ingest-"));
        assertEquals("wechat", r.getAs("source_group"));
        assertEquals("wechat/phone_auth/dt=2026-10-01/phone_auth.csv", r.getAs("source_file"));
        assertEquals("wxmp,oM6,,,86,2026-10-01T12:00:00+08:00", r.getAs("raw_line"));
        assertEquals("MISSING_REQUIRED: phone_number is empty", r.getAs("reason"));
        // A rejected line holding a phone keeps its place but not the number.
        Row withPhone = warehouse
                .read(Table.REJECTED_RECORDS)
                .filter("source = 'wechat_phone_auth' AND source_line = 6")
                .first();
        assertEquals("wxmp,oM5,[phone],three", withPhone.getAs("raw_line"));
        assertEquals("FIELD_COUNT: expected 6 fields as in the header, found 4", withPhone.getAs("reason"));
    }

    @Test
    void noRawPiiInAnySilverTable() {
        // Every phone and email of the fixtures, in the forms they were written.
        List<String> pii = List.of(
                "13812345678",
                "1234-5678",
                "51234567",
                "13912345678",
                "amy@example.com",
                "Amy@Example.COM",
                "7911 123456",
                "103.21.244.17",
                "张三");
        for (String table : TestWorld.FEED_PATHS.keySet()) {
            for (Row r : warehouse.read(Table.silver(table)).collectAsList()) {
                String text = r.toString();
                for (String p : pii) {
                    assertFalse(text.contains(p), table + " holds '" + p + "': " + text);
                }
            }
        }
    }
}
