package io.trueroi.journey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.trueroi.testing.SharedSpark;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link Journeys#build} on hand-made touchpoints and conversions (30-day lookback), for the
 * cases the nightly world of {@link JourneysTest} does not reach. Person P1:
 * <ul>
 *   <li>touches A 09-01 and B 09-05 00:00Z; conversions c1 and c2 both at 09-05 00:00Z: A and B
 *       go to c1 (first by time, then id; a touch at the conversion's instant is in its path), c2
 *       has an empty path;
 *   <li>touch C 09-10 and D 10-01, conversion c3 10-20: C is 40 days before c3, so in no path;
 *   <li>touch E 10-21 is invalid; F 10-22 and G 12-01 trail the last conversion: the
 *       non-converting journey ends at G and F is 40 days before it, so the path is [G].
 * </ul>
 * Person P2 never buys: touches H 09-01 and I 09-02, one non-converting journey [H, I]. A
 * conversion and a touch with no OneID make no journey. Expected: five journeys.
 */
@ExtendWith(SharedSpark.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JourneysBuildTest {
    final Map<String, Row> journeys = new TreeMap<>();

    static Timestamp at(String iso) {
        return Timestamp.from(Instant.parse(iso));
    }

    static Row touch(String oneId, String id, String iso, boolean invalid) {
        return RowFactory.create(oneId, at(iso), "ch_" + id, "cmp_" + id, id, invalid);
    }

    static Row conversion(String oneId, String id, String iso, String net) {
        return RowFactory.create(oneId, id, at(iso), Date.valueOf(iso.substring(0, 10)), "online", new BigDecimal(net));
    }

    @BeforeAll
    void build(SparkSession spark) {
        StructType touchSchema = new StructType()
                .add("one_id", DataTypes.StringType)
                .add("touch_time", DataTypes.TimestampType)
                .add("channel", DataTypes.StringType)
                .add("campaign_id", DataTypes.StringType)
                .add("touchpoint_id", DataTypes.StringType)
                .add("is_invalid", DataTypes.BooleanType);
        StructType convSchema = new StructType()
                .add("one_id", DataTypes.StringType)
                .add("conversion_id", DataTypes.StringType)
                .add("conversion_time", DataTypes.TimestampType)
                .add("conversion_date", DataTypes.DateType)
                .add("order_channel", DataTypes.StringType)
                .add("net_revenue", DataTypes.createDecimalType(18, 2));
        Dataset<Row> touches = spark.createDataFrame(
                List.of(
                        touch("P1", "A", "2026-09-01T00:00:00Z", false),
                        touch("P1", "B", "2026-09-05T00:00:00Z", false),
                        touch("P1", "C", "2026-09-10T00:00:00Z", false),
                        touch("P1", "D", "2026-10-01T00:00:00Z", false),
                        touch("P1", "E", "2026-10-21T00:00:00Z", true),
                        touch("P1", "F", "2026-10-22T00:00:00Z", false),
                        touch("P1", "G", "2026-12-01T00:00:00Z", false),
                        touch("P2", "H", "2026-09-01T00:00:00Z", false),
                        touch("P2", "I", "2026-09-02T00:00:00Z", false),
                        touch(null, "J", "2026-09-03T00:00:00Z", false)),
                touchSchema);
        Dataset<Row> conversions = spark.createDataFrame(
                List.of(
                        conversion("P1", "c2", "2026-09-05T00:00:00Z", "20.00"),
                        conversion("P1", "c1", "2026-09-05T00:00:00Z", "10.00"),
                        conversion("P1", "c3", "2026-10-20T00:00:00Z", "30.00"),
                        conversion(null, "c9", "2026-09-06T00:00:00Z", "90.00")),
                convSchema);
        for (Row r : Journeys.build(touches, conversions, 30).collectAsList()) {
            journeys.put(r.getAs("journey_id"), r);
        }
    }

    static List<String> path(Row journey) {
        List<String> ids = new ArrayList<>();
        for (Row t : journey.<Row>getList(journey.fieldIndex("touches"))) {
            ids.add(t.getAs("touchpoint_id"));
        }
        return ids;
    }

    @Test
    void everyJourneyIsThere() {
        assertEquals(List.of("c|c1", "c|c2", "c|c3", "nc|P1", "nc|P2"), new ArrayList<>(journeys.keySet()));
        assertEquals(
                Journeys.COLUMNS, Arrays.asList(journeys.get("c|c1").schema().fieldNames()));
    }

    @Test
    void touchesAtTheSameInstantGoToTheFirstOfTwoSimultaneousConversions() {
        Row c1 = journeys.get("c|c1");
        assertEquals(List.of("A", "B"), path(c1));
        assertEquals(new BigDecimal("4.00"), c1.getAs("days_to_convert"), "A 09-01 to the conversion 09-05");
        assertEquals(new BigDecimal("10.00"), c1.getAs("net_revenue"));
        assertEquals(at("2026-09-05T00:00:00Z"), c1.getAs("conversion_time"));
        Row c2 = journeys.get("c|c2");
        assertEquals(List.of(), path(c2));
        assertEquals(0, (int) c2.<Integer>getAs("path_length"));
        assertNull(c2.getAs("days_to_convert"));
        assertNull(c2.getAs("first_touch_time"));
        assertEquals(new BigDecimal("20.00"), c2.getAs("net_revenue"));
        assertEquals(true, c2.getAs("converted"));
    }

    @Test
    void aTouchOutsideItsConversionsLookbackIsInNoPath() {
        Row c3 = journeys.get("c|c3");
        assertEquals(List.of("D"), path(c3));
        assertEquals(new BigDecimal("19.00"), c3.getAs("days_to_convert"), "D 10-01 to the conversion 10-20");
        assertEquals(Date.valueOf("2026-10-20"), c3.getAs("conversion_date"));
        assertEquals("online", c3.getAs("order_channel"));
    }

    @Test
    void trailingTouchesEndAtTheLatestAndKeepItsLookback() {
        Row nc = journeys.get("nc|P1");
        assertEquals(List.of("G"), path(nc), "E is invalid, F 40 days before G");
        assertEquals(false, nc.getAs("converted"));
        assertNull(nc.getAs("conversion_id"));
        assertNull(nc.getAs("conversion_time"));
        assertNull(nc.getAs("conversion_date"));
        assertNull(nc.getAs("order_channel"));
        assertEquals(new BigDecimal("0.00"), nc.getAs("net_revenue"));
        assertEquals(at("2026-12-01T00:00:00Z"), nc.getAs("first_touch_time"));
    }

    @Test
    void aPersonWhoNeverBuysHasOneJourneyInTimeOrder() {
        Row nc = journeys.get("nc|P2");
        assertEquals(List.of("H", "I"), path(nc));
        assertEquals("P2", nc.getAs("one_id"));
        Row first = nc.<Row>getList(nc.fieldIndex("touches")).get(0);
        assertEquals("ch_H", first.getAs("channel"));
        assertEquals("cmp_H", first.getAs("campaign_id"));
    }
}
