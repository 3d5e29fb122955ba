package io.trueroi.identity;

import static io.trueroi.testing.DatasetAssert.assertDatasetEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.trueroi.catalog.IdType;
import io.trueroi.catalog.Stage;
import io.trueroi.catalog.Table;
import io.trueroi.config.TrueRoiConfig;
import io.trueroi.ops.JobRuns;
import io.trueroi.ops.RunContext;
import io.trueroi.spark.Warehouse;
import io.trueroi.testing.Canonical;
import io.trueroi.testing.SharedSpark;
import io.trueroi.testing.TestWorld;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Identity's night on the touched persons only ({@link NightScope}), where the guard needs more
 * than those persons' records: till sales delivered by date into a partitioned silver table, as
 * ingest writes them, with a phone limit of 2 cards. {@code IncrementalNightsTest} plays a whole
 * night (merge, split, re-delivery) against a backfill.
 */
@ExtendWith(SharedSpark.class)
class NightScopeTest {
    static final LocalDate D1 = LocalDate.of(2026, 10, 1);
    static final LocalDate D2 = LocalDate.of(2026, 10, 2);

    @TempDir
    Path tmp;

    TrueRoiConfig config() {
        return new TestWorld(tmp).config("trueroi.identity.max-links.phone = 2\n");
    }

    static Row sale(LocalDate dt, String id, String card, String phone, String time) {
        return RowFactory.create(
                Date.valueOf(dt), "SH001", id, card, phone, IdentityActionTest.t(dt + "T" + time + "Z"));
    }

    /** The shop's phone on the sales of three cards M1..M3 on D1 (3 > 2: ambiguous). */
    static List<Row> shopPhoneOnThreeCards() {
        return List.of(
                sale(D1, "T1", "M1", "STORE", "02:00:00"),
                sale(D1, "T2", "M2", "STORE", "03:00:00"),
                sale(D1, "T3", "M3", "STORE", "04:00:00"));
    }

    /** Replaces one delivery date of the till table, as ingest does. */
    static void deliver(Warehouse w, LocalDate dt, List<Row> rows) {
        w.spark()
                .createDataFrame(rows, IdentityActionTest.POS)
                .write()
                .format("delta")
                .mode(SaveMode.Overwrite)
                .partitionBy("dt")
                .option("replaceWhere", "dt = '" + dt + "'")
                .save(w.path(Table.POS_TRANSACTIONS));
    }

    /** What the runner records of a successful identity run: silver's version read, its tables' versions. */
    static JobRuns.StageState left(Warehouse w, LocalDate to) {
        Map<String, Long> outputs = new TreeMap<>();
        Stage.IDENTITY.writes().forEach(t -> outputs.put(t.qualifiedName(), w.version(t)));
        return new JobRuns.StageState(
                to,
                Map.of(Table.POS_TRANSACTIONS.qualifiedName(), w.version(Table.POS_TRANSACTIONS)),
                outputs,
                "rules");
    }

    IdentityAction.Result identity(Warehouse w, LocalDate d, JobRuns.StageState last) {
        return new IdentityAction(config(), w, RunContext.start("identity", d, d, null))
                .after(last)
                .execute();
    }

    static String oneId(Warehouse w, IdType type, String value) {
        List<Row> r = w.read(Table.IDENTITY_MAP)
                .filter(functions.col("id_value_hash").equalTo(Identifiers.hash(type, functions.lit(value))))
                .select("one_id")
                .collectAsList();
        return r.isEmpty() ? null : r.get(0).getString(0);
    }

    @Test
    void aTouchedAmbiguousPhoneIsCountedOverEveryPersonsRecords(SparkSession spark) throws IOException {
        Warehouse w = new Warehouse(spark, tmp.resolve("nights").toString());
        // Card M1 also with her own phone R1.
        List<Row> first = new ArrayList<>(shopPhoneOnThreeCards());
        first.add(sale(D1, "T4", "M1", "R1", "05:00:00"));
        deliver(w, D1, first);
        identity(w, D1, null);
        assertEquals(3L, w.read(Table.AMBIGUOUS_IDENTIFIERS).first().<Long>getAs("degree"));
        JobRuns.StageState last = left(w, D1);

        // Night two: the shop's phone on a fourth card, and M1 with a new phone R2.
        deliver(w, D2, List.of(sale(D2, "T5", "M4", "STORE", "02:00:00"), sale(D2, "T6", "M1", "R2", "03:00:00")));
        IdentityAction.Result night = identity(w, D2, last);
        // The records touched: T5 (the shop's phone, in no person; M4, new) and T6 (M1's person, R2 new).
        assertEquals(1L, night.counters().get("touched_persons"), "M1's person only");
        Row phone = w.read(Table.AMBIGUOUS_IDENTIFIERS).first();
        assertEquals(4L, phone.<Long>getAs("degree"), "M1..M4: M2's and M3's sales were read for the guard");
        assertEquals("member", phone.getAs("neighbour_type"));
        assertEquals(oneId(w, IdType.MEMBER, "M1"), oneId(w, IdType.PHONE, "R2"));
        assertNotEquals(oneId(w, IdType.MEMBER, "M1"), oneId(w, IdType.MEMBER, "M4"));

        // A rebuild over the same silver finds the same tables (OneIDs by person).
        Warehouse rebuilt = new Warehouse(spark, tmp.resolve("rebuilt").toString());
        copy(
                Path.of(java.net.URI.create(w.path(Table.POS_TRANSACTIONS))),
                Path.of(java.net.URI.create(rebuilt.path(Table.POS_TRANSACTIONS))));
        assertEquals(-1L, identity(rebuilt, D2, null).counters().get("touched_persons"));
        for (Table t : List.of(Table.IDENTITY_MAP, Table.AMBIGUOUS_IDENTIFIERS, Table.RECORD_IDENTIFIERS)) {
            assertDatasetEquals(Canonical.of(rebuilt, t), Canonical.of(w, t));
        }
    }

    @Test
    void anAmbiguousPhoneThatLosesASaleMakesTheNightReadAllOfSilver(SparkSession spark) {
        Warehouse w = new Warehouse(spark, tmp.resolve("nights").toString());
        deliver(w, D1, shopPhoneOnThreeCards());
        identity(w, D1, null);
        JobRuns.StageState last = left(w, D1);
        assertNotEquals(oneId(w, IdType.MEMBER, "M1"), oneId(w, IdType.MEMBER, "M2"));

        // D1 delivered again without T3: the phone is on two cards, within the limit, and links them.
        deliver(w, D1, List.of(sale(D1, "T1", "M1", "STORE", "02:00:00"), sale(D1, "T2", "M2", "STORE", "03:00:00")));
        IdentityAction.Result night = identity(w, D1, last);
        assertEquals(-1L, night.counters().get("touched_persons"), "the persons M3's sale held apart are not known");
        assertEquals(0L, w.read(Table.AMBIGUOUS_IDENTIFIERS).count());
        assertEquals(oneId(w, IdType.MEMBER, "M1"), oneId(w, IdType.MEMBER, "M2"));
        assertEquals(oneId(w, IdType.MEMBER, "M1"), oneId(w, IdType.PHONE, "STORE"));
    }

    private static void copy(Path from, Path to) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
