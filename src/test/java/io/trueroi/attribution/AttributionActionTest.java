package io.trueroi.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueroi.catalog.Table;
import io.trueroi.config.TrueRoiConfig;
import io.trueroi.ops.JobFailure;
import io.trueroi.ops.RunContext;
import io.trueroi.spark.Warehouse;
import io.trueroi.testing.SharedSpark;
import io.trueroi.testing.TestWorld;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attribution job on hand-built journeys: the Markov fit done in Spark (paths, transitions,
 * one solve per segment) gives the removal effects worked by hand, honours the training window,
 * fits segments or falls back to the global model, and re-running a date replaces its fit.
 */
@ExtendWith(SharedSpark.class)
class AttributionActionTest {
    static final LocalDate D = LocalDate.of(2026, 10, 31);
    static final double EPS = 1e-12;

    @TempDir
    Path tmp;

    /** Runs the job on these journeys; returns the run date's removal effects by "segment/channel". */
    Map<String, Row> run(SparkSession spark, JourneyRows rows, String conf) {
        TestWorld w = new TestWorld(tmp);
        // The journeys alone, as these tests write them, are what every model but the incremental
        // one reads (it needs journey.touchpoints and journey.conversions).
        TrueRoiConfig config = w.config("trueroi.attribution.models = [\"first_touch\", \"last_touch\", "
                + "\"last_non_direct\", \"linear\", \"position_based\", \"time_decay\", \"markov\", \"shapley\"]\n"
                + conf);
        Warehouse warehouse = new Warehouse(spark, config.warehouse());
        warehouse.overwrite(rows.dataset(spark), Table.JOURNEYS);
        new AttributionAction(config, warehouse, RunContext.start("attribution", D, D, null)).execute();
        Map<String, Row> out = new HashMap<>();
        for (Row r : warehouse
                .read(Table.MARKOV_REMOVAL_EFFECTS)
                .filter("as_of_date = DATE'" + D + "'")
                .collectAsList()) {
            out.put(r.<String>getAs("segment") + "/" + r.<String>getAs("channel"), r);
        }
        return out;
    }

    /**
     * The paths of MarkovRemovalEffectTest.threeChannelsWorkedByHand as journeys: a > b converts
     * (10.00), a > c does not, b converts (4.00), b does not. Hand results: RE a 1/3, b 1, c 0;
     * shares 1/4, 3/4, 0; 0.5 and 1.5 conversions; revenue 3.50 and 10.50.
     */
    static JourneyRows handWorked() {
        return new JourneyRows()
                .add("j1", true, "online", "10.00", "2026-10-20T10:00:00Z", "a@3, b@1")
                .add("j2", false, null, "0", "2026-10-21T10:00:00Z", "a@3, c@1")
                .add("j3", true, "offline", "4.00", "2026-10-22T10:00:00Z", "b@1")
                .add("j4", false, null, "0", "2026-10-23T10:00:00Z", "b@1");
    }

    @Test
    void sparkFitMatchesTheHandWorkedChainAndKeepsToTheWindow(SparkSession spark) {
        JourneyRows rows = handWorked()
                // Outside the 90-day window (converted 2026-07-01): would give c a removal effect.
                .add("old", true, "online", "99.00", "2026-07-01T10:00:00Z", "c@1")
                // No touch: credited to (none), not part of the fit.
                .add("bare", true, "online", "5.00", "2026-10-25T10:00:00Z", "");
        Map<String, Row> re = run(spark, rows, "trueroi.attribution.markov.segment-column = \"\"");
        assertEquals(3, re.size(), re.keySet().toString());
        assertEquals(1.0 / 3, re.get("(all)/a").<Double>getAs("removal_effect"), EPS);
        assertEquals(1.0, re.get("(all)/b").<Double>getAs("removal_effect"), EPS);
        assertEquals(0.0, re.get("(all)/c").<Double>getAs("removal_effect"), EPS);
        assertEquals(0.25, re.get("(all)/a").<Double>getAs("share"), EPS);
        assertEquals(1.5, re.get("(all)/b").<Double>getAs("conversions"), EPS);
        assertEquals("3.50", re.get("(all)/a").getAs("revenue").toString());
        assertEquals("10.50", re.get("(all)/b").getAs("revenue").toString());
        assertEquals(4L, re.get("(all)/a").<Long>getAs("segment_journeys"));
        // 90 days up to 10-31 inclusive: 08-03..08-31 (29) + September (30) + October (31).
        assertEquals(
                LocalDate.of(2026, 8, 3),
                re.get("(all)/a").<java.sql.Date>getAs("training_from").toLocalDate());
    }

