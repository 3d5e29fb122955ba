package io.trueroi.identity;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.min;

import io.trueroi.spark.JobGroup;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Connected components of an undirected graph with binary node ids (32-byte hashes, OneIDs), by alternating Large-Star and
 * Small-Star (Kiveris, Lattanzi, Mirrokni, Rastogi, Vassilvitskii: "Connected Components in
 * MapReduce and Beyond", SoCC 2014). Each round shrinks every component towards a star around its
 * smallest node; the number of rounds grows like log(n), and no step gathers a component, let
 * alone the graph, in one place.
 *
 * <p>Cost per round: two window shuffles and two de-duplications over the edges, and one
 * convergence check (a semi-join of parents against children). The edges are checkpointed every
 * round so the lineage stays one round deep. Output: (node, root) for every node that has an
 * edge; roots map to themselves. Nodes without edges are the caller's (they are their own root).
 */
public final class ConnectedComponents {
    /** Safety stop: log2 of any graph this job will see is far below this. */
    static final int MAX_ROUNDS_DEFAULT = 64;

    private final SparkSession spark;
    private final String jobGroup;
    private final boolean reliableCheckpoint;
    private int rounds;

    /**
     * @param reliableCheckpoint true to checkpoint to the SparkContext's checkpoint directory
     *     (survives executor loss); false for local checkpoints (executor storage, faster)
     */
    public ConnectedComponents(SparkSession spark, String jobGroup, boolean reliableCheckpoint) {
        this.spark = spark;
        this.jobGroup = jobGroup;
        this.reliableCheckpoint = reliableCheckpoint;
    }

    /** Rounds (one Large-Star plus one Small-Star each) the last {@link #run} took. */
    public int rounds() {
        return rounds;
    }

    /**
     * @param edges columns {@code a, b} (binary); direction and duplicates do not matter
     * @return columns {@code node, root}: every node with an edge, and the smallest node of its component
     */
    public Dataset<Row> run(Dataset<Row> edges) {
        Dataset<Row> e = JobGroup.run(
                spark,
                jobGroup,
                "identity: connected components input edges",
                () -> checkpoint(edges.filter(col("a").notEqual(col("b")))
                        .select(
                                greatest(col("a"), col("b")).as("a"),
                                least(col("a"), col("b")).as("b"))
                        .distinct()));
        rounds = 0;
        while (true) {
            if (rounds >= MAX_ROUNDS_DEFAULT) {
                throw new IllegalStateException(
                        "connected components did not converge in " + MAX_ROUNDS_DEFAULT + " rounds");
            }
            rounds++;
            int round = rounds;
            Dataset<Row> current = e;
            Dataset<Row> next = JobGroup.run(
                    spark,
                    jobGroup,
                    "identity: connected components round " + round,
                    () -> checkpoint(smallStar(largeStar(current))));
            boolean converged = JobGroup.run(
                    spark, jobGroup, "identity: convergence check round " + round, () -> next.select(col("b").as("n"))
                            .join(next.select(col("a").as("n")), "n")
                            .isEmpty());
            e = next;
            if (converged) {
                break;
            }
        }
        // Every edge now points from a node to its component's root (a star per component).
        Dataset<Row> roots = e.select(col("b").as("node"), col("b").as("root")).distinct();
        return e.select(col("a").as("node"), col("b").as("root")).unionByName(roots);
    }

    /**
     * Large-Star: every node u links each larger neighbour to the smallest of u's closed
     * neighbourhood. Input and output edges are (a > b) pairs.
     */
    static Dataset<Row> largeStar(Dataset<Row> e) {
        Dataset<Row> both =
                e.select(col("a").as("u"), col("b").as("v")).unionByName(e.select(col("b").as("u"), col("a").as("v")));
        WindowSpec byU = Window.partitionBy("u");
        return both.withColumn("m", least(min(col("v")).over(byU), col("u")))
                .filter(col("v").gt(col("u")))
                .select(col("v").as("a"), col("m").as("b"))
                .distinct();
    }

    /**
     * Small-Star: every node u links itself and each smaller neighbour to the smallest of them.
     * Input and output edges are (a > b) pairs.
     */
    static Dataset<Row> smallStar(Dataset<Row> e) {
        WindowSpec byU = Window.partitionBy("u");
        Dataset<Row> withMin = e.select(col("a").as("u"), col("b").as("v"))
                .withColumn("m", min(col("v")).over(byU));
        Dataset<Row> neighbours =
                withMin.filter(col("v").notEqual(col("m"))).select(col("v").as("a"), col("m").as("b"));
        Dataset<Row> self = withMin.select(col("u").as("a"), col("m").as("b"));
        return neighbours.unionByName(self).distinct();
    }

    private Dataset<Row> checkpoint(Dataset<Row> d) {
        return reliableCheckpoint ? d.checkpoint(true) : d.localCheckpoint(true);
    }
}
