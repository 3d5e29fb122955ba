package io.trueroi.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueroi.testing.SharedSpark;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Large-Star/Small-Star on graphs whose components are known by construction. */
@ExtendWith(SharedSpark.class)
class ConnectedComponentsTest {
    static final StructType EDGES =
            new StructType().add("a", DataTypes.StringType).add("b", DataTypes.StringType);

    static String n(int i) {
        return String.format("n%05d", i);
    }

    static Map<String, String> components(SparkSession spark, List<Row> edges, ConnectedComponents cc) {
        Dataset<Row> out = cc.run(spark.createDataFrame(edges, EDGES));
        Map<String, String> m = new HashMap<>();
        for (Row r : out.collectAsList()) {
            String prev = m.put(r.getString(0), r.getString(1));
            assertEquals(null, prev, "one row per node: " + r);
        }
        return m;
    }

    @Test
    void longChainConvergesInLogarithmicRounds(SparkSession spark) {
        // A path n00000 - n00001 - ... - n01023 written from the far end, the worst order for
        // min-label propagation (1023 rounds); Large-Star/Small-Star needs O(log n).
        int length = 1024;
        List<Row> edges = new ArrayList<>();
        for (int i = length - 1; i > 0; i--) {
            edges.add(RowFactory.create(n(i), n(i - 1)));
        }
        ConnectedComponents cc = new ConnectedComponents(spark, "test", false);
        Map<String, String> roots = components(spark, edges, cc);
        assertEquals(length, roots.size());
        assertTrue(roots.values().stream().allMatch(n(0)::equals), "every node's root is the smallest");
        assertTrue(cc.rounds() >= 2 && cc.rounds() <= 2 * 10, "log2(1024) = 10; rounds: " + cc.rounds());
    }

    @Test
    void separateComponentsStaySeparate(SparkSession spark) {
        // Three components: a triangle, a star, and a two-node pair; duplicates and both directions.
        List<Row> edges = List.of(
                RowFactory.create("t3", "t1"),
                RowFactory.create("t1", "t2"),
                RowFactory.create("t2", "t3"),
                RowFactory.create("s0", "s1"),
                RowFactory.create("s0", "s2"),
                RowFactory.create("s3", "s0"),
                RowFactory.create("p9", "p8"),
                RowFactory.create("p8", "p9"),
                RowFactory.create("p8", "p8"));
        Map<String, String> roots = components(spark, edges, new ConnectedComponents(spark, "test", false));
        assertEquals(
                Map.of(
                        "t1", "t1", "t2", "t1", "t3", "t1", "s0", "s0", "s1", "s0", "s2", "s0", "s3", "s0", "p8", "p8",
                        "p9", "p8"),
                roots);
    }
}
