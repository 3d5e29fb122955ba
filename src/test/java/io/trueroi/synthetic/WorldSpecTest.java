package io.trueroi.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueroi.config.ChannelRule;
import io.trueroi.config.ConfigError;
import io.trueroi.config.TrueRoiConfig;
import io.trueroi.testing.TestWorld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * World specs as files: every shipped spec reads, the default one is the world the generator
 * simulated before specs existed, each distortion changes p(t) exactly as the spec's formula says
 * (hand-placed touches, numbers worked by hand below), and a bad spec names its key and file.
 */
class WorldSpecTest {
    static final String ONE_CHANNEL =
            """
            world {
              name = "hand", seed = 1, from = "2026-09-01", to = "2026-09-10", people = 10, mean-touches = 1
              baseline = 0.001, lift-window-days = 5, bot-every = 0
              channels = [
                { name = "A", platform = baidu_sem, campaign-prefix = a, popularity = 1, lift = 0.010,
                  half-life-days = 2, currency = CNY, cost-per-click = 1 }
                { name = "B", platform = google_ads, campaign-prefix = b, popularity = 1, lift = 0.020,
                  half-life-days = 1, currency = USD, cost-per-click = 1 }
              ]
              %s
            }
            """;

    static WorldModel hand(String distortions) {
        return new WorldModel(WorldSpec.parse(ONE_CHANNEL.formatted(distortions), "hand.conf"));
    }

    static WorldModel.Touch touch(int day, int channel) {
        return new WorldModel.Touch(day, day * 86_400L, channel, 0, false);
    }

    @Test
    void everyShippedWorldReadsAndNamesItself() {
        for (String name : WorldSpec.SHIPPED) {
            WorldSpec spec = WorldSpec.shipped(name);
            assertEquals(name, spec.name());
            assertTrue(spec.channels().size() >= 4, name);
        }
        assertTrue(WorldSpec.shipped("many-channels").channels().size() >= 12);
        double[] lifts = WorldSpec.shipped("many-channels").channels().stream()
                .mapToDouble(WorldSpec.Channel::lift)
                .sorted()
                .toArray();
        assertTrue(lifts[lifts.length - 1] >= 10 * lifts[0], "lifts spread over 10x");
        WorldSpec retargeting = WorldSpec.shipped("retargeting");
        assertTrue(retargeting.organicSigma() > 0);
        assertTrue(retargeting.channels().stream().anyMatch(c -> c.targeting() > 0));
        assertTrue(WorldSpec.shipped("saturation").channels().stream().anyMatch(c -> c.saturation() > 0));
        assertEquals(1, WorldSpec.shipped("synergy").synergies().size());
        assertEquals(0, WorldSpec.shipped("default").synergies().size());
    }

    /**
     * Conversions lost per channel of seed 11, 2026-09-01..10-30, 6 mean touches, 20,000 people:
     * printed by {@code generate} when the world was constants in WorldModel, before world specs
     * existed (the raw files of that run and of this code are byte for byte the same).
     */
    @Test
    void theDefaultSpecIsTheWorldBeforeSpecs() {
        WorldModel w = new WorldModel(11, LocalDate.of(2026, 9, 1), LocalDate.of(2026, 10, 30), 6);
        long[] lost = new long[w.channels().size()];
        for (long p = 0; p < 20_000; p++) {
            List<WorldModel.Touch> touches = w.touches(p);
            int with = w.purchases(p, touches, -1).size();
            for (int c = 0; c < lost.length; c++) {
                lost[c] += with - w.purchases(p, touches, c).size();
            }
        }
        assertEquals(
                List.of(3656L, 888L, 1614L, 3627L),
                java.util.Arrays.stream(lost).boxed().toList());
    }

    @Test
    void aTouchDecaysWithItsChannelsHalfLifeAndEndsWithTheWindow() {
        WorldModel w = hand("");
        double[] p = w.probability(0, List.of(touch(1, 0), touch(2, 1)), c -> false);
        // Day 0: baseline only. Day 1: A's own day, 0.001 + 0.010. Day 3: A two days on (half-life 2)
        // 0.010 / 2, B one day on (half-life 1) 0.020 / 2. Day 6: A is 5 days old, out of the 5-day
        // window; B is 4 days old, 0.020 / 16.
        assertEquals(0.001, p[0], 1e-15);
        assertEquals(0.011, p[1], 1e-15);
        assertEquals(0.001 + 0.005 + 0.010, p[3], 1e-15);
        assertEquals(0.001 + 0.020 / 16, p[6], 1e-15);
        double[] withoutB = w.probability(0, List.of(touch(1, 0), touch(2, 1)), c -> c == 1);
        assertEquals(0.001 + 0.005, withoutB[3], 1e-15);
    }

