package io.trueroi.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueroi.config.ConfigError;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The platforms' claims on a tiny world worked by hand (issue 42).
 *
 * <p>Three channels: Baidu (baidu_sem: 7-day click window, no views, sees the own site), Douyin
 * (ocean_engine: 7-day clicks, 1-day views at rate 1, sees the own site and Tmall) and Google
 * (google_ads: 30-day clicks, no views, sees the own site). One person clicks Baidu on day 0,
 * Douyin on day 3 and Google on day 20, and buys five times:
 * <ol>
 *   <li>day 5, own site, 100.00: Baidu (5 days after its click) and Douyin (2 days) both claim it;
 *       Google's click is later: 2 claims;
 *   <li>day 9, Tmall, 50.00: only Douyin sees Tmall, 6 days after its click: 1 claim;
 *   <li>day 12, a till sale: no pixel sees a till: none;
 *   <li>day 15, own site, 80.00: Baidu's and Douyin's clicks are 15 and 12 days old, past their
 *       windows; Douyin counts a view (rate 1); Google has no click before: 1 view-through;
 *   <li>day 22, own site, 60.00: Google's click is 2 days old: a claim; Douyin a view.
 * </ol>
 * Five purchases, one of which no platform could see, are claimed as 4 click conversions plus 2
 * view-through ones: 6 claimed conversions, 310.00 of claimed value (200 + 50 + 60), against 5 real.
 */
class PlatformClaimsTest {
    static final String WORLD =
            """
            world {
              name = "claims", seed = 1, from = "2026-09-01", to = "2026-09-30", people = 1, mean-touches = 1
              baseline = 0.001, bot-every = 0
              channels = [
                { name = "Baidu", platform = baidu_sem, campaign-prefix = bd, popularity = 1, lift = 0.01,
                  currency = CNY, cost-per-click = 1 }
                { name = "Douyin", platform = ocean_engine, campaign-prefix = oe, popularity = 1, lift = 0.01,
                  currency = CNY, cost-per-click = 1 }
                { name = "Google", platform = google_ads, campaign-prefix = gg, popularity = 1, lift = 0.01,
                  currency = USD, cost-per-click = 1 }
              ]
              claims {
                baidu_sem { click-window-days = 7, view-window-days = 0, sees = [ownsite] }
                ocean_engine { click-window-days = 7, view-window-days = 1, view-rate = 1.0, sees = [ownsite, tmall] }
                google_ads { click-window-days = 30, view-window-days = 0, sees = [ownsite] }
              }
            }
            """;

    static WorldModel.Touch click(int day, int channel) {
        return new WorldModel.Touch(day, day * 86_400L + 3_600, channel, 0, false);
    }

    static WorldModel.Purchase buy(int day, long cents, int store) {
        return new WorldModel.Purchase(day, day * 86_400L + 7_200, cents, 0, store);
    }

    @Test
    void eachPlatformClaimsAloneByItsOwnWindowAndPixel() {
        WorldModel w = new WorldModel(WorldSpec.parse(WORLD, "claims.conf"));
        List<WorldModel.Touch> touches = List.of(click(0, 0), click(3, 1), click(20, 2));
        String[] shops = {"ownsite", "tmall", "store", "ownsite", "ownsite"};
        List<WorldModel.Purchase> purchases = List.of(
                buy(5, 10_000, -1), buy(9, 5_000, -1), buy(12, 7_000, 0), buy(15, 8_000, -1), buy(22, 6_000, -1));
        List<PlatformClaims.Claim> all = new ArrayList<>();
        int[] perPurchase = new int[purchases.size()];
        for (int i = 0; i < purchases.size(); i++) {
            List<PlatformClaims.Claim> c = PlatformClaims.claims(w, 0, touches, purchases.get(i), shops[i]);
            perPurchase[i] = c.size();
            all.addAll(c);
        }
        assertEquals(
                List.of(2, 1, 0, 1, 2),
                java.util.Arrays.stream(perPurchase).boxed().toList());
        long clicks = all.stream().filter(c -> !c.view()).count();
        long views = all.stream().filter(PlatformClaims.Claim::view).count();
        assertEquals(4, clicks);
        assertEquals(2, views);
        assertEquals(
                31_000,
                all.stream()
                        .filter(c -> !c.view())
                        .mapToLong(PlatformClaims.Claim::cents)
                        .sum());
        assertTrue(clicks + views > purchases.size(), "6 claimed conversions of 5 purchases");
        // Who claims what: day 5 by Baidu and Douyin, day 9 by Douyin, day 22 by Google; views are Douyin's.
        assertEquals(
                List.of("5:0", "5:1", "9:1", "22:2"),
                all.stream()
                        .filter(c -> !c.view())
                        .map(c -> c.day() + ":" + c.channel())
                        .toList());
        assertEquals(
                List.of("15:1", "22:1"),
                all.stream()
                        .filter(PlatformClaims.Claim::view)
                        .map(c -> c.day() + ":" + c.channel())
                        .toList());
    }

    @Test
    void aBadClaimRuleNamesItsKey() {
        ConfigError e = assertThrows(
                ConfigError.class,
                () -> WorldSpec.parse(WORLD.replace("sees = [ownsite, tmall]", "sees = [ownsite, till]"), "c.conf"));
        assertEquals(
                "world spec c.conf: world.claims.ocean_engine.sees: must name shops of [ownsite, tmall, jd],"
                        + " cannot be: till",
                e.getMessage());
        e = assertThrows(ConfigError.class, () -> WorldSpec.parse(WORLD.replace("baidu_sem {", "meta {"), "c.conf"));
        assertTrue(e.getMessage().startsWith("world spec c.conf: world.claims.meta: unknown key"), e.getMessage());
    }
}
