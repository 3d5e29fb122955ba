package io.trueroi.synthetic;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What each ad platform of a world claims in its own report: every purchase its pixel or data
 * partnership sees, after its own last click in its click window, credited to that click's
 * campaign, gross of refunds, on the day of the purchase; and, for a purchase it cannot claim by a
 * click, a view-through conversion when the person is in its audience (clicked it at any time)
 * and saw an ad in its view window (probability view-rate, drawn per person, platform and day).
 * Each platform claims alone, so one purchase after clicks on two platforms is claimed twice: the
 * over-claim every marketer meets. Till sales are seen by none.
 *
 * <p>Cost: one pass over a person's touches per purchase and platform, in the person's generation.
 */
public final class PlatformClaims {
    /** Where a purchase was booked, as {@code journey.conversions.platform} names it. */
    public static final List<String> SHOPS = List.of("ownsite", "tmall", "jd");

    /**
     * One platform's counting rule: click window, view window (0: no view-through), the chance a
     * purchase of its audience had an ad view in that window, and the shops it sees.
     */
    public record Rule(int clickWindowDays, int viewWindowDays, double viewRate, List<String> sees)
            implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /**
     * The rules of a world that sets none: Google and Baidu see the own site; Ocean Engine has a
     * Tmall partnership and Tencent a JD one; the social platforms and Google count views.
     */
    public static final Map<String, Rule> DEFAULTS = Map.of(
            "google_ads", new Rule(30, 1, 0.30, List.of("ownsite")),
            "baidu_sem", new Rule(30, 0, 0, List.of("ownsite")),
            "ocean_engine", new Rule(7, 1, 0.20, List.of("ownsite", "tmall")),
            "tencent_ads", new Rule(7, 1, 0.20, List.of("ownsite", "jd")));

    /** One claim: the purchase's day, the channel and campaign credited, a view or a click, gross CNY cents. */
    public record Claim(int day, int channel, int campaign, boolean view, long cents) {}

    private PlatformClaims() {}

    /**
     * The claims on one recorded purchase, booked at {@code shop} ({@code store} for a till sale),
     * by every platform of the world, in the order of {@link WorldSpec#PLATFORMS}.
     */
    static List<Claim> claims(
            WorldModel w, long p, List<WorldModel.Touch> touches, WorldModel.Purchase u, String shop) {
        List<Claim> out = new ArrayList<>();
        List<String> platforms = WorldSpec.PLATFORMS;
        for (int k = 0; k < platforms.size(); k++) {
            String platform = platforms.get(k);
            Rule rule = w.spec().claimRule(platform);
            if (!rule.sees().contains(shop)) {
                continue;
            }
            WorldModel.Touch last = null;
            WorldModel.Touch nearest = null;
            for (WorldModel.Touch t : touches) {
                if (t.bot() || !w.channels().get(t.channel()).platform().equals(platform)) {
                    continue;
                }
                if (t.epochSecond() <= u.epochSecond()) {
                    last = t;
                    nearest = t;
                } else if (nearest == null) {
                    nearest = t;
                }
            }
            if (last != null && u.day() - last.day() < rule.clickWindowDays()) {
                out.add(new Claim(u.day(), last.channel(), last.campaign(), false, u.cents()));
            } else if (nearest != null
                    && rule.viewWindowDays() > 0
                    && w.uniform(p, 50 + k, u.day()) < rule.viewRate()) {
                out.add(new Claim(u.day(), nearest.channel(), nearest.campaign(), true, u.cents()));
            }
        }
        return out;
    }
}
