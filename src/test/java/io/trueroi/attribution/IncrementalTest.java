package io.trueroi.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.trueroi.spark.Persisted;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The incremental model on a hand world whose least-squares fit is cell means, so every number is
 * worked by hand. Exposure lasts one day (a touch exposes only its own date), training window
 * 2026-10-01..10: every exposed person-day touches one channel, so the design has three cells —
 * unexposed, a, b. The baseline b₀ is the unexposed days' mean, and least squares without
 * intercept of (purchases − b₀) on indicator exposures gives β_c = the c cell's mean − b₀.
 *
 * <pre>
 *   P1: a on 10-02 (buys that day), a on 10-04 (does not)     P2: b on 10-05 (buys), buys 10-08
 *   P3: a on 10-06 (does not buy)                              P4: invalid click on 10-03, buys 10-03
 *   P5: buys 10-07, never touched (not one of the people)      P6: a on 09-30, before the window
 * </pre>
 *
 * People: P1, P2, P3 (P4's only touch is invalid, P6's is before the exposure window reaches the
 * training window): 30 person-days, 4 exposed. Cells: a = {1, 0, 0} → 1/3; b = {1} → 1; the 26
 * unexposed days hold P2's 10-08 purchase → b₀ = 1/26. So β_a = 1/3 − 1/26 = 23/78, β_b = 25/26.
 */
@ExtendWith(io.trueroi.testing.SharedSpark.class)
@org.junit.jupiter.api.TestInstance(org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS)
class IncrementalTest {
    static final StructType TOUCHES = new StructType()
            .add("one_id", DataTypes.StringType)
            .add("touch_date", DataTypes.DateType)
            .add("channel", DataTypes.StringType)
            .add("touch_type", DataTypes.StringType)
            .add("is_invalid", DataTypes.BooleanType);
    static final StructType CONVERSIONS =
            new StructType().add("one_id", DataTypes.StringType).add("conversion_date", DataTypes.DateType);

    /** A touch of channel c is an Official Account follow, the others ad clicks. */
    static Row touch(String who, String day, String channel, boolean invalid) {
        return RowFactory.create(
                who, Date.valueOf(day), channel, channel.equals("c") ? "oa_subscribe" : "ad_click", invalid);
    }

    static Row buys(String who, String day) {
        return RowFactory.create(who, Date.valueOf(day));
    }

    private IncrementalTraining.Fit fit;

    /** The hand world's fit, made once for both tests. */
    IncrementalTraining.Fit fit(SparkSession spark) {
        if (fit == null) {
            fit = fitHandWorld(spark);
        }
        return fit;
    }

    static IncrementalTraining.Fit fitHandWorld(SparkSession spark) {
        return fitHandWorld(spark, null);
    }

    static IncrementalTraining.Fit fitHandWorld(SparkSession spark, Bootstrap bootstrap) {
        Dataset<Row> touches = spark.createDataFrame(
                List.of(
                        touch("P1", "2026-10-02", "a", false),
                        touch("P1", "2026-10-04", "a", false),
                        touch("P2", "2026-10-05", "b", false),
                        touch("P3", "2026-10-06", "a", false),
                        touch("P4", "2026-10-03", "a", true),
                        touch("P6", "2026-09-30", "a", false),
                        touch(null, "2026-10-05", "b", false)),
                TOUCHES);
        Dataset<Row> conversions = spark.createDataFrame(
                List.of(
                        buys("P1", "2026-10-02"),
                        buys("P2", "2026-10-05"),
                        buys("P2", "2026-10-08"),
                        buys("P4", "2026-10-03"),
                        buys("P5", "2026-10-07"),
                        buys("P1", "2026-09-20")),
                CONVERSIONS);
        try (Persisted cached = new Persisted()) {
            return IncrementalTraining.fit(
                    touches,
                    conversions,
                    new IncrementalTraining.Settings(10, 1, 1.0),
                    LocalDate.of(2026, 10, 10),
                    ZoneId.of("Asia/Shanghai"),
                    cached,
                    bootstrap,
                    null);
        }
    }