    @Test
    void saturationShrinksEachLaterTouchOfTheSameChannelInTheWindow() {
        WorldModel w = hand("distortions { saturation { \"A\" = 1 } }");
        List<WorldModel.Touch> touches = List.of(touch(0, 0), touch(0, 1), touch(2, 0), touch(7, 0));
        double[] p = w.probability(0, touches, c -> false);
        // Day 2: the first A touch 2 days old, full lift: 0.010 / 2; the second A touch has one
        // earlier A touch in the window: 0.010 × (1 + 1)^-1 = 0.005; B (not saturating) two days old:
        // 0.020 / 4. Day 7: the third A touch's earlier A touches are 7 and 5 days before it, both
        // outside the 5-day window, so full lift again: 0.001 + 0.010.
        assertEquals(0.001 + 0.005 + 0.005 + 0.005, p[2], 1e-15);
        assertEquals(0.001 + 0.010, p[7], 1e-15);
    }

    @Test
    void synergyLiftsDaysWhenBothChannelsAreInTheWindow() {
        WorldModel w = hand("distortions { synergy = [ { channels = [A, B], lift = 0.004, half-life-days = 1 } ] }");
        List<WorldModel.Touch> touches = List.of(touch(0, 0), touch(2, 1));
        double[] p = w.probability(0, touches, c -> false);
        double[] none = hand("").probability(0, touches, c -> false);
        // Day 1: only A touched, no synergy. Day 2: both, the later (B) today: + 0.004. Day 3: + 0.002.
        // Day 5: A is 5 days old, out of the window: the pair is over.
        assertEquals(none[1], p[1], 1e-15);
        assertEquals(none[2] + 0.004, p[2], 1e-15);
        assertEquals(none[3] + 0.002, p[3], 1e-15);
        assertEquals(none[5], p[5], 1e-15);
        // Without A: no synergy and no A lift (0.010 two days on, half-life 2: 0.005).
        assertEquals(none[2], w.probability(0, touches, c -> c == 0)[2] + 0.005, 1e-15, "removing A removes it");
    }

    @Test
    void targetedClicksGoToPeopleWhoWouldBuyAnyway() {
        WorldModel w = new WorldModel(WorldSpec.shipped("retargeting").with(4_000L, null, null, null, null));
        int retargeting = w.spec().channelIndex("Retargeting");
        int google = w.spec().channelIndex("Google Ads");
        double[] sum = new double[2];
        long[] n = new long[2];
        double everyone = 0;
        for (long p = 0; p < 4_000; p++) {
            double m = w.organic(p);
            everyone += m / 4_000;
            for (WorldModel.Touch t : w.touches(p)) {
                int k = t.channel() == retargeting ? 0 : t.channel() == google ? 1 : -1;
                if (k >= 0 && !t.bot()) {
                    sum[k] += m;
                    n[k]++;
                }
            }
        }
        // The multiplier has mean 1 over people; an untargeted channel's clickers are near it, the
        // targeted channel's (weight m^3 on preferences) far above.
        assertEquals(1.0, everyone, 0.1);
        assertTrue(sum[1] / n[1] < 1.5, "Google Ads clickers' mean multiplier " + sum[1] / n[1]);
        assertTrue(sum[0] / n[0] > 2 * sum[1] / n[1], "Retargeting " + sum[0] / n[0] + " vs " + sum[1] / n[1]);
    }

    @Test
    void theWrittenChannelRulesMapEachChannelByPlatformAndCampaign(@TempDir Path dir) throws Exception {
        WorldSpec spec = WorldSpec.shipped("many-channels");
        Path rules = dir.resolve("channels.conf");
        Files.writeString(rules, spec.channelRules());
        Path base = dir.resolve("base.conf");
        Files.writeString(base, "trueroi.warehouse = \"" + dir.resolve("w") + "\"\n");
        TrueRoiConfig config = TrueRoiConfig.load(List.of(base, rules), TestWorld.ENV);
        List<String> mapped = new ArrayList<>();
        for (ChannelRule r : config.channels()) {
            if (r.when().containsKey("campaign_id")) {
                mapped.add(r.channel());
                WorldSpec.Channel c = spec.channels().get(spec.channelIndex(r.channel()));
                assertEquals(
                        Map.of(
                                "source_system", List.of("ads"),
                                "platform", List.of(c.platform()),
                                "campaign_id", List.of(c.campaignIdPrefix() + "*")),
                        r.when());
            }
        }
        assertEquals(spec.channels().stream().map(WorldSpec.Channel::name).toList(), mapped);
    }

    @Test
    void commandLineSettingsOverrideTheSpecAndAreWrittenIntoIt() {
        WorldSpec spec = WorldSpec.shipped("synergy").with(123L, null, LocalDate.of(2026, 9, 30), 9L, 2.5);
        assertEquals(123, spec.people());
        assertEquals(LocalDate.of(2026, 9, 30), spec.to());
        assertEquals(9, spec.seed());
        assertEquals(2.5, spec.meanTouches());
        assertEquals(
                spec, WorldSpec.parse(spec.text(), "again"), "world.conf written beside the truth reads back the same");
    }

