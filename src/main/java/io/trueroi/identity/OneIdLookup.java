package io.trueroi.identity;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;

import io.trueroi.catalog.Table;
import io.trueroi.spark.Warehouse;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What a record needs to find its OneID: {@code identity.identity_map} and the identifiers a
 * record must look past, the ambiguous ones the map does not hold. (An identifier that turned
 * ambiguous after an earlier run gave it a OneID stays in the map and still resolves.) With the
 * map and the ambiguous identifiers of the same identity run, every identifier of a silver record
 * up to that run's last date is in exactly one of the two, so a record's first identifier that is
 * not skipped is its first mapped one ({@link Identifiers#withLookupKey}), and
 * {@link Identifiers#resolve} needs one join with the map per record.
 *
 * <p>Cost of {@link #read}: nothing until used; {@code skipped} scans the map's hash column once
 * against the ambiguous identifiers (a broadcast semi join, no shuffle). Ambiguous identifiers are
 * broadcast because they are few by construction: each links more than {@code max-links} others
 * (the generated bench worlds have none).
 */
public record OneIdLookup(Dataset<Row> map, Dataset<Row> skipped) {
    public OneIdLookup {
        Objects.requireNonNull(map, "map");
        Objects.requireNonNull(skipped, "skipped");
    }

    /** The map and the skipped identifiers (column {@code id_value_hash}) as identity last wrote them. */
    public static OneIdLookup read(Warehouse warehouse) {
        return of(warehouse.read(Table.IDENTITY_MAP), warehouse.read(Table.AMBIGUOUS_IDENTIFIERS));
    }

    /** From a map and the ambiguous identifiers (both with {@code id_value_hash}) of one identity run. */
    public static OneIdLookup of(Dataset<Row> map, Dataset<Row> ambiguous) {
        Dataset<Row> hashes = ambiguous.select("id_value_hash");
        Dataset<Row> held = map.select(col("id_value_hash")).join(broadcast(hashes), "id_value_hash", "left_semi");
        return new OneIdLookup(map, hashes.join(broadcast(held), "id_value_hash", "left_anti"));
    }
}
