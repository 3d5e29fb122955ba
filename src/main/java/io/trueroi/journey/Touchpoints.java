package io.trueroi.journey;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import io.trueroi.catalog.Table;
import io.trueroi.config.TrueRoiConfig;
import io.trueroi.identity.Identifiers;
import io.trueroi.identity.OneIdLookup;
import io.trueroi.spark.BusinessDate;
import io.trueroi.spark.Warehouse;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code journey.touchpoints}: every marketing touch with its OneID and channel.
 *
 * <p>Touches: ad clicks (flagged {@code is_invalid} when their device or IP clicks more than the
 * configured count within one UTC hour), Official Account subscribe/SCAN (with the QR scene as
 * {@code code}) and menu CLICK/VIEW, WeCom adds (with the {@code state} code), and own-site
 * landings tagged with utm parameters but no ad click id (a landing with a click id is the
 * platform's click, already a touch). Ad impressions are reported only in aggregate by the
 * platforms, so they appear in spend, not here.
 */
final class Touchpoints {
    static final List<String> COLUMNS = List.of(
            "touchpoint_id",
            "one_id",
            "touch_time",
            "touch_date",
            "channel",
            "channel_group",
            "source_system",
            "platform",
            "source",
            "medium",
            "campaign_id",
            "touch_type",
            "code",
            "is_invalid",
            "source_table",
            "source_record");

    // The _burst_type of a burst: a device's, or an IP's.
    private static final String DEVICE_BURST = "device";
    private static final String IP_BURST = "ip";

    private Touchpoints() {}

    /**
     * @param bursts {@link #bursts} of the same clicks, already computed (the join with them is
     *     planned here, and only a computed dataset tells the planner it is small enough to broadcast)
     */
    static Dataset<Row> build(
            Warehouse w, TrueRoiConfig config, OneIdLookup lookup, Dataset<Row> bursts, LocalDate upTo) {
        Dataset<Row> all = null;
        if (w.exists(Table.AD_CLICKS)) {
            all = union(all, adClicks(w, lookup, bursts, upTo));
        }
        if (w.exists(Table.WECHAT_EVENTS)) {
            all = union(all, oaEvents(w, lookup, upTo));
        }
        if (w.exists(Table.WECOM_CONTACTS)) {
            all = union(all, wecom(w, lookup, upTo));
        }
        if (w.exists(Table.ECOMMERCE_ORDERS)) {
            all = union(all, landings(w, lookup, upTo));
        }
        if (all == null) {
            throw new IllegalStateException("no silver touch tables under " + w.root() + ": run ingest first");
        }
        ChannelTaxonomy taxonomy = new ChannelTaxonomy(config.channels());
        // Every source keyed first, then one join with the map for all of them.
        return Identifiers.resolve(all, lookup)
                .withColumn("channel", taxonomy.channel())
                .withColumn("channel_group", taxonomy.group())
                .withColumn("source", coalesce(col("utm_source"), col("platform")))
                .withColumn("medium", coalesce(col("utm_medium"), col("touch_type")))
                .withColumn("touch_date", BusinessDate.of(col("touch_time"), config.businessTimeZone()))
                .select(COLUMNS.stream().map(c -> col(c)).toArray(Column[]::new));
    }

    private static Dataset<Row> union(Dataset<Row> a, Dataset<Row> b) {
        return a == null ? b : a.unionByName(b);
    }

    static Dataset<Row> adClicks(Warehouse w, OneIdLookup lookup, Dataset<Row> bursts, LocalDate upTo) {
        Objects.requireNonNull(bursts, "bursts of silver.ad_clicks");
        Dataset<Row> latest = Silver.latest(w, Table.AD_CLICKS, upTo);
        Dataset<Row> clicks = Identifiers.withLookupKey(withInvalidFlag(latest, bursts), Table.AD_CLICKS, lookup);
        return clicks.select(
                concat_ws("|", lit(Table.AD_CLICKS.tableName()), col("platform"), col("click_id"))
                        .as("touchpoint_id"),
                col(Identifiers.LOOKUP_KEY),
                col("click_time").as("touch_time"),
                lit("ads").as("source_system"),
                col("platform"),
                lit("ad_click").as("touch_type"),
                col("utm_source"),
                col("utm_medium"),
                coalesce(col("campaign_id"), col("utm_campaign")).as("campaign_id"),
                lit(null).cast("string").as("code"),
                col("_invalid").as("is_invalid"),
                lit(Table.AD_CLICKS.tableName()).as("source_table"),
                concat_ws("|", col("platform"), col("click_id")).as("source_record"));
    }

    /**
     * The bursts among the latest clicks delivered up to {@code upTo}: each (device, UTC hour) with
     * more clicks than {@code max-clicks-per-device-hour}, and each (IP, UTC hour) with more than
     * {@code max-clicks-per-ip-hour}. Columns: {@code _burst_type} ("device" or "ip"),
     * {@code _burst_key} (the device id or IP hash), {@code _burst_hour}.
     *
     * <p>Cost: one shuffle of the clicks' key and the few columns the counts need (their latest
     * delivery), then one hash aggregation by (type, device or IP, hour) and its shuffle. A burst
     * is over 20 or 50 clicks, so there are few of them: counting per (device, hour) rather than
     * flagging each click through a window keeps whole clicks out of two sorts and a shuffle back
     * to their key, and the clicks then meet the bursts by broadcast ({@link #withInvalidFlag}).
     */
    static Dataset<Row> bursts(Warehouse w, TrueRoiConfig config, LocalDate upTo) {
        var j = config.journeys();
        return bursts(Silver.latest(w, Table.AD_CLICKS, upTo), j.maxClicksPerDeviceHour(), j.maxClicksPerIpHour());
    }

    /** {@link #bursts} of the given clicks (one row per click: device_id, ip_hash, click_time). */
    static Dataset<Row> bursts(Dataset<Row> clicks, int maxPerDevice, int maxPerIp) {
        // Both types from one row per click, so the clicks' latest delivery is shuffled once for both.
        Column byType = array(
                struct(lit(DEVICE_BURST).as("_burst_type"), col("device_id").as("_burst_key")),
                struct(lit(IP_BURST).as("_burst_type"), col("ip_hash").as("_burst_key")));
        return clicks.select(
                        explode(byType).as("_b"),
                        date_trunc("hour", col("click_time")).as("_burst_hour"))
                .select(
                        col("_b._burst_type").as("_burst_type"),
                        col("_b._burst_key").as("_burst_key"),
                        col("_burst_hour"))
                .filter(col("_burst_key").isNotNull())
                .groupBy("_burst_type", "_burst_key", "_burst_hour")
                .agg(count(lit(1)).as("_clicks"))
                .filter(col("_clicks")
                        .gt(when(col("_burst_type").equalTo(DEVICE_BURST), lit(maxPerDevice))
                                .otherwise(lit(maxPerIp))))
                .drop("_clicks");
    }

    /**
     * Adds {@code _invalid}: the click's device or IP is in a burst in the click's UTC hour. Two
     * left joins with the bursts of one type each (one row per key and hour, so no click is
     * repeated); with the bursts computed, the planner broadcasts them when they are under
     * {@code spark.sql.autoBroadcastJoinThreshold}, and the clicks do not move.
     */
    static Dataset<Row> withInvalidFlag(Dataset<Row> clicks, Dataset<Row> bursts) {
        Dataset<Row> devices = bursts.filter(col("_burst_type").equalTo(DEVICE_BURST))
                .select(col("_burst_key").as("_dev"), col("_burst_hour").as("_dev_hour"));
        Dataset<Row> ips = bursts.filter(col("_burst_type").equalTo(IP_BURST))
                .select(col("_burst_key").as("_ip"), col("_burst_hour").as("_ip_hour"));
        Column hour = date_trunc("hour", col("click_time"));
        return clicks.join(
                        devices,
                        col("device_id").equalTo(col("_dev")).and(hour.equalTo(col("_dev_hour"))),
                        "left_outer")
                .join(ips, col("ip_hash").equalTo(col("_ip")).and(hour.equalTo(col("_ip_hour"))), "left_outer")
                .withColumn("_invalid", col("_dev").isNotNull().or(col("_ip").isNotNull()))
                .drop("_dev", "_dev_hour", "_ip", "_ip_hour");
    }

    static Dataset<Row> oaEvents(Warehouse w, OneIdLookup lookup, LocalDate upTo) {
        Dataset<Row> ev =
                Identifiers.withLookupKey(Silver.latest(w, Table.WECHAT_EVENTS, upTo), Table.WECHAT_EVENTS, lookup);
        Column type = when(col("event").equalTo("SUBSCRIBE"), lit("oa_subscribe"))
                .when(col("event").equalTo("SCAN"), lit("oa_scan"))
                .when(col("event").equalTo("CLICK"), lit("oa_menu_click"))
                .when(col("event").equalTo("VIEW"), lit("oa_menu_view"));
        Column record = concat_ws(
                "|",
                col("app_id"),
                col("openid"),
                col("event_time").cast("string"),
                col("event"),
                coalesce(col("event_key"), lit("")));
        return ev.withColumn("touch_type", type)
                .filter(col("touch_type").isNotNull())
                .select(
                        concat_ws("|", lit(Table.WECHAT_EVENTS.tableName()), record)
                                .as("touchpoint_id"),
                        col(Identifiers.LOOKUP_KEY),
                        col("event_time").as("touch_time"),
                        lit("wechat_oa").as("source_system"),
                        lit("wechat_oa").as("platform"),
                        col("touch_type"),
                        lit(null).cast("string").as("utm_source"),
                        lit(null).cast("string").as("utm_medium"),
                        coalesce(col("scene"), when(col("event").equalTo("CLICK"), col("event_key")))
                                .as("campaign_id"),
                        col("scene").as("code"),
                        lit(false).as("is_invalid"),
                        lit(Table.WECHAT_EVENTS.tableName()).as("source_table"),
                        record.as("source_record"));
    }

    static Dataset<Row> wecom(Warehouse w, OneIdLookup lookup, LocalDate upTo) {
        Dataset<Row> c =
                Identifiers.withLookupKey(Silver.latest(w, Table.WECOM_CONTACTS, upTo), Table.WECOM_CONTACTS, lookup);
        Column record = concat_ws("|", col("external_userid"), coalesce(col("follow_userid"), lit("")));
        return c.filter(col("add_time").isNotNull())
                .select(
                        concat_ws("|", lit(Table.WECOM_CONTACTS.tableName()), record)
                                .as("touchpoint_id"),
                        col(Identifiers.LOOKUP_KEY),
                        col("add_time").as("touch_time"),
                        lit("wecom").as("source_system"),
                        lit("wecom").as("platform"),
                        lit("wecom_add").as("touch_type"),
                        lit(null).cast("string").as("utm_source"),
                        lit(null).cast("string").as("utm_medium"),
                        col("state").as("campaign_id"),
                        col("state").as("code"),
                        lit(false).as("is_invalid"),
                        lit(Table.WECOM_CONTACTS.tableName()).as("source_table"),
                        record.as("source_record"));
    }

    static Dataset<Row> landings(Warehouse w, OneIdLookup lookup, LocalDate upTo) {
        Dataset<Row> o = Identifiers.withLookupKey(
                Silver.latest(w, Table.ECOMMERCE_ORDERS, upTo)
                        .filter(col("utm_source")
                                .isNotNull()
                                .and(col("click_id").isNull())),
                Table.ECOMMERCE_ORDERS,
                lookup);
        Column record = concat_ws("|", col("platform"), col("order_id"));
        return o.select(
                concat_ws("|", lit(Table.ECOMMERCE_ORDERS.tableName()), record).as("touchpoint_id"),
                col(Identifiers.LOOKUP_KEY),
                col("created_at").as("touch_time"),
                lit("ownsite").as("source_system"),
                col("platform"),
                lit("utm_landing").as("touch_type"),
                col("utm_source"),
                col("utm_medium"),
                col("utm_campaign").as("campaign_id"),
                lit(null).cast("string").as("code"),
                lit(false).as("is_invalid"),
                lit(Table.ECOMMERCE_ORDERS.tableName()).as("source_table"),
                record.as("source_record"));
    }
}
