package io.trueroi.catalog;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every stage of the night, declared once, as dbt's {@code ref()} declares a model's inputs: its
 * name (also the job that runs it alone), the tables it reads, the tables it writes and the
 * settings that decide what it writes. The runner derives from these what a stage requires, what
 * it may roll back, which lock parts it holds and what the command line lists; a stage that reads a
 * table it does not declare fails ({@code io.trueroi.spark.Warehouse#forStage}).
 */
public enum Stage {
    INGEST(
            "ingest",
            "raw exports of the dates -> silver.*, bad lines -> quarantine.rejected_records",
            List.of(Table.INGESTED_FILES),
            concat(Table.of(Layer.SILVER), List.of(Table.REJECTED_RECORDS, Table.INGESTED_FILES)),
            // Ingest writes the PII hashes every stage joins on: its rule is the key, by fingerprint.
            List.of(Stage.HASH_KEY_FINGERPRINT)),
    IDENTITY(
            "identity",
            "silver identifiers -> identity.identity_map (OneIDs), ambiguous_identifiers, record_identifiers, "
                    + "one_id_history",
            List.of(
                    Table.WECHAT_EVENTS,
                    Table.WECHAT_USERS,
                    Table.WECHAT_PHONE_AUTH,
                    Table.WECOM_CONTACTS,
                    Table.ECOMMERCE_ORDERS,
                    Table.POS_TRANSACTIONS,
                    Table.AD_CLICKS,
                    Table.IDENTITY_MAP,
                    Table.AMBIGUOUS_IDENTIFIERS,
                    Table.RECORD_IDENTIFIERS,
                    Table.ONE_ID_HISTORY),
            List.of(Table.IDENTITY_MAP, Table.AMBIGUOUS_IDENTIFIERS, Table.RECORD_IDENTIFIERS, Table.ONE_ID_HISTORY),
            List.of("trueroi.identity.max-links", "trueroi.identity.event-level-types")),
    JOURNEYS(
            "journeys",
            "silver + OneIDs -> journey.touchpoints, conversions, journeys",
            List.of(
                    Table.WECHAT_EVENTS,
                    Table.WECOM_CONTACTS,
                    Table.ECOMMERCE_ORDERS,
                    Table.ECOMMERCE_REFUNDS,
                    Table.POS_TRANSACTIONS,
                    Table.AD_CLICKS,
                    Table.IDENTITY_MAP,
                    Table.AMBIGUOUS_IDENTIFIERS),
            List.of(Table.TOUCHPOINTS, Table.CONVERSIONS, Table.JOURNEYS),
            List.of(
                    "trueroi.channels",
                    "trueroi.journeys",
                    "trueroi.business-time-zone",
                    "trueroi.reporting-currency",
                    "trueroi.ingest.currencies")),
    ATTRIBUTION(
            "attribution",
            "journeys, touchpoints, conversions and OneIDs -> attribution.credits (every model), "
                    + "markov_daily_counts, markov_removal_effects, markov_transitions, credit_replicates",
            List.of(
                    Table.JOURNEYS,
                    Table.TOUCHPOINTS,
                    Table.CONVERSIONS,
                    Table.IDENTITY_MAP,
                    Table.CREDITS,
                    Table.MARKOV_DAILY_COUNTS),
            List.of(
                    Table.CREDITS,
                    Table.MARKOV_DAILY_COUNTS,
                    Table.MARKOV_REMOVAL_EFFECTS,
                    Table.MARKOV_TRANSITIONS,
                    Table.CREDIT_REPLICATES),
            List.of("trueroi.attribution", "trueroi.experiments", "trueroi.business-time-zone")),
    MARTS(
            "marts",
            "journeys, credits and ad spend -> the mart.* tables",
            List.of(
                    Table.TOUCHPOINTS,
                    Table.CONVERSIONS,
                    Table.JOURNEYS,
                    Table.CREDITS,
                    Table.CREDIT_REPLICATES,
                    Table.AD_SPEND,
                    Table.CUSTOMER_LTV,
                    Table.CUSTOMER_CLV),
            Table.of(Layer.MART),
            List.of("trueroi.marts", "trueroi.business-time-zone"));

    /**
     * Not a configuration key: the fingerprint of the PII hash key, recorded so that a night
     * hashing with another key is refused instead of splitting every identity silently.
     */
    public static final String HASH_KEY_FINGERPRINT = "trueroi.security.hash-key-fingerprint";

    private final String id;
    private final String summary;
    private final List<Table> reads;
    private final List<Table> writes;
    private final List<String> settings;

    Stage(String id, String summary, List<Table> reads, List<Table> writes, List<String> settings) {
        this.id = id;
        this.summary = summary;
        this.reads = List.copyOf(reads);
        this.writes = List.copyOf(writes);
        this.settings = List.copyOf(settings);
    }

    /** The stage's name, which is also the job that runs it alone: {@code identity}, ... */
    public String id() {
        return id;
    }

    /** One line: what it reads, and what it writes. */
    public String summary() {
        return summary;
    }

    /** The tables the stage reads: the other stages' outputs it needs and its own earlier state. */
    public List<Table> reads() {
        return reads;
    }

    /** The tables the stage writes, and no other stage does. */
    public List<Table> writes() {
        return writes;
    }

    /** The tables it reads that another stage writes: each must exist before the stage runs. */
    public List<Table> inputs() {
        return reads.stream().filter(t -> !writes.contains(t)).toList();
    }

    /** Every table the stage may read: what it declares it reads and what it writes. */
    public Set<Table> readable() {
        Set<Table> all = new LinkedHashSet<>(reads);
        all.addAll(writes);
        return all;
    }

    /** The config paths whose values decide what the stage writes (its rule fingerprint). */
    public List<String> settings() {
        return settings;
    }

    /**
     * The parts of the warehouse a run of this stage holds ({@code ops.run_locks}): the stage, or for
     * ingest one part per source group read, so groups ingest in parallel.
     */
    public Set<String> lockParts(Set<String> sourceGroups) {
        Set<String> parts = new TreeSet<>();
        if (this == INGEST) {
            sourceGroups.forEach(g -> parts.add(id + ":" + g));
        } else {
            parts.add(id);
        }
        return parts;
    }

    /** Every lock part of these stages ({@link #lockParts(Set)}). */
    public static Set<String> lockParts(List<Stage> stages, Set<String> sourceGroups) {
        Set<String> parts = new TreeSet<>();
        stages.forEach(s -> parts.addAll(s.lockParts(sourceGroups)));
        return parts;
    }

    /** The stage that writes {@code table}, if a stage does (ops tables are written by the runner). */
    public static Optional<Stage> writerOf(Table table) {
        return Arrays.stream(values()).filter(s -> s.writes.contains(table)).findFirst();
    }

    /** The stage of this name; throws naming the stages otherwise. */
    public static Stage named(String id) {
        return Arrays.stream(values())
                .filter(s -> s.id.equals(id))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no stage " + id + "; expected one of "
                        + Arrays.stream(values()).map(Stage::id).toList()));
    }

    /**
     * The README's stage table: each stage's reads (its own earlier state included) and writes, as
     * declared here.
     */
    public static String markdown() {
        StringBuilder b = new StringBuilder("| stage | reads | writes |\n| --- | --- | --- |\n");
        for (Stage s : values()) {
            String reads = names(s.reads);
            b.append("| `")
                    .append(s.id)
                    .append("` | ")
                    .append(s == INGEST ? "raw exports, " + reads : reads)
                    .append(" | ")
                    .append(names(s.writes))
                    .append(" |\n");
        }
        return b.toString();
    }

    private static String names(List<Table> tables) {
        return String.join(
                ", ", tables.stream().map(t -> "`" + t.qualifiedName() + "`").toList());
    }

    @Override
    public String toString() {
        return id;
    }

    private static List<Table> concat(List<Table> a, List<Table> b) {
        List<Table> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