    @Test
    void aBadSpecNamesItsKeyAndFile() {
        Map<String, String> cases = Map.of(
                "distortions { targeting { \"A\" = 2 } }",
                        "world.distortions.targeting: needs world.distortions.organic-sigma",
                "distortions { saturation { \"Z\" = 1 } }", "world.distortions.saturation.\"Z\": is not a channel",
                "distortions { synergy = [ { channels = [A, A], lift = 0.1 } ] }",
                        "world.distortions.synergy[0].channels: must name two different",
                "distortions { warp = 1 }", "world.distortions.warp: unknown key",
                "colour = blue", "world.colour: unknown key",
                "experiments = [ { channel = C, from = \"2026-09-01\", days = 3, holdout = 0.1 } ]",
                        "world.experiments[0].channel: is not a channel of this world, cannot be: C",
                "experiments = [ { channel = A, from = \"2026-09-08\", days = 4, holdout = 0.1 } ]",
                        "world.experiments[0].days: must be between 1 and 3",
                "experiments = [ { channel = A, from = \"2026-09-01\", days = 3, holdout = 1 } ]",
                        "world.experiments[0].holdout: must be below 1");
        cases.forEach((extra, message) -> {
            ConfigError e = assertThrows(ConfigError.class, () -> hand(extra));
            assertTrue(e.getMessage().startsWith("world spec hand.conf: " + message), e.getMessage());
        });
        String twoPrefixes = ONE_CHANNEL.formatted("").replace("campaign-prefix = b", "campaign-prefix = a");
        ConfigError e = assertThrows(ConfigError.class, () -> WorldSpec.parse(twoPrefixes, "p.conf"));
        assertTrue(e.getMessage().contains("world.channels[1].campaign-prefix: is another channel's"), e.getMessage());
        String platform = ONE_CHANNEL.formatted("").replace("google_ads", "meta");
        e = assertThrows(ConfigError.class, () -> WorldSpec.parse(platform, "p.conf"));
        assertTrue(e.getMessage().contains("world.channels[1].platform: must be one of"), e.getMessage());
        e = assertThrows(ConfigError.class, () -> WorldSpec.load("/no/such/world.conf"));
        assertTrue(e.getMessage().contains("no such file, and not a shipped world"), e.getMessage());
    }

    /**
     * A holdout test removes exactly the held-out audience's clicks of its channel on its days:
     * every other click of every person is the one drawn, the treated keep theirs, and the share
     * held out is the spec's (1,000 people of a 10-day world with a 4-day test of A, half held out:
     * the count must lie within 4 standard deviations of half the audience).
     */
    @Test
    void aHoldoutTestRemovesOnlyTheHeldOutAudiencesClicksOfItsChannelOnItsDays() {
        WorldModel w = hand("experiments = [ { channel = A, from = \"2026-09-03\", days = 4, holdout = 0.5 } ]");
        int[] groups = new int[2];
        for (long p = 0; p < 1_000; p++) {
            List<WorldModel.Touch> drawn = w.drawn(p);
            int g = w.group(p, drawn, 0);
            List<WorldModel.Touch> expected = new ArrayList<>(drawn);
            if (g == WorldModel.HELD_OUT) {
                expected.removeIf(t -> t.channel() == 0 && t.day() >= 2 && t.day() <= 5);
                assertTrue(expected.size() < drawn.size(), "an audience member had a click to remove");
            }
            List<org.apache.spark.sql.Row> rows = HoldoutTests.rows(w, p);
            if (g != WorldModel.OUTSIDE) {
                groups[g]++;
                long onDays = w.purchases(p, w.touches(p), -1).stream()
                        .filter(u -> u.day() >= 2 && u.day() <= 5)
                        .count();
                assertEquals(
                        List.of(org.apache.spark.sql.RowFactory.create(
                                0, g, onDays, rows.get(0).getLong(3))),
                        rows);
                assertTrue(g == WorldModel.TREATED || rows.get(0).getLong(3) == 0, "the held out saw nothing to cause");
                assertTrue(rows.get(0).getLong(3) <= onDays);
            } else {
                assertEquals(List.of(), rows, "not in the read-out");
                assertTrue(drawn.stream().noneMatch(t -> t.channel() == 0 && t.day() >= 2 && t.day() <= 5));
            }
            assertEquals(expected, w.touches(p), "person " + p);
        }
        int audience = groups[0] + groups[1];
        assertTrue(audience > 100, "A touches people in the test: " + audience);
        assertTrue(
                Math.abs(groups[1] - audience / 2.0) < 4 * Math.sqrt(audience / 4.0),
                "held out " + groups[1] + " of " + audience);
    }
}
