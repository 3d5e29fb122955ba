package io.trueroi.catalog;

import java.util.Arrays;
import java.util.List;

/**
 * Every table the job owns: its layer, its name, the job that writes it, and what a row is. The
 * one place a table is named: stages, readers, the evaluation and the warehouse all refer to a
 * table by its constant here.
 */
public enum Table {
    WECHAT_EVENTS(
            Layer.SILVER,
            "wechat_events",
            List.of("app_id", "openid", "event_time", "event", "event_key"),
            "one Official Account event push per row"),
    WECHAT_USERS(
            Layer.SILVER, "wechat_users", List.of("app_id", "openid"), "one WeChat user-info export row per follower"),
    WECHAT_PHONE_AUTH(
            Layer.SILVER,
            "wechat_phone_auth",
            List.of("app_id", "openid", "auth_time"),
            "one Mini Program phone authorisation"),
    WECOM_CONTACTS(
            Layer.SILVER,
            "wecom_contacts",
            List.of("external_userid", "follow_userid"),
            "one WeCom external contact per staff member following it"),
    ECOMMERCE_ORDERS(
            Layer.SILVER,
            "ecommerce_orders",
            List.of("platform", "order_id"),
            "one online order (Tmall, JD, own site)"),
    ECOMMERCE_REFUNDS(
            Layer.SILVER, "ecommerce_refunds", List.of("platform", "refund_id"), "one refund of an online order"),
    POS_TRANSACTIONS(
            Layer.SILVER, "pos_transactions", List.of("store_id", "transaction_id"), "one till sale or return"),
    AD_SPEND(
            Layer.SILVER,
            "ad_spend",
            List.of("platform", "report_date", "account_id", "campaign_id", "adgroup_id"),
            "one ad platform's daily spend per campaign and ad group"),
    AD_CLICKS(Layer.SILVER, "ad_clicks", List.of("platform", "click_id"), "one ad click"),
    REJECTED_RECORDS(Layer.QUARANTINE, "rejected_records", "ingest", "one raw line that failed a check, and why"),
    IDENTITY_MAP(Layer.IDENTITY, "identity_map", "identity", "one identifier hash and its OneID"),
    AMBIGUOUS_IDENTIFIERS(
            Layer.IDENTITY,
            "ambiguous_identifiers",
            "identity",
            "one identifier the over-merge guard stopped from linking"),
    ONE_ID_HISTORY(Layer.IDENTITY, "one_id_history", "identity", "one OneID retired into another by a merge"),
    TOUCHPOINTS(Layer.JOURNEY, "touchpoints", "journeys", "one touch, with its OneID and channel"),
    CONVERSIONS(Layer.JOURNEY, "conversions", "journeys", "one purchase or till sale, net of refunds and returns"),
    JOURNEYS(Layer.JOURNEY, "journeys", "journeys", "one journey, its touches in order: what attribution reads"),
    CREDITS(Layer.ATTRIBUTION, "credits", "attribution", "one model's credit for one touch of a converting journey"),
    MARKOV_DAILY_COUNTS(
            Layer.ATTRIBUTION,
            "markov_daily_counts",
            "attribution",
            "one Markov transition's journeys, conversions and value per journey day and segment value"),
    MARKOV_REMOVAL_EFFECTS(
            Layer.ATTRIBUTION,
            "markov_removal_effects",
            "attribution",
            "one channel's removal effect per Markov fit date and segment"),
    MARKOV_TRANSITIONS(
            Layer.ATTRIBUTION,
            "markov_transitions",
            "attribution",
            "one transition probability per Markov fit date and segment"),
    CHANNEL_ROI_DAILY(
            Layer.MART, "channel_roi_daily", "marts", "spend and credited revenue per day, model and channel"),
    MODEL_COMPARISON(Layer.MART, "model_comparison", "marts", "each model's share of conversions per channel"),
    CUSTOMER_LTV(Layer.MART, "customer_ltv", "marts", "one customer's realised value at 30, 90 and 365 days"),
    COHORT_LTV(Layer.MART, "cohort_ltv", "marts", "one first-purchase month's cumulative value"),
    CHANNEL_LTV_CAC(Layer.MART, "channel_ltv_cac", "marts", "acquired customers' value against spend per channel"),
    PATH_SUMMARY(Layer.MART, "path_summary", "marts", "the most common converting paths"),
    JOB_RUNS(Layer.OPS, "job_runs", "every job", "one job run (or one stage of a nightly run)"),
    INGESTED_FILES(
            Layer.OPS,
            "ingested_files",
            "ingest",
            "one raw file read: its delivery date, size, time and checksum, and the run that read it"),
    RUN_LOCKS(Layer.OPS, "run_locks", "every job", "a part of the warehouse a running job holds, while it runs"),
    RULE_FINGERPRINTS(
            Layer.OPS,
            "rule_fingerprints",
            "every stage above ingest",
            "the settings one stage built the warehouse with, and their SHA-256");

    private final Layer layer;
    private final String tableName;
    private final String writtenBy;
    private final List<String> naturalKey;
    private final String description;

    /** A silver table: written by ingest, one row per source record and delivery. */
    Table(Layer layer, String tableName, List<String> naturalKey, String description) {
        this(layer, tableName, "ingest", naturalKey, description);
    }

    Table(Layer layer, String tableName, String writtenBy, String description) {
        this(layer, tableName, writtenBy, List.of(), description);
    }

    Table(Layer layer, String tableName, String writtenBy, List<String> naturalKey, String description) {
        this.layer = layer;
        this.tableName = tableName;
        this.writtenBy = writtenBy;
        this.naturalKey = naturalKey;
        this.description = description;
    }

    public Layer layer() {
        return layer;
    }

    /** The table's name within its layer, e.g. {@code journeys}. */
    public String tableName() {
        return tableName;
    }

    /** {@code layer.table}, as SQL names it. */
    public String qualifiedName() {
        return layer.id() + "." + tableName;
    }

    /** The job that writes the table. */
    public String writtenBy() {
        return writtenBy;
    }

    /**
     * The columns that identify one source record within a delivery ({@code dt}), for a silver
     * table; empty for the others.
     */
    public List<String> naturalKey() {
        return naturalKey;
    }

    /** What one row is. */
    public String description() {
        return description;
    }

    /** The tables of one layer, in catalogue order. */
    public static List<Table> of(Layer layer) {
        return Arrays.stream(values()).filter(t -> t.layer == layer).toList();
    }

    /** The table SQL names {@code layer.table}; throws otherwise. */
    public static Table named(String qualifiedName) {
        return Arrays.stream(values())
                .filter(t -> t.qualifiedName().equals(qualifiedName))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no table " + qualifiedName + " in the catalogue"));
    }

    /** The silver table of this name; throws naming the silver tables otherwise. */
    public static Table silver(String name) {
        return of(Layer.SILVER).stream()
                .filter(t -> t.tableName.equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no silver table " + name + "; expected one of "
                        + of(Layer.SILVER).stream().map(Table::tableName).toList()));
    }

    @Override
    public String toString() {
        return qualifiedName();
    }
}
