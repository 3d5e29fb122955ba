package io.trueroi.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trueroi.testing.SharedSpark;
import java.math.BigDecimal;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every rule-based model and the Markov split on hand-built journeys; each expected credit is
 * worked out in the comment above it. Credits are {conversion credit, revenue credit} per touch
 * in path order.
 */
@ExtendWith(SharedSpark.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CreditsTest {
    static final String END = "2026-10-01T10:00:00Z";
    static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    Dataset<Row> journeys;

    @BeforeAll
    void build(SparkSession spark) {
        journeys = new JourneyRows()
                .add("three", true, "online", "100.00", END, "a@14, Direct@7, b@0")
                .add("directLast", true, "online", "10.00", END, "a@3, b@2, Direct@1")
                .add("directOnly", true, "offline", "9.99", END, "Direct@2, Direct@1")
                .add("one", true, "online", "50.00", END, "a@1")
                .add("two", true, "online", "50.00", END, "a@2, b@1")
                .add("four", true, "online", "7.00", END, "a@4, b@3, c@2, a@1")
                .add("none", true, "offline", "120.00", END, "")
                .add("lost", false, null, "0", END, "a@5, b@1")
                .dataset(spark)
                .cache();
    }

    Map<String, List<String>> credits(AttributionModel model) {
        Map<String, List<String>> out = new HashMap<>();
        for (Row r : Credits.of(journeys, model, SHANGHAI)
                .orderBy("journey_id", "touch_index")
                .collectAsList()) {
            out.computeIfAbsent(r.<String>getAs("journey_id"), k -> new java.util.ArrayList<>())
                    .add(r.<BigDecimal>getAs("conversion_credit")
                                    .stripTrailingZeros()
                                    .toPlainString() + "/"
                            + r.<BigDecimal>getAs("revenue_credit").toPlainString());
        }
        return out;
    }

    @Test
    void firstAndLastTouch() {
        Map<String, List<String>> first = credits(new FirstTouch());
        assertEquals(List.of("1/100.00", "0/0.00", "0/0.00"), first.get("three"));
        assertEquals(List.of("1/7.00", "0/0.00", "0/0.00", "0/0.00"), first.get("four"));
        Map<String, List<String>> last = credits(new LastTouch());
        assertEquals(List.of("0/0.00", "0/0.00", "1/100.00"), last.get("three"));
        assertEquals(List.of("0/0.00", "0/0.00", "1/10.00"), last.get("directLast"));
        assertEquals(7, first.size(), "non-converting journeys get no credit");
    }

    @Test
    void lastNonDirectSkipsDirectUnlessNothingElse() {
        Map<String, List<String>> c = credits(new LastNonDirectTouch(List.of("Direct")));
        assertEquals(List.of("0/0.00", "0/0.00", "1/100.00"), c.get("three"), "b is last and not direct");
        assertEquals(List.of("0/0.00", "1/10.00", "0/0.00"), c.get("directLast"), "Direct skipped: b");
        assertEquals(List.of("0/0.00", "1/9.99"), c.get("directOnly"), "only Direct: the last touch");
    }

    @Test
    void linearRemaindersGoToTheLatestOfTheLargest() {
        Map<String, List<String>> c = credits(new Linear());
        // 1/3 = 0.333333333333 three times sums to 0.999999999999: the 1e-12 left goes to the latest
        // of the equal weights. 100.00 / 3 = 33.33 three times, 0.01 left, to the last touch too.
        assertEquals(List.of("0.333333333333/33.33", "0.333333333333/33.33", "0.333333333334/33.34"), c.get("three"));
        // 7.00 / 4 = 1.75 each, exact.
        assertEquals(List.of("0.25/1.75", "0.25/1.75", "0.25/1.75", "0.25/1.75"), c.get("four"));
    }

    @Test
    void positionBasedIsUShapedAndHandlesShortPaths() {
        Map<String, List<String>> c = credits(new PositionBased(0.4, 0.4));
        assertEquals(List.of("0.4/40.00", "0.2/20.00", "0.4/40.00"), c.get("three"));
        // Four touches: 0.4, 0.2 / 2, 0.2 / 2, 0.4; 7.00 -> 2.80, 0.70, 0.70, 2.80.
        assertEquals(List.of("0.4/2.80", "0.1/0.70", "0.1/0.70", "0.4/2.80"), c.get("four"));
        assertEquals(List.of("1/50.00"), c.get("one"));
        // Two touches: no middle, so 0.4 : 0.4 renormalised to 0.5 : 0.5.
        assertEquals(List.of("0.5/25.00", "0.5/25.00"), c.get("two"));
        Map<String, List<String>> skewed = credits(new PositionBased(0.3, 0.5));
        // 0.3 : 0.5 -> 0.375 : 0.625 of 50.00 = 18.75 : 31.25.
        assertEquals(List.of("0.375/18.75", "0.625/31.25"), skewed.get("two"));
    }

    @Test
    void timeDecayHalvesEveryHalfLife() {
        Map<String, List<String>> c = credits(new TimeDecay(7));
        // 14, 7 and 0 days before: weights 1/4, 1/2, 1 -> 1/7, 2/7, 4/7 = 0.142857142857,
        // 0.285714285714, 0.571428571429 (sum exactly 1); of 100.00: 14.29, 28.57, 57.14 (sum 100.00).
        assertEquals(List.of("0.142857142857/14.29", "0.285714285714/28.57", "0.571428571429/57.14"), c.get("three"));
    }

    @Test
    void aConversionWithoutTouchesIsCreditedToNone() {
        for (AttributionModel m : List.of(
                new FirstTouch(),
                new Linear(),
                new TimeDecay(7),
                new MarkovModel(Map.of(MarkovTraining.ALL, Map.of("a", new double[] {0.5, 0.5})), ""))) {
            List<Row> rows = Credits.of(journeys, m, SHANGHAI)
                    .filter("journey_id = 'none'")
                    .collectAsList();
            assertEquals(1, rows.size(), m.name().id());
            assertEquals(Credits.NO_TOUCH, rows.get(0).<String>getAs("channel"));
            assertEquals(null, rows.get(0).<String>getAs("touchpoint_id"));
            assertEquals(
                    new BigDecimal("120.00"),
                    rows.get(0).<BigDecimal>getAs("revenue_credit"),
                    m.name().id());
        }
    }

    @Test
    void markovSplitsByRemovalEffectAndSharesARepeatedChannelsPart() {
        Map<String, Map<String, double[]>> effects = Map.of(
                MarkovTraining.ALL,
                Map.of(
                        "a",
                        new double[] {0.2, 0.5},
                        "b",
                        new double[] {0.6, 0.5},
                        "c",
                        new double[] {0.0, 0.0},
                        "Direct",
                        new double[] {0.0, 0.0}));
        Map<String, List<String>> c = credits(new MarkovModel(effects, ""));
        // four = a, b, c, a. Conversion: a 0.2 / (0.2 + 0.6 + 0) = 0.25, halved over its two touches
        // = 0.125 each; b 0.75; c 0. Revenue REs a 0.5, b 0.5: a 0.5 -> 0.25 each touch, b 0.5; of
        // 7.00: 1.75, 3.50, 0, 1.75.
        assertEquals(List.of("0.125/1.75", "0.75/3.50", "0/0.00", "0.125/1.75"), c.get("four"));
        // directOnly: every removal effect on the path is 0, so it is split equally.
        assertEquals(
                List.of("0.5/5.00", "0.5/4.99"), c.get("directOnly"), "9.99 / 2 = 4.995 -> 5.00 and 4.99 (half-even)");
    }

    @Test
    void markovUsesTheSegmentsFitOrTheGlobalOne() {
        Map<String, Map<String, double[]>> effects = Map.of(
                MarkovTraining.ALL,
                Map.of("a", new double[] {0.5, 0.5}, "b", new double[] {0.5, 0.5}),
                "online",
                Map.of("a", new double[] {0.1, 0.3}, "b", new double[] {0.3, 0.1}));
        Map<String, List<String>> c = credits(new MarkovModel(effects, "order_channel"));
        // online: a 0.1 / 0.4 = 0.25, b 0.75; revenue a 0.75 of 50.00 = 37.50, b 12.50.
        assertEquals(List.of("0.25/37.50", "0.75/12.50"), c.get("two"));
    }

    @Test
    void everyJourneySumsToOneAndItsNetRevenueInEveryModel() {
        List<AttributionModel> models = List.of(
                new FirstTouch(),
                new LastTouch(),
                new LastNonDirectTouch(List.of("Direct")),
                new Linear(),
                new PositionBased(0.4, 0.4),
                new TimeDecay(7),
                new TimeDecay(0.01),
                new MarkovModel(
                        Map.of(
                                MarkovTraining.ALL,
                                Map.of("a", new double[] {0.3, 0.7}, "b", new double[] {0.1, 0.2}, "c", new double[] {
                                    0.9, 0.0
                                })),
                        ""));
        for (AttributionModel m : models) {
            List<Row> bad = Credits.of(journeys, m, SHANGHAI)
                    .groupBy("journey_id")
                    .agg(
                            org.apache
                                    .spark
                                    .sql
                                    .functions
                                    .sum("conversion_credit")
                                    .as("c"),
                            org.apache.spark.sql.functions.sum("revenue_credit").as("r"))
                    .join(journeys, "journey_id")
                    .filter("c != 1 OR r != net_revenue")
                    .collectAsList();
            assertEquals(List.of(), bad, m.name().id());
        }
    }
}
