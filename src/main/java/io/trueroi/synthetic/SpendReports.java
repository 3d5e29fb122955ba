package io.trueroi.synthetic;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The ad platforms' daily reports of a world: per day, channel and campaign, the clicks (and the
 * cost they imply) and the platform's own claims ({@link PlatformClaims}), the claimed value in
 * the channel's currency. A campaign with claims and no click that day gets a row with no cost,
 * as the platforms report one.
 *
 * <p>Cost: each person's touches and purchases once more, in their generation; the rows are summed
 * per (day, channel, campaign) by the caller, one shuffle of small rows.
 */
final class SpendReports {
    /** What one person adds to the reports: a click, or a claim on a campaign. */
    static final StructType KEYS = new StructType()
            .add("day", DataTypes.IntegerType)
            .add("channel", DataTypes.IntegerType)
            .add("campaign", DataTypes.IntegerType)
            .add("clicks", DataTypes.LongType)
            .add("claims", DataTypes.LongType)
            .add("claim_cents", DataTypes.LongType)
            .add("views", DataTypes.LongType);

    private SpendReports() {}

    /** Person p's clicks and the claims the platforms make on p's purchases, as {@link #KEYS} rows. */
    static List<Row> keys(WorldModel w, GenerateAction.Rates rates, long p) {
        List<Row> out = new ArrayList<>();
        List<WorldModel.Touch> touches = w.touches(p);
        for (WorldModel.Touch t : touches) {
            out.add(RowFactory.create(t.day(), t.channel(), t.campaign(), 1L, 0L, 0L, 0L));
        }
        for (WorldModel.Purchase drawn : w.purchases(p, touches, -1)) {
            WorldModel.Purchase u = GenerateAction.asRecorded(w, p, drawn);
            String shop = u.store() >= 0 ? "store" : GenerateAction.shop(w, p, u.day());
            for (PlatformClaims.Claim c : PlatformClaims.claims(w, p, touches, u, shop)) {
                String currency = w.channels().get(c.channel()).currency();
                out.add(
                        c.view()
                                ? RowFactory.create(c.day(), c.channel(), c.campaign(), 0L, 0L, 0L, 1L)
                                : RowFactory.create(
                                        c.day(),
                                        c.channel(),
                                        c.campaign(),
                                        0L,
                                        1L,
                                        rates.claimCents(c.cents(), currency),
                                        0L));
            }
        }
        return out;
    }

    /**
     * One report line: cost = cost per click × clicks; the claims in the platform's columns (the
     * view-through column empty where the platform counts no views).
     */
    static Row line(WorldModel w, Row r) {
        int day = r.getInt(0);
        int channel = r.getInt(1);
        int campaign = r.getInt(2);
        long clicks = r.getLong(3);
        WorldSpec.Channel c = w.channels().get(channel);
        String id = c.campaignPrefix() + "_cmp_" + (campaign + 1);
        GenerateAction.File f =
                switch (c.platform()) {
                    case "baidu_sem" -> GenerateAction.File.SPEND_BAIDU;
                    case "ocean_engine" -> GenerateAction.File.SPEND_OCEAN;
                    case "tencent_ads" -> GenerateAction.File.SPEND_TENCENT;
                    default -> GenerateAction.File.SPEND_GOOGLE;
                };
        String cost = BigDecimal.valueOf(c.costPerClick())
                .multiply(BigDecimal.valueOf(clicks))
                .setScale(2, RoundingMode.HALF_EVEN)
                .toPlainString();
        boolean views = w.spec().claimRule(c.platform()).viewWindowDays() > 0;
        return RowFactory.create(
                day * GenerateAction.File.values().length + f.ordinal(),
                (long) channel * 10 + campaign,
                String.format(
                        Locale.ROOT,
                        "%s,acct_%s,%s,synthetic %s,%s_ag1,%d,%d,%s,%s,%d,%s,%s",
                        w.day(day),
                        c.campaignPrefix(),
                        id,
                        id,
                        id,
                        clicks * 37,
                        clicks,
                        cost,
                        c.currency(),
                        r.getLong(4),
                        BigDecimal.valueOf(r.getLong(5), 2).toPlainString(),
                        views ? Long.toString(r.getLong(6)) : ""));
    }

    /**
     * Per channel, the claims its platform reported over the whole world, as a JSON object
     * (conversions, value in the report's currency, view-through); the totals go to counters.
     */
    static String[] truth(WorldModel w, List<Row> claims, java.util.Map<String, Long> counters) {
        int n = w.channels().size();
        long[][] sums = new long[n][3];
        for (Row r : claims) {
            for (int k = 0; k < 3; k++) {
                sums[r.getInt(0)][k] = r.isNullAt(k + 1) ? 0 : r.getLong(k + 1);
            }
        }
        String[] out = new String[n];
        long conversions = 0;
        long views = 0;
        for (int c = 0; c < n; c++) {
            WorldSpec.Channel ch = w.channels().get(c);
            out[c] = String.format(
                    Locale.ROOT,
                    "{\"conversions\": %d, \"value\": %s, \"currency\": \"%s\", \"view_through\": %d}",
                    sums[c][0],
                    BigDecimal.valueOf(sums[c][1], 2).toPlainString(),
                    ch.currency(),
                    sums[c][2]);
            conversions += sums[c][0];
            views += sums[c][2];
        }
        counters.put("claimed_conversions", conversions);
        counters.put("claimed_view_through", views);
        return out;
    }
}