    @Test
    void segmentsAreFittedOrFallBackToTheGlobalModel(SparkSession spark) {
        // Online: j1 (a > b, 10.00), j5 (a, 6.00) and the non-converting j2 (a > c), j4 (b), which
        // join every segment. Transitions: start->a 3/4, start->b 1/4; a->b, a->c, a->conv 1/3 each;
        // b->conv 1/2, b->null 1/2; c->null. P(b) = 1/2, P(a) = 1/6 + 1/3 = 1/2, P = 1/2.
        // Without a: P = 1/4 * 1/2 = 1/8, RE 3/4. Without b: P(a) = 1/3, P = 1/4, RE 1/2. RE(c) = 0.
        // Shares 0.6 and 0.4 of 2 conversions: 1.2 and 0.8.
        // Offline: j3, j2, j4 = 3 journeys, under min-segment-journeys = 4: the global model.
        JourneyRows rows = handWorked().add("j5", true, "online", "6.00", "2026-10-24T10:00:00Z", "a@2");
        Map<String, Row> re = run(spark, rows, "trueroi.attribution.markov.min-segment-journeys = 4");
        assertEquals(0.75, re.get("online/a").<Double>getAs("removal_effect"), EPS);
        assertEquals(0.5, re.get("online/b").<Double>getAs("removal_effect"), EPS);
        assertEquals(1.2, re.get("online/a").<Double>getAs("conversions"), EPS);
        assertEquals(0.8, re.get("online/b").<Double>getAs("conversions"), EPS);
        assertEquals("online", re.get("online/a").getAs("fitted_on"));
        assertEquals(4L, re.get("online/a").<Long>getAs("segment_journeys"));
        Row offline = re.get("offline/a");
        assertEquals("(all)", offline.getAs("fitted_on"));
        assertEquals(3L, offline.<Long>getAs("segment_journeys"));
        assertEquals(re.get("(all)/a").<Double>getAs("removal_effect"), offline.<Double>getAs("removal_effect"), 0.0);
        // The global shares applied to offline's one conversion.
        assertEquals(re.get("(all)/a").<Double>getAs("share"), offline.<Double>getAs("conversions"), EPS);
    }

    @Test
    void transitionsAreWrittenAndARerunReplacesTheDatesFit(SparkSession spark) {
        run(spark, handWorked(), "trueroi.attribution.markov.segment-column = \"\"");
        Map<String, Row> again = run(spark, handWorked(), "trueroi.attribution.markov.segment-column = \"\"");
        assertEquals(3, again.size());
        Warehouse warehouse = new Warehouse(spark, tmp.resolve("warehouse").toString());
        List<Row> t = warehouse
                .read(Table.MARKOV_TRANSITIONS)
                .filter("from_state = 'b' AND to_state = '(conversion)' AND as_of_date = DATE'" + D + "'")
                .collectAsList();
        assertEquals(1, t.size(), "one fit per date, not one per run");
        assertEquals(
                12,
                warehouse
                        .read(Table.MARKOV_TRANSITIONS)
                        .select("as_of_date")
                        .distinct()
                        .count(),
                "a fit for every date from the first journey's, 10-20, to the run's, 10-31");
        assertEquals(2.0 / 3, t.get(0).<Double>getAs("probability"), EPS, "b's exits: j1 and j3 convert, j4 does not");
        assertEquals(
                (2 + 1) * 8,
                warehouse.read(Table.CREDITS).count(),
                "converting journeys of 2 and 1 touches, eight models, written once");
    }

