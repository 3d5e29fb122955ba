package io.trueroi.marts;

import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.bround;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.trueroi.attribution.Credits;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * {@code mart.path_summary}: the most travelled channel paths ({@code A > B > C}, {@code (none)}
 * for a conversion with no touch) over all journeys, converting and not — journeys, conversions,
 * conversion rate, net revenue and mean days from first touch to conversion. Ranked by journeys,
 * then path; the top {@code trueroi.marts.top-paths} are kept.
 *
 * <p>Cost: one aggregation of the journeys by path and a top-N (no global sort of all paths).
 */
final class PathSummary {
    private PathSummary() {}

    static Dataset<Row> build(Dataset<Row> journeys, int topPaths, LocalDate upTo) {
        Column upToDate = lit(upTo.toString()).cast("date");
        Column path = when(size(col("touches")).equalTo(0), lit(Credits.NO_TOUCH))
                .otherwise(array_join(col("touches.channel"), " > "));
        Dataset<Row> top = journeys.filter(col("converted")
                        .equalTo(false)
                        .or(col("conversion_date").leq(upToDate)))
                .withColumn("path", path)
                .groupBy("path")
                .agg(
                        max("path_length").as("path_length"),
                        count(lit(1)).as("journeys"),
                        sum(when(col("converted"), 1L).otherwise(0L)).as("conversions"),
                        sum(when(col("converted"), col("net_revenue")).otherwise(lit(0)))
                                .cast(Spend.MONEY)
                                .as("net_revenue"),
                        avg(when(col("converted"), col("days_to_convert"))).as("mean_days_to_convert"))
                .orderBy(col("journeys").desc(), col("path"))
                .limit(topPaths);
        return top.withColumn(
                        "rank", row_number().over(Window.orderBy(col("journeys").desc(), col("path"))))
                .select(
                        upToDate.as("as_of_date"),
                        col("rank"),
                        col("path"),
                        col("path_length"),
                        col("journeys"),
                        col("conversions"),
                        Ratios.fraction(col("conversions"), col("journeys")).as("conversion_rate"),
                        col("net_revenue"),
                        bround(col("mean_days_to_convert"), 2)
                                .cast("decimal(10,2)")
                                .as("mean_days_to_convert"));
    }
}
