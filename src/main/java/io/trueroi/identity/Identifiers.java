package io.trueroi.identity;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.md5;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.unhex;
import static org.apache.spark.sql.functions.when;

import io.trueroi.catalog.IdType;
import io.trueroi.catalog.Table;
import io.trueroi.spark.Warehouse;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Which identifiers each silver record carries. The single place that knows it: the identity job
 * builds its graph from here, and the journeys job resolves records to OneIDs through the same
 * expressions, so the two can never disagree.
 *
 * <p>Types: {@code openid} (scoped by app: "app:openid", since an openid means nothing outside
 * its app), {@code unionid}, {@code phone} and {@code email} (the ingest HMACs), {@code member}
 * (member card / member id), {@code device} (OAID/IDFA), {@code wecom} (external_userid),
 * {@code click} (ad click id) and {@code buyer} (platform buyer id, "platform:id").
 * {@code id_value_hash} is {@code sha2("<type>:<value>", 256)}, for every type alike.
 */
public final class Identifiers {
    /** Between a record key's values: ingest quarantines a line with a control character, so none holds it. */
    private static final String KEY_SEPARATOR = String.valueOf((char) 1);

    private Identifiers() {}

    /** The hash of one identifier value, as stored in {@code identity.identity_map}. */
    public static Column hash(IdType type, Column value) {
        return sha2(concat(lit(type.id() + ":"), value), 256);
    }

    /** One (type, value) struct, or null when the value is null. */
    static Column id(IdType type, Column value) {
        return when(
                value.isNotNull(),
                struct(lit(type.id()).as("id_type"), hash(type, value).as("id_value_hash")));
    }

    static Column scoped(Column scope, Column value) {
        return when(scope.isNotNull().and(value.isNotNull()), concat(scope, lit(":"), value));
    }

    /** Per silver table: the identifiers of one record and the record's time. */
    static Map<Table, Column[]> idsByTable() {
        return Map.of(
                Table.WECHAT_EVENTS,
                        new Column[] {col("event_time"), id(IdType.OPENID, scoped(col("app_id"), col("openid")))},
                Table.WECHAT_USERS,
                        new Column[] {
                            coalesce(col("subscribe_time"), col("dt").cast("timestamp")),
                            id(IdType.OPENID, scoped(col("app_id"), col("openid"))),
                            id(IdType.UNIONID, col("unionid"))
                        },
                Table.WECHAT_PHONE_AUTH,
                        new Column[] {
                            col("auth_time"),
                            id(IdType.OPENID, scoped(col("app_id"), col("openid"))),
                            id(IdType.UNIONID, col("unionid")),
                            id(IdType.PHONE, col("phone_hash"))
                        },
                Table.WECOM_CONTACTS,
                        new Column[] {
                            coalesce(col("add_time"), col("dt").cast("timestamp")),
                            id(IdType.WECOM, col("external_userid")),
                            id(IdType.UNIONID, col("unionid"))
                        },
                Table.ECOMMERCE_ORDERS,
                        new Column[] {
                            col("created_at"),
                            id(IdType.BUYER, scoped(col("platform"), col("buyer_id"))),
                            id(IdType.PHONE, col("phone_hash")),
                            id(IdType.EMAIL, col("email_hash")),
                            id(IdType.DEVICE, col("device_id")),
                            id(IdType.MEMBER, col("member_id")),
                            id(IdType.CLICK, col("click_id"))
                        },
                Table.POS_TRANSACTIONS,
                        new Column[] {
                            col("transaction_time"),
                            id(IdType.MEMBER, col("member_card")),
                            id(IdType.PHONE, col("phone_hash"))
                        },
                Table.AD_CLICKS,
                        new Column[] {
                            col("click_time"),
                            id(IdType.CLICK, col("click_id")),
                            id(IdType.DEVICE, col("device_id")),
                            id(IdType.OPENID, scoped(col("app_id"), col("openid")))
                        });
    }

    /**
     * The column {@link #withLookupKey} adds and {@link #resolve} replaces with {@code one_id}: the
     * hash of the row's first identifier not in {@link OneIdLookup#skipped}.
     */
    public static final String LOOKUP_KEY = "_lookup_key";

    /**
     * Adds {@link #LOOKUP_KEY} to rows of a silver table: the hash of the row's first identifier, in
     * the order {@link #idsByTable} lists them, that is not in {@link OneIdLookup#skipped}; with the
     * lookup of the identity run that covered these rows, that is the first one the map holds, and
     * {@link #resolve} turns it into the row's OneID. A record's mapped identifiers share one OneID by
     * construction (identity links them through the record's hub), so the first is as good as any.
     * (An identifier delivered after that run is in neither, so it resolves nothing.)
     *
     * <p>The key is only a column, so rows of several tables, keyed each by its own identifiers, can
     * be projected to one shape and resolved together: one join with the map for all of them.
     *
     * <p>Cost: no shuffle. One broadcast join with the skipped identifiers per identifier after the
     * first; only rows whose current candidate is skipped hash their other identifiers.
     */
    public static Dataset<Row> withLookupKey(Dataset<Row> rows, Table table, OneIdLookup lookup) {
        Column[] spec = idsByTable().get(table);
        if (spec == null) {
            throw new IllegalArgumentException("no identifiers are defined for " + table);
        }
        Column[] ids = Arrays.copyOfRange(spec, 1, spec.length);
        // coalesce stops at the first present identifier, so only that one is hashed for most rows.
        Dataset<Row> keyed = rows.withColumn(LOOKUP_KEY, coalesce(ids).getField("id_value_hash"));
        for (int n = 1; n < ids.length; n++) {
            // In round n the key is the row's n-th present identifier; if it is skipped, the next replaces it.
            keyed = keyed.join(
                            broadcast(
                                    lookup.skipped().select(col("id_value_hash").as("_skip"))),
                            col(LOOKUP_KEY).equalTo(col("_skip")),
                            "left_outer")
                    .withColumn(
                            LOOKUP_KEY,
                            when(col("_skip").isNotNull(), nthPresent(ids, n).getField("id_value_hash"))
                                    .otherwise(col(LOOKUP_KEY)))
                    .drop("_skip");
        }
        return keyed;
    }

