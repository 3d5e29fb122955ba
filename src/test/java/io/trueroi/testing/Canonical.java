package io.trueroi.testing;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;

import io.trueroi.catalog.Layer;
import io.trueroi.catalog.Table;
import io.trueroi.spark.Warehouse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Two warehouses' tables made comparable: what a backfill and a run of nights must agree on
 * (README, "Running jobs"). Run ids and change times are left out ({@code mart.clv_model}: the
 * fits of earlier nights), and each OneID is replaced by its
 * person's smallest identifier hash, since labels depend on history and the partition of
 * identifiers into persons must not. Used by {@code IncrementalNightsTest} and by
 * {@code jobs/bench --incremental}.
 */
public final class Canonical {
    private Canonical() {}

    /**
     * The tables to compare, those {@code reference} has: every table but {@code ops.*} (runs, not
     * data) and {@code identity.one_id_history} (the merges and splits of nights, which a backfill
     * does not go through).
     */
    public static List<Table> comparable(Warehouse reference) {
        List<Table> out = new ArrayList<>();
        for (Table t : Table.values()) {
            if (t.layer() != Layer.OPS && t != Table.ONE_ID_HISTORY && reference.exists(t)) {
                out.add(t);
            }
        }
        return out;
    }

    /** Per comparable table that differs: rows only in {@code a} and rows only in {@code b} (as multisets). */
    public static Map<Table, long[]> differences(Warehouse a, Warehouse b) {
        Map<Table, long[]> out = new LinkedHashMap<>();
        for (Table t : comparable(a)) {
            if (!b.exists(t)) {
                out.put(t, new long[] {a.read(t).count(), 0});
                continue;
            }
            Dataset<Row> x = of(a, t);
            Dataset<Row> y = of(b, t);
            long onlyA = x.exceptAll(y).count();
            long onlyB = y.exceptAll(x).count();
            if (onlyA + onlyB > 0) {
                out.put(t, new long[] {onlyA, onlyB});
            }
        }
        return out;
    }

    /** The table without run ids and change times, its OneIDs replaced by their person's smallest hash. */
    public static Dataset<Row> of(Warehouse w, Table t) {
        Dataset<Row> labels = w.read(Table.IDENTITY_MAP)
                .groupBy("one_id")
                .agg(min("id_value_hash").as("_person"));
        Dataset<Row> d = w.read(t);
        if (t == Table.CLV_MODEL) {
            // Each night keeps its own fit beside the earlier ones, which a backfill never made:
            // the last date's fit is what both must agree on.
            d = d.filter(col("as_of_date")
                    .equalTo(d.agg(org.apache.spark.sql.functions.max("as_of_date"))
                            .first()
                            .getDate(0)));
        }
        for (String c : List.of("run_id", "parent_run_id", "changed_at")) {
            d = d.drop(c);
        }
        List<String> columns = Arrays.asList(d.columns());
        if (columns.contains("one_id")) {
            d = d.join(labels, d.col("one_id").equalTo(labels.col("one_id")), "left_outer")
                    .drop(labels.col("one_id"))
                    .withColumn("one_id", col("_person"))
                    .drop("_person");
        }
        if (columns.contains("journey_id")) {
            Dataset<Row> byJourney =
                    labels.select(concat(lit("nc|"), col("one_id")).as("_nc"), col("_person"));
            d = d.join(byJourney, d.col("journey_id").equalTo(byJourney.col("_nc")), "left_outer")
                    .withColumn(
                            "journey_id",
                            when(col("_nc").isNotNull(), concat(lit("nc|"), col("_person")))
                                    .otherwise(col("journey_id")))
                    .drop("_nc", "_person");
        }
        return d.select(columns.stream().map(c -> col(c)).toArray(org.apache.spark.sql.Column[]::new));
    }
}
