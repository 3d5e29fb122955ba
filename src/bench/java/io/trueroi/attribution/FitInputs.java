package io.trueroi.attribution;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import io.trueroi.catalog.Table;
import io.trueroi.spark.Warehouse;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What the incremental fit reads from a warehouse, collected to the driver for the benches and
 * probes that time or vary the fit outside Spark: the training window as the fit takes it, the
 * channels, the valid touches of the window per (person, date, channel), and each person's events.
 */
record FitInputs(
        LocalDate from, int days, List<String> channels, Dataset<Row> window, Dataset<Row> touches, List<Row> persons) {
    static FitInputs read(Warehouse w, IncrementalTraining.Settings settings, LocalDate to) {
        LocalDate from = to.minusDays(settings.trainingWindowDays() - 1L);
        LocalDate dataFrom = w.read(Table.TOUCHPOINTS)
                .agg(org.apache.spark.sql.functions.min("touch_date"))
                .first()
                .getDate(0)
                .toLocalDate();
        from = dataFrom.isAfter(from) ? dataFrom : from;
        LocalDate exposedFrom = from.minusDays(settings.exposureWindowDays() - 1L);
        Dataset<Row> window = w.read(Table.TOUCHPOINTS)
                .filter(not(col("is_invalid")).and(col("one_id").isNotNull()))
                .filter(col("touch_date")
                        .between(
                                lit(exposedFrom.toString()).cast("date"),
                                lit(to.toString()).cast("date")));
        Dataset<Row> touches = window.groupBy("one_id", "touch_date", "channel")
                .agg(count(lit(1)).as("touches"))
                .cache();
        List<String> channels = new ArrayList<>();
        touches.select("channel")
                .distinct()
                .orderBy("channel")
                .collectAsList()
                .forEach(r -> channels.add(r.getString(0)));
        List<Row> persons = IncrementalTraining.persons(touches, w.read(Table.CONVERSIONS), channels, from, to)
                .select(col("one_id"), col("one_id"), col("events"))
                .collectAsList();
        return new FitInputs(from, (int) (to.toEpochDay() - from.toEpochDay() + 1), channels, window, touches, persons);
    }
}
