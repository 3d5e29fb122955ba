package io.trueroi.identity;

import static io.trueroi.testing.PlanAssert.assertOccurs;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueroi.catalog.Table;
import io.trueroi.spark.Warehouse;
import io.trueroi.testing.PlanAssert;
import io.trueroi.testing.SharedSpark;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-record projections of identity and of the journeys' lookup key hold no lambda function
 * (Spark evaluates a lambda without generated code, and the whole projection with it) and hash
 * each identifier once. Read from the plans Spark optimizes over empty silver tables. On the code
 * before the change (e11fc32) both fail: {@link Identifiers#records} and
 * {@link Identifiers#withLookupKey} removed null identifiers with {@code array_compact}, a lambda,
 * and the records' filter on the compacted array's size hashed each identifier a second time
 * (the till's plan, two identifiers, holds sha2 four times).
 */
@Tag(PlanAssert.TAG)
@ExtendWith(SharedSpark.class)
class IdentifiersCompiledTest {
    @TempDir
    static Path tmp;

    /** A warehouse holding one empty silver table. */
    static Warehouse warehouse(SparkSession spark, String table, StructType schema) {
        Warehouse w = new Warehouse(spark, tmp.resolve(table).toString());
        if (!w.exists(Table.silver(table))) {
            spark.createDataFrame(List.<Row>of(), schema)
                    .write()
                    .format("delta")
                    .save(w.path(Table.silver(table)));
        }
        return w;
    }

    @Test
    void identityRecordsHashEachIdentifierOnceWithoutALambda(SparkSession spark) {
        // The till's records carry two identifiers: member card and phone.
        Warehouse w = warehouse(spark, "pos_transactions", IdentityActionTest.POS);
        String plan = Identifiers.records(w, IdentityActionTest.D1)
                .queryExecution()
                .optimizedPlan()
                .toString();
        assertOccurs(2, "sha2(", plan);
        assertOccurs(0, "lambdafunction", plan);
    }

    @Test
    void theLookupKeyHasNoLambda(SparkSession spark) {
        Warehouse w = warehouse(spark, "ecommerce_orders", IdentityActionTest.ORDERS);
        // One skipped row: with none, the optimizer drops the joins and the expression under test.
        Dataset<Row> skipped = spark.createDataFrame(
                List.of(RowFactory.create("0".repeat(64))), StructType.fromDDL("id_value_hash STRING"));
        Dataset<Row> map =
                spark.createDataFrame(List.<Row>of(), StructType.fromDDL("id_value_hash STRING, one_id STRING"));
        Dataset<Row> keyed = Identifiers.withLookupKey(
                w.read(Table.ECOMMERCE_ORDERS), Table.ECOMMERCE_ORDERS, new OneIdLookup(map, skipped));
        String plan = keyed.queryExecution().optimizedPlan().toString();
        // The plan holds the key and its rounds (ecommerce_orders has six identifiers, so five joins
        // with the skipped ones), or there is nothing for "no lambda" to speak of.
        assertTrue(plan.contains(Identifiers.LOOKUP_KEY), plan);
        assertOccurs(5, "Join LeftOuter", plan);
        assertOccurs(0, "lambdafunction", plan);
    }
}