    /**
     * Each conversion is credited with the fit of its own date. A non-converting journey's date is
     * its last touch's, so as of 10-20 the window holds j1 (a > b, converts) and j2 (a > c, last touch
     * 10-20): start→a 1; a→b, a→c 1/2 each; b→conversion, c→null. P = 1/2; without a or b nothing
     * converts (RE 1 each); without c P stays 1/2 (RE 0). So j1 splits 0.5 / 0.5, 5.00 / 5.00; the
     * fit of 10-31 (RE a 1/3, b 1, as above) would have given 0.25 / 0.75. The daily counts, by hand:
     * on 10-20 j1 (segment (unknown): start→a, a→b, end of b) and j2 (no segment: start→a, a→c, end
     * of c), 6 rows; on 10-22 j3 (start→b, end of b) and j4 (the same, no segment), 4 rows: 10.
     */
    @Test
    void aConversionIsCreditedWithTheFitOfItsOwnDate(SparkSession spark) {
        run(spark, handWorked(), "trueroi.attribution.markov.segment-column = \"\"");
        Warehouse warehouse = new Warehouse(spark, tmp.resolve("warehouse").toString());
        Map<String, Row> then = new HashMap<>();
        for (Row r : warehouse
                .read(Table.MARKOV_REMOVAL_EFFECTS)
                .filter("as_of_date = DATE'2026-10-20'")
                .collectAsList()) {
            then.put(r.getAs("channel"), r);
        }
        assertEquals(3, then.size(), then.keySet().toString());
        assertEquals(1.0, then.get("a").<Double>getAs("removal_effect"), EPS);
        assertEquals(1.0, then.get("b").<Double>getAs("removal_effect"), EPS);
        assertEquals(0.0, then.get("c").<Double>getAs("removal_effect"), EPS);
        assertEquals(2L, then.get("a").<Long>getAs("segment_journeys"));
        List<String> j1 = warehouse
                .read(Table.CREDITS)
                .filter("model = 'markov' AND journey_id = 'j1'")
                .orderBy("touch_index")
                .selectExpr("concat(channel, ' ', conversion_credit, ' ', revenue_credit)")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList();
        assertEquals(List.of("a 0.500000000000 5.00", "b 0.500000000000 5.00"), j1);
        assertEquals(10, warehouse.read(Table.MARKOV_DAILY_COUNTS).count());
    }

    @Test
    void aSegmentColumnThatIsNotAJourneysColumnFailsByName(SparkSession spark) {
        JobFailure e = assertThrows(
                JobFailure.class,
                () -> run(spark, handWorked(), "trueroi.attribution.markov.segment-column = \"region\""));
        assertTrue(e.getMessage().contains("trueroi.attribution.markov.segment-column: region"), e.getMessage());
    }

    @Test
    void noConversionsAndOneChannelGiveDefinedResults(SparkSession spark) {
        // No conversion at all: every removal effect 0, nothing to credit, no NaN.
        Map<String, Row> none = run(
                spark,
                new JourneyRows()
                        .add("n1", false, null, "0", "2026-10-20T10:00:00Z", "a@1, b@0")
                        .add("n2", false, null, "0", "2026-10-21T10:00:00Z", "a@1"),
                "trueroi.attribution.markov.segment-column = \"\"");
        assertEquals(0.0, none.get("(all)/a").<Double>getAs("removal_effect"), 0.0);
        assertEquals(0.0, none.get("(all)/a").<Double>getAs("share"), 0.0);
        // One channel: it holds every conversion, whatever its repeats.
        Map<String, Row> one = run(
                spark,
                new JourneyRows()
                        .add("o1", true, "online", "8.00", "2026-10-20T10:00:00Z", "a@2, a@1")
                        .add("o2", false, null, "0", "2026-10-21T10:00:00Z", "a@1"),
                "trueroi.attribution.markov.segment-column = \"\"");
        assertEquals(1, one.size());
        assertEquals(1.0, one.get("(all)/a").<Double>getAs("removal_effect"), EPS);
        assertEquals(1.0, one.get("(all)/a").<Double>getAs("share"), EPS);
        assertEquals("8.00", one.get("(all)/a").getAs("revenue").toString());
    }
}
