package io.trueroi.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueroi.catalog.Table;
import io.trueroi.testing.SharedSpark;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Each kind of check made to fail on purpose, on tables built by hand, and passing on the same
 * table put right. Every expected number is counted from the rows written here.
 */
@ExtendWith(SharedSpark.class)
class CheckTest {
    static final LocalDate NIGHT = LocalDate.of(2026, 9, 15);

    /** One check's outcome. */
    record Outcome(long failedRows, List<String> sample, String detail) {}

    /** The outcomes of checks by kind. */
    static Map<String, Outcome> run(List<Check> checks) {
        Map<String, Outcome> byKind = new HashMap<>();
        for (Check c : checks) {
            for (Row r : c.outcomes().collectAsList()) {
                byKind.put(r.getString(0), new Outcome(r.getLong(1), r.getList(2), r.getString(3)));
            }
        }
        return byKind;
    }

    static Dataset<Row> conversions(SparkSession spark, Object[]... rows) {
        StructType schema = new StructType()
                .add("conversion_id", DataTypes.StringType)
                .add("one_id", DataTypes.StringType)
                .add("conversion_time", DataTypes.TimestampType)
                .add("conversion_date", DataTypes.DateType)
                .add("gross_revenue", DataTypes.createDecimalType(20, 2))
                .add("refunds", DataTypes.createDecimalType(20, 2))
                .add("net_revenue", DataTypes.createDecimalType(20, 2));
        List<Row> list = new ArrayList<>();
        for (Object[] r : rows) {
            BigDecimal net = (BigDecimal) r[2];
            list.add(RowFactory.create(
                    r[0],
                    r[1],
                    java.sql.Timestamp.valueOf("2026-09-15 10:00:00"),
                    Date.valueOf(NIGHT),
                    net,
                    BigDecimal.ZERO.setScale(2),
                    net));
        }
        return spark.createDataFrame(list, schema);
    }

    @Test
    void aRepeatedKeyAndANullFailUniqueAndNotNull(SparkSession spark) {
        // c1 twice (2 rows of a repeated key); c3 has no net_revenue.
        Dataset<Row> bad = conversions(
                spark,
                new Object[] {"c1", "oid_a", new BigDecimal("10.00")},
                new Object[] {"c1", "oid_a", new BigDecimal("10.00")},
                new Object[] {"c2", "oid_b", new BigDecimal("5.00")},
                new Object[] {"c3", "oid_b", null});
        Map<String, Outcome> out = run(Check.ofTable(Table.CONVERSIONS, bad, null, List.of(), 5));
        assertEquals(2L, out.get("unique").failedRows());
        assertEquals(List.of("c1"), out.get("unique").sample());
        assertEquals("1 key(s) repeated over [conversion_id]", out.get("unique").detail());
        // gross_revenue is set from net_revenue here, so c3 has two nulls in one row.
        assertEquals(1L, out.get("not-null").failedRows());
        assertEquals(List.of("c3"), out.get("not-null").sample());
        assertTrue(
                out.get("not-null").detail().contains("net_revenue: 1"),
                out.get("not-null").detail());
        // Two kinds of check for a table without a channel column.
        assertEquals(2, out.size());

        Dataset<Row> good = conversions(spark, new Object[] {"c1", "oid_a", new BigDecimal("10.00")}, new Object[] {
            "c2", "oid_b", new BigDecimal("5.00")
        });
        Map<String, Outcome> ok = run(Check.ofTable(Table.CONVERSIONS, good, null, List.of(), 5));
        assertEquals(0L, ok.get("unique").failedRows());
        assertEquals(0L, ok.get("not-null").failedRows());
    }

