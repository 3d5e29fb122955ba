package io.trueroi.journey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueroi.testing.PlanAssert;
import io.trueroi.testing.SharedSpark;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link Touchpoints#bursts} and {@link Touchpoints#withInvalidFlag} on hand-made clicks, with the
 * default limits (more than 20 clicks per device and UTC hour, more than 50 per IP). Expected
 * invalid clicks, by construction below: the 21 of device d1 (one over its limit), the 51 of IP
 * i1 (one over), and none of the others (d2 and i2 sit exactly at their limits, d3's 30 clicks
 * straddle two UTC hours, and clicks with no device and no IP are never counted together).
 */
@ExtendWith(SharedSpark.class)
class ClickBurstsTest {
    static final StructType CLICKS = new StructType()
            .add("platform", DataTypes.StringType)
            .add("click_id", DataTypes.StringType)
            .add("click_time", DataTypes.TimestampType)
            .add("device_id", DataTypes.StringType)
            .add("ip_hash", DataTypes.StringType);

    final List<Row> rows = new ArrayList<>();

    /** {@code n} clicks, one a second from {@code iso}, named {@code prefix}0, {@code prefix}1, ... */
    void clicks(String prefix, int n, String iso, String device, String ip) {
        Instant start = Instant.parse(iso);
        for (int k = 0; k < n; k++) {
            rows.add(RowFactory.create("ocean_engine", prefix + k, Timestamp.from(start.plusSeconds(k)), device, ip));
        }
    }

    static Set<String> invalid(Dataset<Row> flagged) {
        return new TreeSet<>(flagged.filter("_invalid")
                .select("click_id")
                .as(Encoders.STRING())
                .collectAsList());
    }

    @Test
    @Tag(PlanAssert.TAG)
    void clicksOverTheirHourlyLimitAreInvalid(SparkSession spark) {
        clicks("d1_", 21, "2026-09-30T10:00:00Z", "d1", null);
        clicks("d2_", 20, "2026-09-30T10:00:00Z", "d2", null);
        clicks("d3a_", 15, "2026-09-30T11:59:45Z", "d3", null);
        clicks("d3b_", 15, "2026-09-30T12:00:00Z", "d3", null);
        // Each of IP i1's clicks from its own device, so only the IP rule can catch them.
        for (int k = 0; k < 51; k++) {
            clicks("i1_" + k + "_", 1, "2026-09-30T10:00:00Z", "i1dev" + k, "i1");
        }
        clicks("i2_", 50, "2026-09-30T10:00:00Z", null, "i2");
        clicks("none_", 30, "2026-09-30T10:00:00Z", null, null);
        Dataset<Row> clicks = spark.createDataFrame(rows, CLICKS);

        Dataset<Row> bursts = Touchpoints.bursts(clicks, 20, 50);
        Set<String> found = new TreeSet<>();
        for (Row r : bursts.collectAsList()) {
            found.add(r.getString(r.fieldIndex("_burst_type")) + ":" + r.getString(r.fieldIndex("_burst_key")) + "@"
                    + r.getTimestamp(r.fieldIndex("_burst_hour")).toInstant());
        }
        assertEquals(Set.of("device:d1@2026-09-30T10:00:00Z", "ip:i1@2026-09-30T10:00:00Z"), found);

        Dataset<Row> flagged = Touchpoints.withInvalidFlag(clicks, bursts);
        assertTrue(
                flagged.queryExecution().executedPlan().toString().contains("BroadcastHashJoin"), "bursts broadcast");
        assertEquals(rows.size(), flagged.count(), "every click once");
        Set<String> invalid = invalid(flagged);
        assertEquals(21 + 51, invalid.size());
        assertEquals(
                0,
                invalid.stream()
                        .filter(id -> !id.startsWith("d1_") && !id.startsWith("i1_"))
                        .count());

        // Too many bursts to broadcast: the same flags through a shuffle join.
        String threshold = spark.conf().get("spark.sql.autoBroadcastJoinThreshold");
        spark.conf().set("spark.sql.autoBroadcastJoinThreshold", "-1");
        try {
            Dataset<Row> shuffled = Touchpoints.withInvalidFlag(clicks, bursts);
            assertFalse(shuffled.queryExecution().executedPlan().toString().contains("BroadcastHashJoin"));
            assertEquals(rows.size(), shuffled.count(), "every click once");
            assertEquals(invalid, invalid(shuffled));
        } finally {
            spark.conf().set("spark.sql.autoBroadcastJoinThreshold", threshold);
        }
        assertEquals(
                List.of("platform", "click_id", "click_time", "device_id", "ip_hash", "_invalid"),
                Arrays.asList(flagged.columns()),
                "the clicks' columns and _invalid");
    }
}
