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
            "one Official Account event push per row",
            keys("dt", "app_id", "openid", "event_time")),
    WECHAT_USERS(
            Layer.SILVER,
            "wechat_users",
            List.of("app_id", "openid"),
            "one WeChat user-info export row per follower",
            keys("dt", "app_id", "openid")),
    WECHAT_PHONE_AUTH(
            Layer.SILVER,
            "wechat_phone_auth",
            List.of("app_id", "openid", "auth_time"),
            "one Mini Program phone authorisation",
            keys("dt", "app_id", "openid", "auth_time")),
    WECOM_CONTACTS(
            Layer.SILVER,
            "wecom_contacts",
            List.of("external_userid", "follow_userid"),
            "one WeCom external contact per staff member following it",
            keys("dt", "external_userid")),
    ECOMMERCE_ORDERS(
            Layer.SILVER,
            "ecommerce_orders",
            List.of("platform", "order_id"),
            "one online order (Tmall, JD, own site)",
            keys("dt", "platform", "order_id", "created_at")),
    ECOMMERCE_REFUNDS(
            Layer.SILVER,
            "ecommerce_refunds",
            List.of("platform", "refund_id"),
            "one refund of an online order",
            keys("dt", "platform", "refund_id", "order_id", "refund_amount")),
    POS_TRANSACTIONS(
            Layer.SILVER,
            "pos_transactions",
            List.of("store_id", "transaction_id"),
            "one till sale or return",
            keys("dt", "store_id", "transaction_id", "transaction_time", "amount")),
    AD_SPEND(
            Layer.SILVER,
            "ad_spend",
            List.of("platform", "report_date", "account_id", "campaign_id", "adgroup_id"),
            "one ad platform's daily spend per campaign and ad group",
            keys("dt", "platform", "report_date", "campaign_id", "cost")),
    AD_CLICKS(
            Layer.SILVER,
            "ad_clicks",
            List.of("platform", "click_id"),
            "one ad click",
            keys("dt", "platform", "click_id", "click_time")),
    REJECTED_RECORDS(
            Layer.QUARANTINE,
            "rejected_records",
            "one raw line that failed a check, and why",
            keys(),
            keys("source", "dt", "source_file", "reason_code")),
    IDENTITY_MAP(
            Layer.IDENTITY,
            "identity_map",
            "one identifier hash and its OneID",
            keys("id_value_hash"),
            keys("id_type", "one_id", "first_seen", "last_seen")),
    AMBIGUOUS_IDENTIFIERS(
            Layer.IDENTITY,
            "ambiguous_identifiers",
            "one identifier the over-merge guard stopped from linking",
            keys("id_type", "id_value_hash"),
            keys("id_type", "id_value_hash")),
    RECORD_IDENTIFIERS(
            Layer.IDENTITY,
            "record_identifiers",
            "one identifier of one silver record, and the record's person: what a night resolves again",
            keys("record", "id_type"),
            keys("source", "dt", "record", "seen_at", "id_type", "id_hash")),
    ONE_ID_HISTORY(
            Layer.IDENTITY,
            "one_id_history",
            "one OneID retired into another by a merge",
            keys("from_one_id", "to_one_id", "reason"),
            keys("from_one_id", "to_one_id", "reason")),
    TOUCHPOINTS(
            Layer.JOURNEY,
            "touchpoints",
            "one touch, with its OneID and channel",
            keys("touchpoint_id"),
            keys("touchpoint_id", "touch_time", "touch_date", "channel", "source_table")),
    CONVERSIONS(
            Layer.JOURNEY,
            "conversions",
            "one purchase or till sale, net of refunds and returns",
            keys("conversion_id"),
            keys("conversion_id", "conversion_time", "conversion_date", "gross_revenue", "refunds", "net_revenue")),
    JOURNEYS(
            Layer.JOURNEY,
            "journeys",
            "one journey, its touches in order: what attribution reads",
            keys("journey_id"),
            keys("journey_id", "converted", "net_revenue", "path_length")),
    CREDITS(
            Layer.ATTRIBUTION,
            "credits",
            "one model's credit for one touch of a converting journey",
            keys("model", "journey_id", "touch_index"),
            keys("model", "journey_id", "conversion_id", "channel", "conversion_credit", "revenue_credit")),
    MARKOV_DAILY_COUNTS(
            Layer.ATTRIBUTION,
            "markov_daily_counts",
            "one Markov transition's journeys, conversions and value per journey day and segment value",
            keys("day", "segment", "from", "to"),
            keys("day", "from", "journeys")),
    MARKOV_REMOVAL_EFFECTS(
            Layer.ATTRIBUTION,
            "markov_removal_effects",
            "one channel's removal effect per Markov fit date and segment",
            keys("as_of_date", "segment", "channel"),
            keys("as_of_date", "segment", "channel")),
    MARKOV_TRANSITIONS(
            Layer.ATTRIBUTION,
            "markov_transitions",
            "one transition probability per Markov fit date and segment",
            keys("as_of_date", "segment", "from_state", "to_state"),
            keys("as_of_date", "segment", "from_state", "to_state", "probability")),
    CREDIT_REPLICATES(
            Layer.ATTRIBUTION,
            "credit_replicates",
            "one bootstrap replicate's credited totals per model, conversion month, channel and campaign",
            keys("model", "period_start", "channel", "campaign_id", "replicate"),
            keys("model", "period_start", "channel", "replicate", "conversions", "net_revenue")),
    CHANNEL_ROI_DAILY(
            Layer.MART,
            "channel_roi_daily",
            "spend and credited revenue per day, model and channel",
            keys("date", "model", "channel", "campaign_id"),
            keys("date", "model", "channel", "spend", "conversions", "net_revenue")),
    MODEL_COMPARISON(
            Layer.MART,
            "model_comparison",
            "each model's share of conversions per channel",
            keys("as_of_date", "model", "channel"),
            keys("as_of_date", "model", "channel", "conversion_share")),
    CLAIMED_VS_REAL(
            Layer.MART,
            "claimed_vs_real",
            "what each ad platform claims per day and campaign, against each model's credits and the caused value",
            keys("date", "model", "channel", "campaign_id"),
            keys("date", "model", "channel", "spend", "credited_conversions", "credited_net_revenue")),
    CLAIMS_RECONCILIATION(
            Layer.MART,
            "claims_reconciliation",
            "per day, the orders and net revenue booked by shop against the sum of all platforms' claims",
            keys("date"),
            keys("date", "orders", "net_revenue", "spend")),
    CUSTOMER_LTV(
            Layer.MART,
            "customer_ltv",
            "one customer's realised value at 30, 90 and 365 days",
            keys("as_of_date", "one_id"),
            keys("as_of_date", "one_id", "acquisition_date", "acquisition_channel", "net_revenue")),
    COHORT_LTV(
            Layer.MART,
            "cohort_ltv",
            "one first-purchase month's cumulative value",
            keys("as_of_date", "acquisition_month", "acquisition_channel", "months_since_acquisition"),
            keys("as_of_date", "acquisition_month", "acquisition_channel", "months_since_acquisition", "cohort_size")),
    CHANNEL_LTV_CAC(
            Layer.MART,
            "channel_ltv_cac",
            "acquired customers' value against spend per channel",
            keys("as_of_date", "channel"),
            keys("as_of_date", "channel", "customers_acquired", "spend")),
    CUSTOMER_CLV(
            Layer.MART,
            "customer_clv",
            "one customer's predicted value (BG/NBD and Gamma-Gamma) beside their realised value",
            keys("as_of_date", "one_id"),
            keys("as_of_date", "one_id", "frequency", "p_alive", "predicted_clv_365", "realised_value")),
    CLV_MODEL(
            Layer.MART,
            "clv_model",
            "one fitted parameter of a lifetime-value model on one run date",
            keys("as_of_date", "model", "parameter"),
            keys("as_of_date", "model", "parameter", "value", "log_likelihood", "customers")),
    CHANNEL_PREDICTED_CLV(
            Layer.MART,
            "channel_predicted_clv",
            "customers acquired and their predicted value per attribution model and channel",
            keys("as_of_date", "model", "channel"),
            keys("as_of_date", "model", "channel", "customers_acquired", "predicted_clv_365", "spend")),
    CHANNEL_INCREMENTALITY(
            Layer.MART,
            "channel_incrementality",
            "what each channel caused per month and campaign, against its spend (incremental model)",
            keys("as_of_date", "period_start", "channel", "campaign_id"),
            keys("as_of_date", "period_start", "period_end", "channel", "spend", "incremental_conversions")),
    PATH_SUMMARY(
            Layer.MART,
            "path_summary",
            "the most common converting paths",
            keys("as_of_date", "rank"),
            keys("as_of_date", "rank", "path", "journeys")),
    JOB_RUNS(Layer.OPS, "job_runs", "every job", "one job run (or one stage of a nightly run)"),
    INGESTED_FILES(
            Layer.OPS,
            "ingested_files",
            "one raw file read: its delivery date, size, time and checksum, and the run that read it"),
    RUN_LOCKS(Layer.OPS, "run_locks", "every job", "a part of the warehouse a running job holds, while it runs"),
    QUALITY_CHECKS(
            Layer.OPS,
            "quality_checks",
            "every job",
            "one check of one table a stage wrote: what failed, a sample of the failing keys, passed or not"),
    RULE_FINGERPRINTS(
            Layer.OPS,
            "rule_fingerprints",
            "every stage above ingest",
            "the settings one stage built the warehouse with, and their SHA-256");

    private final Layer layer;
    private final String tableName;
    private final String writtenBy;
    private final List<String> naturalKey;
    private final List<String> key;
    private final List<String> required;
    private final String description;

    /** A silver table: written by ingest, one row per source record and delivery. */
    Table(Layer layer, String tableName, List<String> naturalKey, String description, List<String> required) {
        this(layer, tableName, null, naturalKey, concat(naturalKey, List.of("dt")), required, description);
    }

    /** A table a stage writes ({@link Stage#writes()}), with its key and required columns. */
    Table(Layer layer, String tableName, String description, List<String> key, List<String> required) {
        this(layer, tableName, null, List.of(), key, required, description);
    }

    /** A stage's table with no key. */
    Table(Layer layer, String tableName, String description) {
        this(layer, tableName, null, List.of(), List.of(), List.of(), description);
    }

    /** A table of the runner's, which no stage declares: {@code writtenBy} says who writes it. */
    Table(Layer layer, String tableName, String writtenBy, String description) {
        this(layer, tableName, writtenBy, List.of(), List.of(), List.of(), description);
    }

    private Table(
            Layer layer,
            String tableName,
            String writtenBy,
            List<String> naturalKey,
            List<String> key,
            List<String> required,
            String description) {
        this.layer = layer;
        this.tableName = tableName;
        this.writtenBy = writtenBy;
        this.naturalKey = naturalKey;
        this.key = key;
        this.required = required;
        this.description = description;
    }

    private static List<String> keys(String... columns) {
        return List.of(columns);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
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

    /** The stage that writes the table ({@link Stage#writes()}), or who else does for the runner's tables. */
    public String writtenBy() {
        return Stage.writerOf(this).map(Stage::id).orElse(writtenBy);
    }

    /**
     * The columns that identify one source record within a delivery ({@code dt}), for a silver
     * table; empty for the others.
     */
    public List<String> naturalKey() {
        return naturalKey;
    }

    /**
     * The columns no two rows share (README, per table): a silver table's natural key and its
     * delivery date; empty for a table with no key (quarantine, ops).
     */
    public List<String> key() {
        return key;
    }

    /**
     * The columns that are never null in a correct table: for a silver table, those its reader
     * quarantines a line without (and dt).
     */
    public List<String> required() {
        return required;
    }

    /** A Delta CHECK constraint: its name, its SQL condition, and the columns the condition reads. */
    public record Constraint(String name, String condition, List<String> columns) {}

    /**
     * The Delta CHECK constraints of the table: {@code <column>_not_null} for each key column that
     * is required, and the rules a wrong value must never break (a credit is a share, a
     * conversion's net revenue is its gross less refunds). Every write checks them; one that breaks
     * one fails, naming it.
     */
    public List<Constraint> constraints() {
        List<Constraint> c = new java.util.ArrayList<>();
        for (String column : key) {
            if (required.contains(column)) {
                c.add(new Constraint(column + "_not_null", "`" + column + "` IS NOT NULL", List.of(column)));
            }
        }
        switch (this) {
            case CONVERSIONS -> c.add(new Constraint(
                    "net_revenue_is_gross_less_refunds",
                    "net_revenue = gross_revenue - refunds",
                    List.of("net_revenue", "gross_revenue", "refunds")));
            case CREDITS -> c.add(new Constraint(
                    "conversion_credit_between_0_and_1",
                    "conversion_credit BETWEEN 0 AND 1",
                    List.of("conversion_credit")));
            case MARKOV_TRANSITIONS -> c.add(new Constraint(
                    "probability_between_0_and_1", "probability BETWEEN 0 AND 1", List.of("probability")));
            case IDENTITY_MAP -> c.add(new Constraint(
                    "first_seen_not_after_last_seen", "first_seen <= last_seen", List.of("first_seen", "last_seen")));
            default -> {}
        }
        return c;
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