    @Test
    void aSilverKeyIsSampledAsItsHash(SparkSession spark) {
        StructType schema = new StructType()
                .add("dt", DataTypes.DateType)
                .add("platform", DataTypes.StringType)
                .add("click_id", DataTypes.StringType)
                .add("click_time", DataTypes.TimestampType);
        Row click = RowFactory.create(
                Date.valueOf(NIGHT), "baidu", "clk-1", java.sql.Timestamp.valueOf("2026-09-15 01:00:00"));
        Dataset<Row> clicks = spark.createDataFrame(List.of(click, click), schema);
        Outcome unique =
                run(Check.ofTable(Table.AD_CLICKS, clicks, null, List.of(), 5)).get("unique");
        assertEquals(2L, unique.failedRows());
        // Table.AD_CLICKS.key() is platform, click_id, dt: sha256("baidu|clk-1|2026-09-15").
        assertEquals(List.of(sha256("baidu|clk-1|2026-09-15")), unique.sample());
    }

    static String sha256(String s) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aChannelNoRuleNamesFailsReferences(SparkSession spark) {
        StructType schema = new StructType()
                .add("as_of_date", DataTypes.DateType)
                .add("channel", DataTypes.StringType)
                .add("customers_acquired", DataTypes.LongType)
                .add("spend", DataTypes.createDecimalType(20, 2));
        Date d = Date.valueOf(NIGHT);
        BigDecimal zero = BigDecimal.ZERO.setScale(2);
        Dataset<Row> mart = spark.createDataFrame(
                List.of(
                        RowFactory.create(d, "Baidu SEM", 3L, zero),
                        RowFactory.create(d, "(none)", 1L, zero),
                        RowFactory.create(d, "Baidu  SEM", 2L, zero)),
                schema);
        Outcome refs = run(Check.ofTable(Table.CHANNEL_LTV_CAC, mart, "channel", List.of("Baidu SEM", "(none)"), 5))
                .get("references");
        assertEquals(1L, refs.failedRows());
        assertEquals(List.of("Baidu  SEM"), refs.sample());
    }

    static Dataset<Row> credits(SparkSession spark, Object[]... rows) {
        StructType schema = new StructType()
                .add("model", DataTypes.StringType)
                .add("conversion_id", DataTypes.StringType)
                .add("conversion_credit", DataTypes.createDecimalType(18, 12))
                .add("revenue_credit", DataTypes.createDecimalType(18, 2));
        List<Row> list = new ArrayList<>();
        for (Object[] r : rows) {
            list.add(RowFactory.create(r[0], r[1], new BigDecimal((String) r[2]), new BigDecimal((String) r[3])));
        }
        return spark.createDataFrame(list, schema);
    }

    @Test
    void aCreditForAMissingConversionFailsReferences(SparkSession spark) {
        Dataset<Row> conversions = conversions(spark, new Object[] {"c1", "oid_a", new BigDecimal("10.00")});
        Dataset<Row> credits =
                credits(spark, new Object[] {"linear", "c1", "1", "10.00"}, new Object[] {"linear", "c9", "1", "3.00"});
        Outcome r = run(List.of(Check.references(
                        Table.CREDITS, credits, "conversion_id", Table.CONVERSIONS, conversions, "conversion_id", 5)))
                .get("references");
        assertEquals(1L, r.failedRows());
        assertEquals(List.of("c9"), r.sample());
    }

    @Test
    void creditsThatDoNotAddUpFailSums(SparkSession spark) {
        // c1: 0.5 + 0.5 = 1 and 6.00 + 4.00 = 10.00, right. c2: 0.5 + 0.4 = 0.9, wrong. c3: shares
        // right, revenue 2.00 + 2.99 = 4.99 against 5.00, a cent short.
        Dataset<Row> conversions = conversions(
                spark,
                new Object[] {"c1", "oid_a", new BigDecimal("10.00")},
                new Object[] {"c2", "oid_a", new BigDecimal("10.00")},
                new Object[] {"c3", "oid_b", new BigDecimal("5.00")});
        Dataset<Row> credits = credits(
                spark,
                new Object[] {"linear", "c1", "0.5", "6.00"},
                new Object[] {"linear", "c1", "0.5", "4.00"},
                new Object[] {"linear", "c2", "0.5", "5.00"},
                new Object[] {"linear", "c2", "0.4", "5.00"},
                new Object[] {"markov", "c3", "0.5", "2.00"},
                new Object[] {"markov", "c3", "0.5", "2.99"});
        Outcome r = run(List.of(Check.creditSums(credits, conversions, 5))).get("sums");
        assertEquals(2L, r.failedRows());
        assertEquals(
                List.of("linear|c2", "markov|c3"), r.sample().stream().sorted().toList());
    }

