package io.trueroi.spark;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.FileAction;
import org.apache.spark.sql.delta.actions.Metadata;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Which partitions of a Delta table its commits after a version changed, read from the table's log
 * alone: the partition values of every file a commit added or removed with a change of data. Silver
 * is replaced by delivery date, so this is the list of deliveries a night wrote, late ones included.
 * Change Data Feed would report the same partitions row by row, and needs the feed switched on
 * before the commits it reports.
 *
 * <p>Cost: one read of each commit file after the version, on the driver; no Spark job.
 */
final class TableChanges {
    private TableChanges() {}

    /**
     * The values of {@code column} in the partitions changed after {@code version}; empty when the
     * log cannot say: a commit changed the table's metadata (its schema or partitioning), a file
     * has no such partition value, or the commits are no longer in the log.
     */
    static Optional<Set<String>> partitions(SparkSession spark, String path, long version, String column) {
        DeltaLog log = DeltaLog.forTable(spark, new Path(path));
        Set<String> values = new TreeSet<>();
        try {
            scala.collection.Iterator<Tuple2<Object, scala.collection.immutable.Seq<Action>>> commits =
                    log.getChanges(version + 1, scala.Option.empty(), true);
            while (commits.hasNext()) {
                for (Action a : CollectionConverters.asJava(commits.next()._2())) {
                    if (a instanceof Metadata) {
                        return Optional.empty();
                    }
                    if (a instanceof FileAction f && f.dataChange()) {
                        scala.Option<String> value = f.partitionValues().get(column);
                        if (value.isEmpty() || value.get() == null) {
                            return Optional.empty();
                        }
                        values.add(value.get());
                    }
                }
            }
        } catch (RuntimeException e) { // a commit file cleaned up by log retention
            return Optional.empty();
        }
        return Optional.of(values);
    }
}