    /**
     * The {@code n}-th (from 0) of {@code ids} that is not null, or null: the one with exactly n
     * present before it. Written out rather than as {@code array_compact(array(ids))[n]}, since
     * {@code array_compact} is a lambda, which Spark evaluates without generated code: it took every
     * row's whole projection with it, once per round, though it is only read for the few rows whose
     * key is skipped.
     */
    static Column nthPresent(Column[] ids, int n) {
        Column[] nth = new Column[ids.length];
        Column before = lit(0);
        for (int i = 0; i < ids.length; i++) {
            nth[i] = when(before.equalTo(n), ids[i]);
            before = before.plus(when(ids[i].isNotNull(), 1).otherwise(0));
        }
        return coalesce(nth);
    }

    /**
     * Replaces {@link #LOOKUP_KEY} with {@code one_id} (last column): the OneID the map gives the
     * key; null when the map does not hold it (no identifier, or only ambiguous ones). Every row is
     * kept once (the map holds each identifier once).
     *
     * <p>Cost: one shuffle of the rows and one of the map, for a single join (sort-merge, or hash
     * when adaptive execution finds the map's shuffled partitions small enough). The map is the
     * larger side (every identifier ever seen), so callers key all their tables first and call this
     * once: each join reads the whole shuffled map again and sorts or hashes it.
     */
    public static Dataset<Row> resolve(Dataset<Row> keyed, OneIdLookup lookup) {
        Dataset<Row> mapped = lookup.map().select(col("id_value_hash").as("_hash"), col("one_id"));
        Stream<Column> kept = Arrays.stream(keyed.columns())
                .filter(c -> !c.equals(LOOKUP_KEY))
                .map(c -> col(c));
        return keyed.join(mapped, col(LOOKUP_KEY).equalTo(col("_hash")), "left_outer")
                .select(Stream.concat(kept, Stream.of(col("one_id"))).toArray(Column[]::new));
    }

    /**
     * One row per silver record delivered on or before {@code upTo}: {@code seen_at} and {@code ids},
     * an array with one element per identifier its table can carry ({@link #idsByTable}): a struct
     * of id_type and id_value_hash, or null where the record lacks that identifier. Records with no
     * identifier at all are kept; callers drop the null elements after exploding the array. Tables
     * not yet written are skipped.
     *
     * <p>Why nulls are left in: removing them here ({@code array_compact}, or a filter on the size
     * of the compacted array) puts a lambda function in the projection. Spark evaluates a lambda
     * without generated code, and so the whole projection, hashes included, ran interpreted; the
     * filter on its size also hashed every identifier a second time.
     */
    public static Dataset<Row> records(Warehouse warehouse, LocalDate upTo) {
        return records(warehouse, upTo, null);
    }

    /**
     * {@link #records(Warehouse, LocalDate)} of the deliveries {@code only} names (dates by silver
     * table; null for every delivery), each with its {@code source} table, {@code dt} and
     * {@code record}: the MD5 of the table's name and the record's key ({@link Table#key()}), 16
     * bytes that name the record across runs.
     */
    public static Dataset<Row> records(Warehouse warehouse, LocalDate upTo, Map<Table, Set<LocalDate>> only) {
        Dataset<Row> all = null;
        for (Map.Entry<Table, Column[]> e : idsByTable().entrySet()) {
            Table table = e.getKey();
            if (!warehouse.exists(table)
                    || only != null && only.getOrDefault(table, Set.of()).isEmpty()) {
                continue;
            }
            Column[] spec = e.getValue();
            Column dates = only == null
                    ? col("dt").leq(lit(upTo.toString()).cast("date"))
                    : col("dt")
                            .isin(only.get(table).stream()
                                    .filter(d -> !d.isAfter(upTo))
                                    .map(d -> java.sql.Date.valueOf(d))
                                    .toArray());
            Column[] key = java.util.stream.Stream.concat(
                            Stream.of(lit(table.tableName())),
                            table.key().stream().map(k -> col(k).cast("string")))
                    .toArray(Column[]::new);
            Dataset<Row> r = warehouse
                    .read(table)
                    .filter(dates)
                    .select(
                            lit(table.tableName()).as("source"),
                            col("dt"),
                            unhex(md5(concat_ws(KEY_SEPARATOR, key))).as("record"),
                            spec[0].as("seen_at"),
                            array(Arrays.copyOfRange(spec, 1, spec.length)).as("ids"));
            all = all == null ? r : all.unionByName(r);
        }
        if (all == null && only == null) {
            throw new IllegalStateException("no silver tables under " + warehouse.root() + ": run ingest first");
        }
        return all;
    }
}
