package io.trueroi.ingest;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trueroi.testing.SharedSpark;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The identifier and URL rules of {@link Parse}, value by value (expected values from the rules' comments). */
@ExtendWith(SharedSpark.class)
class ParseTest {
    @Test
    void identifiersDropBlanksPlaceholdersAndOneCharacterRepeats(SparkSession spark) {
        // Each case: the raw value, then the id kept (null: dropped).
        String[][] cases = {
            {null, null},
            {"", null},
            {"   ", null},
            {" abc ", "abc"},
            {"NULL", null},
            {"n/a", null},
            {"0", null},
            {"0000", null},
            {"----", null},
            {"0-0_0 0", null},
            {"00000000-0000-0000-0000-000000000000", null},
            {"a-b", "a-b"},
            {"undefined", null},
            {"Unknown ", null},
            {"aaab", "aaab"},
            {"\u6C5F\u6C5F", null},
            // first two characters differ: a real id, unless a separator hides a repeat
            {"ab", "ab"},
            {"x", null},
            {"7", null},
            {"-7", null},
            {"7-", null},
            {"_77_7", null},
            {" 7 7", null},
            {"a_a", null},
            {"b-c", "b-c"},
            {"NONE", null},
            {"Undefined1", "Undefined1"},
            {"12345678901", "12345678901"},
        };
        List<String> in = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (String[] c : cases) {
            in.add(c[0]);
            expected.add(c[1]);
        }
        List<Row> rows = spark.createDataset(in, Encoders.STRING())
                .toDF("v")
                .select(Parse.id(col("v")))
                .collectAsList();
        List<String> out = new ArrayList<>();
        rows.forEach(r -> out.add(r.getString(0)));
        assertEquals(expected, out);
    }

    @Test
    void queryParametersMatchParseUrlWithAKey(SparkSession spark) {
        List<String> urls = Arrays.asList(
                "/landing?utm_source=google&utm_medium=cpc",
                "https://x.cn/p?a=1&utm_source=&b=2",
                "https://x.cn/p?xutm_source=no&utm_source=baidu",
                "https://x.cn/p",
                null,
                "::not a url::");
        for (Row r : spark.createDataset(urls, Encoders.STRING())
                .toDF("u")
                .selectExpr("try_parse_url(u, 'QUERY', 'utm_source') AS by_key", "try_parse_url(u, 'QUERY') AS q")
                .select(
                        col("by_key"),
                        Parse.text(col("by_key")).as("want"),
                        Parse.queryParameter(col("q"), "utm_source").as("got"))
                .collectAsList()) {
            assertEquals(r.getString(1), r.getString(2), "utm_source of query, parse_url gave " + r.getString(0));
        }
    }

    /**
     * Issue 28, defect 9: money is a plain decimal with at most its currency's minor digits
     * (java.util.Currency: JPY 0, CNY and USD 2). Before, {@code 1e5} was 100,000.00 and
     * {@code 12.345} was rounded to 12.35 without a word.
     */
    @Test
    void moneyIsAPlainDecimalWithAtMostItsCurrencysMinorDigits(SparkSession spark) {
        List<String[]> cases = List.of(
                // text, currency, expected value or the reject detail
                new String[] {"1,299.50", "CNY", "1299.50"},
                new String[] {"12.34", "USD", "12.34"},
                new String[] {"-59.00", "CNY", "-59.00"},
                new String[] {".5", "CNY", "0.50"},
                new String[] {"100", "JPY", "100.00"},
                new String[] {"12.345", "CNY", "amount has more decimals than CNY allows (2): '12.345'"},
                new String[] {"100.5", "JPY", "amount has more decimals than JPY allows (0): '100.5'"},
                new String[] {"1e5", "CNY", "amount is not a decimal: '1e5'"},
                new String[] {"1E+5", "CNY", "amount is not a decimal: '1E+5'"},
                new String[] {"1,2,3", "CNY", "amount is not a decimal: '1,2,3'"},
                new String[] {"12.", "CNY", "amount is not a decimal: '12.'"},
                new String[] {"NaN", "CNY", "amount is not a decimal: 'NaN'"},
                new String[] {"12O.00", "CNY", "amount is not a decimal: '12O.00'"});
        List<Row> in = new ArrayList<>();
        cases.forEach(c -> in.add(org.apache.spark.sql.RowFactory.create(c[0], c[1])));
        var schema =
                new org.apache.spark.sql.types.StructType().add("t", "string").add("cur", "string");
        Rejects r = new Rejects();
        Parse.checkDecimal(r, col("t"), Parse.decimal(col("t")), "amount", col("cur"), List.of("CNY", "USD", "JPY"));
        List<Row> out = spark.createDataFrame(in, schema)
                .select(Parse.decimal(col("t")).cast("string"), r.code(), r.detail())
                .collectAsList();
        for (int i = 0; i < cases.size(); i++) {
            String[] c = cases.get(i);
            Row o = out.get(i);
            if (Character.isDigit(c[2].charAt(c[2].length() - 1))) {
                assertEquals(c[2], o.getString(0), c[0]);
                assertEquals(null, o.getString(1), c[0]);
            } else {
                assertEquals(Rejects.BAD_DECIMAL, o.getString(1), c[0]);
                assertEquals(c[2], o.getString(2), c[0]);
            }
        }
    }

    /**
     * Issue 28, defect 10: business times outside the plausible window. Delivery date 2026-10-01
     * with the default two days after it allows up to 2026-10-03T23:59:59Z; earliest-time here is
     * set to 2020-01-01T00:00:00Z. Before, an order dated 2099 was accepted.
     */
    @Test
    void businessTimesOutsideTheirDeliveryWindowAreRejected(SparkSession spark) {
        io.trueroi.config.IngestSettings settings = io.trueroi.config.TrueRoiConfig.load(
                        List.of(),
                        Map.of(
                                "TRUEROI_HASH_KEY",
                                "a-test-key-of-enough-length",
                                "CONFIG_FORCE_trueroi_ingest_earliest__time",
                                "2020-01-01T00:00:00Z"))
                .ingest();
        assertEquals(2, settings.maxDaysAfterDelivery());
        List<String[]> cases = List.of(
                new String[] {"2026-10-03T23:59:59Z", null},
                new String[] {"2026-09-01T00:00:00Z", null},
                new String[] {
                    "2026-10-04T00:00:00Z",
                    "t is more than 2 days after its delivery date 2026-10-01 (trueroi.ingest.max-days-after-delivery): '2026-10-04T00:00:00Z'"
                },
                new String[] {
                    "2099-01-01T00:00:00Z",
                    "t is more than 2 days after its delivery date 2026-10-01 (trueroi.ingest.max-days-after-delivery): '2099-01-01T00:00:00Z'"
                },
                new String[] {
                    "2019-06-01T00:00:00Z",
                    "t is before trueroi.ingest.earliest-time 2020-01-01T00:00:00Z: '2019-06-01T00:00:00Z'"
                },
                new String[] {"1999-06-01T00:00:00Z", "t is not a valid time: '1999-06-01T00:00:00Z'"});
        List<Row> in = new ArrayList<>();
        cases.forEach(c -> in.add(org.apache.spark.sql.RowFactory.create(c[0], "2026-10-01")));
        var schema =
                new org.apache.spark.sql.types.StructType().add("t", "string").add("dt", "string");
        Rejects r = new Rejects();
        Parse.checkInstant(
                r, col("t"), Parse.instant(col("t"), org.apache.spark.sql.functions.lit("UTC")), "t", settings);
        List<Row> out = spark.createDataFrame(in, schema).select(r.detail()).collectAsList();
        for (int i = 0; i < cases.size(); i++) {
            assertEquals(cases.get(i)[1], out.get(i).getString(0), cases.get(i)[0]);
        }
    }
}