    @Test
    void modelSharesThatDoNotAddUpFailSums(SparkSession spark) {
        StructType schema = new StructType()
                .add("model", DataTypes.StringType)
                .add("conversion_share", DataTypes.DoubleType)
                .add("revenue_share", DataTypes.DoubleType);
        Dataset<Row> comparison = spark.createDataFrame(
                List.of(
                        RowFactory.create("linear", 0.25, 0.5),
                        RowFactory.create("linear", 0.75, 0.5),
                        RowFactory.create("markov", 0.5, null),
                        RowFactory.create("markov", 0.4, null)),
                schema);
        Outcome r = run(List.of(Check.shareSums(comparison, 5))).get("sums");
        assertEquals(1L, r.failedRows());
        assertEquals(List.of("markov"), r.sample());
    }

    /** Rows per delivery date: {@code counts[i]} rows dated {@code NIGHT - i}; null: no delivery. */
    static Dataset<Row> perDay(SparkSession spark, Long... counts) {
        StructType schema = new StructType().add("dt", DataTypes.DateType).add("rows", DataTypes.LongType);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] != null) {
                rows.add(RowFactory.create(Date.valueOf(NIGHT.minusDays(i)), counts[i]));
            }
        }
        return spark.createDataFrame(rows, schema);
    }

    static Long[] nights(long tonight, long usual, int earlier) {
        Long[] c = new Long[earlier + 1];
        c[0] = tonight;
        for (int i = 1; i <= earlier; i++) {
            c[i] = usual;
        }
        return c;
    }

    @Test
    void aFeedWithATenthOfItsUsualRowsFailsVolume(SparkSession spark) {
        Outcome tenth = run(List.of(Check.volume(Table.AD_CLICKS, perDay(spark, nights(10, 100, 14)), NIGHT, 5, 3.0)))
                .get("volume");
        assertEquals(1L, tenth.failedRows());
        assertTrue(tenth.detail().startsWith("tonight 10 rows; median 100"), tenth.detail());
        // 100 / 3 = 33.3: 34 rows is within the factor, 33 is not; 300 is within, 301 is not.
        assertEquals(0L, volume(spark, nights(34, 100, 14)));
        assertEquals(1L, volume(spark, nights(33, 100, 14)));
        assertEquals(0L, volume(spark, nights(300, 100, 14)));
        assertEquals(1L, volume(spark, nights(301, 100, 14)));
        // Four earlier deliveries are fewer than min-nights 5: not judged.
        Outcome young = run(List.of(Check.volume(Table.AD_CLICKS, perDay(spark, nights(10, 100, 4)), NIGHT, 5, 3.0)))
                .get("volume");
        assertEquals(0L, young.failedRows());
        assertTrue(young.detail().contains("too few earlier deliveries"), young.detail());
    }

    static long volume(SparkSession spark, Long[] counts) {
        return run(List.of(Check.volume(Table.AD_CLICKS, perDay(spark, counts), NIGHT, 5, 3.0)))
                .get("volume")
                .failedRows();
    }

    @Test
    void aSourceWithNoRecentDeliveryFailsFreshness(SparkSession spark) {
        // Latest delivery two days before the night: stale with lag 1, fresh with lag 2.
        Dataset<Row> days = perDay(spark, null, null, 50L, 60L);
        Outcome stale = run(List.of(Check.freshness(Table.AD_CLICKS, days, NIGHT, 1, 14)))
                .get("freshness");
        assertEquals(1L, stale.failedRows());
        assertEquals("latest delivery 2026-09-13; expected one dated 2026-09-14 or later", stale.detail());
        assertEquals(
                0L,
                run(List.of(Check.freshness(Table.AD_CLICKS, days, NIGHT, 2, 14)))
                        .get("freshness")
                        .failedRows());
    }
}
