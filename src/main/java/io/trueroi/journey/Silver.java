package io.trueroi.journey;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;

import io.trueroi.catalog.Table;
import io.trueroi.spark.Warehouse;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Silver as of a date: each source record once, from its latest delivery. Silver keeps every
 * delivery (a re-sent order with a new status is a new row under a later dt); the layers above
 * want the record's latest state. One shuffle per table.
 */
public final class Silver {
    private Silver() {}

    public static Dataset<Row> latest(Warehouse w, Table table, LocalDate upTo) {
        Column[] key = table.naturalKey().stream().map(c -> col(c)).toArray(Column[]::new);
        return w.read(table)
                .filter(col("dt").leq(lit(upTo.toString()).cast("date")))
                .withColumn(
                        "_rn",
                        row_number()
                                .over(Window.partitionBy(key)
                                        .orderBy(
                                                col("dt").desc(),
                                                col("source_file").desc(),
                                                col("source_line").desc())))
                .filter(col("_rn").equalTo(1))
                .drop("_rn");
    }
}