    /**
     * Replicates refit the model from per-person sums. Replicate 0 counts everyone once: the point
     * fit's 1/26, 23/78, 25/26. Replicate 1 counts P1 0 times, P2 twice, P3 once: people P2, P2, P3,
     * 30 days, 3 exposed; cells a = {0} → 0 (P3's 10-06), b = {1, 1} → 1; the 27 unexposed days
     * hold P2's 10-08 purchase twice → b₀ = 2/27, β_a = 0 − 2/27 = −2/27, β_b = 1 − 2/27 = 25/27.
     */
    @Test
    void eachReplicateRefitsOnItsCountsOfThePeople(SparkSession spark) {
        IncrementalTraining.Fit fit = fitHandWorld(
                spark, new FixedBootstrap(2, java.util.Map.of("P1", new int[] {1, 0}, "P2", new int[] {1, 2})));
        assertEquals(2, fit.replicates().size());
        IncrementalModel same = fit.replicates().get(0);
        assertEquals(1.0 / 26, same.baseline(), 1e-12);
        assertEquals(23.0 / 78, same.lifts()[0], 1e-12);
        assertEquals(25.0 / 26, same.lifts()[1], 1e-12);
        IncrementalModel other = fit.replicates().get(1);
        assertEquals(List.of("a", "b"), other.channels());
        assertEquals(2.0 / 27, other.baseline(), 1e-12);
        assertEquals(-2.0 / 27, other.lifts()[0], 1e-12);
        assertEquals(25.0 / 27, other.lifts()[1], 1e-12);
        assertEquals(List.of(), fitHandWorld(spark).replicates(), "no bootstrap, no replicates");
    }

    @Test
    void leastSquaresOnPersonDaysGivesTheCellMeans(SparkSession spark) {
        IncrementalTraining.Fit fit = fit(spark);
        assertEquals(3, fit.people());
        assertEquals(30, fit.personDays());
        assertEquals(4, fit.exposedPersonDays());
        assertEquals(3, fit.conversions(), "P1 10-02, P2 10-05 and 10-08");
        IncrementalModel m = fit.model();
        assertEquals(List.of("a", "b"), m.channels());
        assertEquals(1.0 / 26, m.baseline(), 1e-12);
        assertEquals(23.0 / 78, m.lifts()[0], 1e-12);
        assertEquals(25.0 / 26, m.lifts()[1], 1e-12);
    }

    /** A world where nobody was touched (only till sales, say) gets an empty model, not a failed night. */
    @Test
    void noTouchesGiveAnEmptyModel(SparkSession spark) {
        try (Persisted cached = new Persisted()) {
            IncrementalTraining.Fit fit = IncrementalTraining.fit(
                    spark.createDataFrame(List.of(), TOUCHES),
                    spark.createDataFrame(List.of(buys("P1", "2026-10-02")), CONVERSIONS),
                    new IncrementalTraining.Settings(10, 1, 1.0),
                    LocalDate.of(2026, 10, 10),
                    ZoneId.of("Asia/Shanghai"),
                    cached,
                    null,
                    null);
            assertEquals(List.of(), fit.model().channels());
            assertEquals(0, fit.people());
        }
    }

    /**
     * P1's 10-02 purchase, one touch of a that day: weights β_a = 23/78 for the touch and b₀ = 3/78
     * for the baseline, so 23/26 and 3/26 of the conversion (12 places, half-up: 0.884615384615 and
     * 0.115384615385, adding to 1) and of its 26.00 net revenue (23.00 and 3.00).
     */
    @Test
    void aConversionIsSplitBetweenItsTouchesDropAndTheBaseline(SparkSession spark) {
        IncrementalModel m = fit(spark).model();
        Dataset<Row> journeys = new JourneyRows()
                .add("j1", true, "online", "26.00", "2026-10-02T12:00:00Z", "a@0")
                .add("j0", true, "online", "5.00", "2026-10-03T12:00:00Z", "")
                .dataset(spark);
        List<Row> rows = new ArrayList<>(Credits.of(journeys, m, ZoneId.of("Asia/Shanghai"))
                .orderBy("journey_id", "touch_index")
                .select("journey_id", "touch_index", "channel", "touchpoint_id", "conversion_credit", "revenue_credit")
                .collectAsList());
        assertEquals(3, rows.size(), rows.toString());
        assertEquals(
                RowFactory.create("j0", 0, "(none)", null, new BigDecimal("1.000000000000"), new BigDecimal("5.00")),
                rows.get(0));
        assertEquals("(baseline)", rows.get(1).getString(2));
        assertEquals(-1, rows.get(1).getInt(1));
        assertNull(rows.get(1).get(3), "the baseline has no touchpoint");
        assertEquals(new BigDecimal("0.115384615385"), rows.get(1).getDecimal(4));
        assertEquals(new BigDecimal("3.00"), rows.get(1).getDecimal(5));
        assertEquals(
                RowFactory.create("j1", 0, "a", "j1#0", new BigDecimal("0.884615384615"), new BigDecimal("23.00")),
                rows.get(2));
    }
}
