package io.trueroi.ingest;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trueroi.testing.SharedSpark;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
        List<String> in = Arrays.asList(
                null,
                "",
                "   ",
                " abc ",
                "NULL",
                "n/a",
                "0",
                "0000",
                "----",
                "0-0_0 0",
                "00000000-0000-0000-0000-000000000000",
                "a-b",
                "undefined",
                "Unknown ",
                "aaab",
                "\u6C5F\u6C5F",
                // first two characters differ: a real id, unless a separator hides a repeat
                "ab",
                "x",
                "7",
                "-7",
                "7-",
                "_77_7",
                " 7 7",
                "a_a",
                "b-c",
                "NONE",
                "Undefined1",
                "12345678901");
        List<String> expected = Arrays.asList(
                null,
                null,
                null,
                "abc",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                "a-b",
                null,
                null,
                "aaab",
                null,
                "ab",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                "b-c",
                null,
                "Undefined1",
                "12345678901");
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
}
