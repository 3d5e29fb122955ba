package io.trueroi.identity;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import io.trueroi.spark.Warehouse;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

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
  public static final List<String> TYPES =
      List.of("openid", "unionid", "phone", "email", "member", "device", "wecom", "click", "buyer");

  private Identifiers() {}

  /** The hash of one identifier value, as stored in {@code identity.identity_map}. */
  public static Column hash(String type, Column value) {
    return sha2(concat(lit(type + ":"), value), 256);
  }

  /** One (type, value) struct, or null when the value is null. */
  static Column id(String type, Column value) {
    return when(value.isNotNull(), struct(lit(type).as("id_type"), hash(type, value).as("id_value_hash")));
  }

  static Column scoped(Column scope, Column value) {
    return when(scope.isNotNull().and(value.isNotNull()), concat(scope, lit(":"), value));
  }

  /** Per silver table: the identifiers of one record and the record's time. */
  static Map<String, Column[]> idsByTable() {
    return Map.of(
        "wechat_events", new Column[] {col("event_time"),
            id("openid", scoped(col("app_id"), col("openid")))},
        "wechat_users", new Column[] {coalesce(col("subscribe_time"), col("dt").cast("timestamp")),
            id("openid", scoped(col("app_id"), col("openid"))), id("unionid", col("unionid"))},
        "wechat_phone_auth", new Column[] {col("auth_time"),
            id("openid", scoped(col("app_id"), col("openid"))), id("unionid", col("unionid")),
            id("phone", col("phone_hash"))},
        "wecom_contacts", new Column[] {coalesce(col("add_time"), col("dt").cast("timestamp")),
            id("wecom", col("external_userid")), id("unionid", col("unionid"))},
        "ecommerce_orders", new Column[] {col("created_at"),
            id("buyer", scoped(col("platform"), col("buyer_id"))), id("phone", col("phone_hash")),
            id("email", col("email_hash")), id("device", col("device_id")), id("member", col("member_id")),
            id("click", col("click_id"))},
        "pos_transactions", new Column[] {col("transaction_time"),
            id("member", col("member_card")), id("phone", col("phone_hash"))},
        "ad_clicks", new Column[] {col("click_time"),
            id("click", col("click_id")), id("device", col("device_id")),
            id("openid", scoped(col("app_id"), col("openid")))});
  }

  /** Natural keys of the tables above, for a record key that names the source row. */
  static final Map<String, List<String>> KEYS = Map.of(
      "wechat_events", List.of("app_id", "openid", "event_time", "event", "event_key"),
      "wechat_users", List.of("app_id", "openid"),
      "wechat_phone_auth", List.of("app_id", "openid", "auth_time"),
      "wecom_contacts", List.of("external_userid", "follow_userid"),
      "ecommerce_orders", List.of("platform", "order_id"),
      "pos_transactions", List.of("store_id", "transaction_id"),
      "ad_clicks", List.of("platform", "click_id"));

  /** A key that names one silver row: table, delivery and natural key. */
  static Column recordKey(String table) {
    List<Column> key = new ArrayList<>();
    key.add(lit(table));
    key.add(col("dt").cast("string"));
    KEYS.get(table).forEach(k -> key.add(coalesce(col(k).cast("string"), lit(""))));
    return concat_ws("|", key.toArray(new Column[0]));
  }

  /**
   * Adds {@code one_id} to rows of a silver table: the OneID of the row's first identifier, in the
   * order {@link #idsByTable} lists them, that the map holds; null when it holds none (no
   * identifier, or only ambiguous ones). A record's mapped identifiers share one OneID by
   * construction (identity links them through the record's hub), so the first is as good as any.
   *
   * <p>Cost: one shuffle of the rows and one of the map, for a join on the first identifier. Rows
   * whose first identifier is not mapped but which carry others (an ambiguous phone on an order
   * with a member id) are looked up again by their other identifiers. Finding them reads the same
   * two shuffles again (Spark reuses an identical exchange) but runs the sort-merge join a second
   * time: on the 16M-event world ~100 of the journeys step's ~1,200 task-seconds. (Resolving every
   * identifier of every row and grouping back per record cost three more shuffles of the rows.)
   */
  public static Dataset<Row> withOneId(Dataset<Row> rows, String table, Dataset<Row> map) {
    Column[] spec = idsByTable().get(table);
    if (spec == null) {
      throw new IllegalArgumentException("no identifiers are defined for silver." + table);
    }
    List<Column> ids = new ArrayList<>(List.of(spec).subList(1, spec.length));
    Dataset<Row> mapped = map.select(col("id_value_hash").as("_hash"), col("one_id").as("_one_id"));
    // Only the first identifier's hash travels with the rows into the join (coalesce hashes no more
    // than that one); the rest are derived again for the few rows that need them.
    Dataset<Row> first = rows
        .withColumn("_first", coalesce(ids.toArray(new Column[0])).getField("id_value_hash"))
        .join(mapped, col("_first").equalTo(col("_hash")), "left_outer");
    Column others = array_compact(array(ids.toArray(new Column[0])));
    Dataset<Row> resolved = first.filter(col("_one_id").isNotNull().or(size(others).leq(1)));
    Dataset<Row> rest = first.filter(col("_one_id").isNull().and(size(others).gt(1)))
        .drop("_hash", "_one_id")
        .select(col("*"), posexplode(others).as(new String[] {"_pos", "_id"}))
        .filter(col("_pos").geq(1))
        .join(mapped, col("_id.id_value_hash").equalTo(col("_hash")), "left_outer")
        .withColumn("_rn", row_number().over(Window.partitionBy(recordKey(table))
            .orderBy(col("_one_id").isNull(), col("_pos"))))
        .filter(col("_rn").equalTo(1));
    Column[] out = Stream.concat(Arrays.stream(rows.columns()).map(c -> col(c)), Stream.of(col("_one_id").as("one_id")))
        .toArray(Column[]::new);
    return resolved.select(out).unionByName(rest.select(out));
  }

  /**
   * One row per silver record delivered on or before {@code upTo} that carries at least one
   * identifier: {@code seen_at} and
   * {@code ids} (array of struct id_type, id_value_hash). Tables not yet written are skipped.
   */
  public static Dataset<Row> records(Warehouse warehouse, LocalDate upTo) {
    Dataset<Row> all = null;
    for (Map.Entry<String, Column[]> e : idsByTable().entrySet()) {
      String table = e.getKey();
      if (!warehouse.exists("silver", table)) {
        continue;
      }
      Column[] spec = e.getValue();
      List<Column> ids = new ArrayList<>(List.of(spec).subList(1, spec.length));
      Dataset<Row> r = warehouse.read("silver", table)
          .filter(col("dt").leq(lit(upTo.toString()).cast("date")))
          .select(
              spec[0].as("seen_at"),
              // array_compact, not filter(x -> ...): lambdas run interpreted, once per element.
              array_compact(array(ids.toArray(new Column[0]))).as("ids"))
          .filter("size(ids) > 0");
      all = all == null ? r : all.unionByName(r);
    }
    if (all == null) {
      throw new IllegalStateException("no silver tables under " + warehouse.root() + ": run ingest first");
    }
    return all;
  }
}
