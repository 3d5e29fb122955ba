package io.trueroi.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trueroi.catalog.Table;
import io.trueroi.config.TrueRoiConfig;
import io.trueroi.ops.RunContext;
import io.trueroi.ops.SourceStats;
import io.trueroi.spark.Warehouse;
import io.trueroi.testing.SharedSpark;
import io.trueroi.testing.TestWorld;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same abuse for every reader: each feed gets a file holding one good record, the same record
 * again (a re-delivery), a line that is not valid in the file's charset, a line over the size
 * limit and a malformed line, plus an empty file. Each must give exactly one row, one duplicate
 * and three quarantined lines with their reasons. One ingest run serves all nine.
 */
@ExtendWith(SharedSpark.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReaderRobustnessTest {
    static final LocalDate D = LocalDate.of(2026, 10, 1);
    static final int MAX_LINE = 1024;

    /** Per feed: file name, CSV header (null for JSON lines) and one good record. */
    record Feed(String table, String file, String header, String good) {}

    static final List<Feed> FEEDS = List.of(
            new Feed(
                    "wechat_events",
                    "events.jsonl",
                    null,
                    "{\"ToUserName\":\"gh_t\",\"FromUserName\":\"oA1\",\"CreateTime\":1790000000,\"MsgType\":\"event\",\"Event\":\"CLICK\",\"EventKey\":\"K\"}"),
            new Feed(
                    "wechat_users",
                    "users.jsonl",
                    null,
                    "{\"subscribe\":1,\"openid\":\"oA1\",\"subscribe_time\":1790000000,\"unionid\":\"u1\",\"app_id\":\"gh_t\"}"),
            new Feed(
                    "wechat_phone_auth",
                    "phone_auth.csv",
                    "appid,openid,unionid,phone_number,country_code,auth_time",
                    "wxmp,oM1,u1,13812345678,86,2026-10-01T12:00:00+08:00"),
            new Feed(
                    "wecom_contacts",
                    "contacts.jsonl",
                    null,
                    "{\"external_contact\":{\"external_userid\":\"wm1\",\"unionid\":\"u1\"},\"follow_user\":[{\"userid\":\"s1\",\"createtime\":1790000000,\"add_way\":1,\"state\":\"x\"}]}"),
            new Feed(
                    "ecommerce_orders",
                    "ownsite_orders.csv",
                    "order_id,email,phone,device_id,member_id,created_at,processed_at,total_price,total_discounts,shipping,currency,financial_status,landing_site",
                    "OS1,a@b.cn,13812345678,,M1,2026-10-01T20:00:00+08:00,,99.00,0,0,CNY,paid,"),
            new Feed(
                    "ecommerce_refunds",
                    "refunds.csv",
                    "platform,refund_id,order_id,refund_amount,currency,refund_time,status,reason",
                    "jd,RF1,O1,10.00,CNY,2026-10-01 15:00:00,SUCCESS,x"),
            new Feed(
                    "pos_transactions",
                    "pos_SH001.csv",
                    "store_id,city,transaction_id,local_time,member_card,phone,amount,currency,type,original_transaction_id",
                    "SH001,上海,T1,2026-10-01 14:00:00,M1,,199.00,CNY,SALE,"),
            new Feed(
                    "ad_spend",
                    "tencent_ads_spend.csv",
                    "date,account_id,campaign_id,campaign_name,adgroup_id,impressions,clicks,cost,currency",
                    "2026-10-01,a,c1,n,g,100,10,5.00,CNY"),
            new Feed(
                    "ad_clicks",
                    "clicks.jsonl",
                    null,
                    "{\"platform\":\"baidu_sem\",\"click_id\":\"b1\",\"click_time_ms\":1790000000000,\"campaign_id\":\"c\"}"));

    @TempDir
    static Path tmp;

    Warehouse warehouse;
    Map<String, SourceStats> stats = new HashMap<>();

    @BeforeAll
    void ingest(SparkSession spark) throws Exception {
        TestWorld w = new TestWorld(tmp).day(D);
        for (Feed f : FEEDS) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            if (f.header() != null) {
                b.write((f.header() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            b.write((f.good() + "\n" + f.good() + "\n").getBytes(StandardCharsets.UTF_8));
            b.write(f.good().replace("1", "\u00e9").getBytes(StandardCharsets.ISO_8859_1)); // é as one Latin-1 byte
            b.write('\n');
            b.write((f.good() + "x".repeat(MAX_LINE) + "\n").getBytes(StandardCharsets.UTF_8));
            String malformed =
                    f.header() == null ? f.good().substring(0, 20) : f.good().replaceFirst(",", ",\"open");
            b.write((malformed + "\n").getBytes(StandardCharsets.UTF_8));
            w.bytes(f.table(), D, f.file(), b.toByteArray());
            w.bytes(f.table(), D, f.file().replace(".", "_empty."), new byte[0]);
        }
        TrueRoiConfig config =
                w.config("trueroi.ingest.max-reject-rate = 1.0\ntrueroi.ingest.max-line-bytes = " + MAX_LINE);
        warehouse = new Warehouse(spark, config.warehouse());
        for (SourceStats s : new IngestAction(config, warehouse, RunContext.start("ingest", D, D, null))
                .execute()
                .sources()) {
            stats.put(s.table(), s);
        }
    }

    static List<Feed> feeds() {
        return FEEDS;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("feeds")
    void oneRowOneDuplicateThreeRejects(Feed f) {
        SourceStats s = stats.get(f.table());
        assertEquals(new SourceStats(s.source(), f.table(), 2, 5, 1, 3, 1), s);
        assertEquals(1, warehouse.read(Table.silver(f.table())).count());
        Set<String> reasons = new TreeSet<>();
        for (Row r : warehouse
                .read(Table.REJECTED_RECORDS)
                .filter("source = '" + f.table() + "'")
                .select("source_line", "reason_code")
                .collectAsList()) {
            reasons.add(r.getLong(0) + ":" + r.getString(1));
        }
        int first = f.header() == null ? 3 : 4; // the mis-encoded line follows header and two good lines
        String malformed = f.header() == null ? "MALFORMED_JSON" : "MALFORMED_CSV";
        assertEquals(
                Set.of(first + ":BAD_ENCODING", (first + 1) + ":LINE_TOO_LONG", (first + 2) + ":" + malformed),
                reasons);
    }
}
