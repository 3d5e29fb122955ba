package io.trueroi.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueroi.catalog.Table;
import io.trueroi.spark.Warehouse;
import io.trueroi.testing.SharedSpark;
import io.trueroi.testing.TestWorld;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 28, defects 1, 4 and 5: no raw phone or e-mail leaves ingest in any text the job writes
 * or prints, landing URLs included. The fixtures put personal data where a check quotes the value (a time that is an
 * e-mail, an amount that is a phone) and a Hong Kong number (8 digits, country code 852) in a
 * rejected line; the quarantine rows, the ops.job_runs rows and stderr must hold none of them.
 * A click's landing URL carries a phone and e-mails as query values, under personal parameter names
 * and another. Before the fixes, the reasons quoted them verbatim, raw_line kept the Hong Kong
 * number and silver.ad_clicks kept the URL as delivered.
 */
@ExtendWith(SharedSpark.class)
class PiiLeakTest {
    static final LocalDate D = LocalDate.of(2026, 10, 1);

    /** Every personal value in the fixtures, in the forms written there. */
    static final List<String> PII =
            List.of("someone@example.com", "138-1234-5678", "13812345678", "51234567", "6123 4567", "852 9876 5432");

    @TempDir
    Path tmp;

    /** Own-site orders, two of three rejected with a personal value quoted in the reason. */
    private static TestWorld orders(Path root) {
        TestWorld w = new TestWorld(root).day(D);
        w.file(
                "ecommerce_orders",
                D,
                "ownsite_orders.csv",
                """
        order_id,email,phone,device_id,member_id,created_at,processed_at,total_price,total_discounts,shipping,currency,financial_status,landing_site
        OS1,a@b.cn,,,M1,2026-10-01T20:00:00+08:00,,10.00,0,0,CNY,paid,
        OS2,,,,,someone@example.com,,10.00,0,0,CNY,paid,
        OS3,,,,,2026-10-01T21:00:00+08:00,,138-1234-5678,0,0,CNY,paid,
        """);
        return w;
    }

    /** {@link #orders} and phone authorisations, three of four rejected. */
    private static TestWorld withPhoneAuth(Path root) {
        TestWorld w = orders(root);
        w.file(
                "wechat_phone_auth",
                D,
                "phone_auth.csv",
                """
        appid,openid,unionid,phone_number,country_code,auth_time
        wxmp,oM1,,13812345678,86,2026-10-01T12:00:00+08:00
        wxmp,oM2,,51234567,852,not a time
        wxmp,oM3,,6123 4567,852,yesterday
        wxmp,oM4,,852 9876 5432,,later
        """);
        // Issue 28, defect 5: a landing URL with personal query values, by name and by shape.
        w.file(
                "ad_clicks",
                D,
                "clicks.jsonl",
                """
        {"platform":"baidu_sem","click_id":"b1","click_time_ms":1790000000000,"landing_url":"https://shop.example/p?utm_source=baidu&mobile=13900001111&Email=x%40y.com&ref=ref@b.co&TEL=5550123&code=5#top"}
        """);
        return w;
    }

    @Test
    void quarantineHoldsNoRawPii(SparkSession spark) {
        TestWorld w = withPhoneAuth(tmp.resolve("lenient"));
        StringWriter err = new StringWriter();
        int code = run(w, "trueroi.ingest.max-reject-rate = 1.0", err);
        assertEquals(0, code, err.toString());
        List<Row> rows = new Warehouse(spark, w.warehouse.toString())
                .read(Table.REJECTED_RECORDS)
                .collectAsList();
        assertEquals(5, rows.size(), "two orders and three phone authorisations: " + rows);
        for (Row r : rows) {
            assertNoPii(r.toString());
        }
        Row click = new Warehouse(spark, w.warehouse.toString())
                .read(Table.AD_CLICKS)
                .first();
        assertEquals(
                "https://shop.example/p?utm_source=baidu&mobile=[pii]&Email=[pii]&ref=[email]&TEL=[pii]&code=5#top",
                click.getAs("landing_url"));
        assertEquals("baidu", click.getAs("utm_source"));
        // The reasons still say which value failed and why, with the value's place kept.
        assertTrue(
                rows.stream().anyMatch(r -> "BAD_TIMESTAMP: created_at is not a valid time: '[email]'"
                        .equals(r.getAs("reason"))),
                rows.toString());
        assertTrue(
                rows.stream().anyMatch(r -> "BAD_DECIMAL: payment_amount is not a decimal: '[phone]'"
                        .equals(r.getAs("reason"))),
                rows.toString());
    }

    @Test
    void aFailedRunPrintsAndRecordsNoRawPii(SparkSession spark) {
        TestWorld w = orders(tmp.resolve("strict"));
        StringWriter err = new StringWriter();
        int code = run(w, "", err);
        assertEquals(TrueRoi.EXIT_FAILED, code, err.toString());
        assertTrue(err.toString().contains("over trueroi.ingest.max-reject-rate"), err.toString());
        assertNoPii(err.toString());
        List<Row> runs = new Warehouse(spark, w.warehouse.toString())
                .read(Table.JOB_RUNS)
                .collectAsList();
        assertFalse(runs.isEmpty());
        for (Row r : runs) {
            assertTrue(List.of("STARTED", "FAILED").contains(r.<String>getAs("status")), r.toString());
            assertNoPii(r.toString());
        }
    }

    private static int run(TestWorld w, String hocon, StringWriter err) {
        return TrueRoi.run(
                new String[] {
                    "ingest",
                    "--date",
                    D.toString(),
                    "--conf",
                    w.confFile(hocon).toString()
                },
                new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true),
                TestWorld.ENV);
    }

    private static void assertNoPii(String text) {
        for (String p : PII) {
            assertFalse(text.contains(p), "holds '" + p + "': " + text);
        }
    }
}
