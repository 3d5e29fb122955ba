package io.trueroi.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.trueroi.catalog.Table;
import io.trueroi.config.TrueRoiConfig;
import io.trueroi.identity.IdentityAction;
import io.trueroi.ops.RunContext;
import io.trueroi.spark.SparkSessions;
import io.trueroi.spark.Warehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Benchmark of the identity job (not a test): writes a synthetic silver.pos_transactions whose
 * records each link a member card and a phone, then runs {@link IdentityAction} on it and prints
 * records, identifiers, OneIDs, rounds, seconds and records (edges) per second per core, per size.
 *
 * <p>Graph: half the records form long chains (member-phone-member-... of {@code chain} nodes,
 * the case that needs the most rounds), the other half small components of four identifiers.
 * Usage: {@code jobs/bench-identity [records ...] [--chain N]}; default 1M 2M 4M records, chains of
 * 100k identifiers.
 */
public final class IdentityBench {
    private IdentityBench() {}

    public static void main(String[] args) throws Exception {
        List<Long> sizes = new ArrayList<>();
        long chain = 100_000;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--chain")) {
                chain = Long.parseLong(args[++i]);
            } else {
                sizes.add(BenchSizes.parse(args[i]));
            }
        }
        if (sizes.isEmpty()) {
            sizes = List.of(1_000_000L, 2_000_000L, 4_000_000L);
        }
        Path root = Files.createTempDirectory("trueroi-bench-identity");
        Path conf = root.resolve("bench.conf");
        Files.writeString(
                conf,
                "trueroi.warehouse = \"" + root.resolve("warehouse") + "\"\n"
                        + "trueroi.spark.master = \"local[*]\"\n"
                        + "trueroi.spark.conf { \"spark.sql.shuffle.partitions\" = \"16\", \"spark.ui.enabled\" = \"false\" }\n");
        TrueRoiConfig config = TrueRoiConfig.load(List.of(conf), Map.of("TRUEROI_HASH_KEY", "bench-key-not-a-secret"));
        SparkSession spark = SparkSessions.create(config);
        spark.sparkContext().setLogLevel("WARN");
        int cores = spark.sparkContext().defaultParallelism();
        System.out.printf("identity benchmark: %d cores, chains of %d identifiers, warehouse %s%n", cores, chain, root);
        System.out.printf(
                "%12s %12s %10s %7s %9s %16s%n",
                "records", "identifiers", "one_ids", "rounds", "seconds", "records/s/core");
        for (long n : sizes) {
            Warehouse w = new Warehouse(spark, root.resolve("warehouse-" + n).toString());
            graph(spark, n, chain)
                    .write()
                    .format("delta")
                    .mode(SaveMode.Overwrite)
                    .save(w.path(Table.POS_TRANSACTIONS));
            LocalDate d = LocalDate.of(2026, 10, 1);
            long t0 = System.nanoTime();
            IdentityAction.Result c = new IdentityAction(config, w, RunContext.start("identity", d, d, null)).execute();
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf(
                    "%12d %12d %10d %7d %9.1f %16.0f%n",
                    n, c.identifiers(), c.oneIds(), c.ccRounds(), s, n / s / cores);
        }
        spark.stop();
    }

    /** n records: the first half chains of {@code chain} identifiers, the rest components of four. */
    static Dataset<Row> graph(SparkSession spark, long n, long chain) {
        long half = n / 2;
        Column id = col("id");
        // Record e in a chain links member k to phone k (e even) or phone k to member k+1 (e odd).
        Column perChain = lit(chain - 1);
        Column c = floor(id.divide(perChain));
        Column e = id.minus(c.multiply(perChain));
        Column k = floor(e.divide(2));
        Column chainMember = concat(
                lit("cm"),
                c.cast("string"),
                lit("_"),
                when(e.mod(2).equalTo(0), k).otherwise(k.plus(1)).cast("string"));
        Column chainPhone = concat(lit("cp"), c.cast("string"), lit("_"), k.cast("string"));
        // Small components: records 2j and 2j+1 share a phone, each with its own card.
        Column j = floor(id.minus(half).divide(2));
        Column smallMember = concat(lit("sm"), id.cast("string"));
        Column smallPhone = concat(lit("sp"), j.cast("string"));
        return spark.range(n)
                .select(
                        lit(java.sql.Date.valueOf("2026-10-01")).as("dt"),
                        lit("S1").as("store_id"),
                        id.cast("string").as("transaction_id"),
                        when(id.lt(half), chainMember).otherwise(smallMember).as("member_card"),
                        when(id.lt(half), chainPhone).otherwise(smallPhone).as("phone_hash"),
                        lit(java.sql.Timestamp.valueOf("2026-10-01 10:00:00")).as("transaction_time"));
    }
}
