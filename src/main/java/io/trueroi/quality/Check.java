package io.trueroi.quality;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.median;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.trueroi.catalog.Layer;
import io.trueroi.catalog.Table;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Checks of one table: a plan that yields one row per check, of {@code kind} (as named in {@code
 * trueroi.quality.severity}), {@code failed_rows} (long), {@code sample} (array of failing keys)
 * and {@code detail} (what was found, in words). {@link QualityGate} runs each plan as one
 * query; each factory here says what its plan costs.
 *
 * <p>Keys in the sample are the table's own ids (OneIDs, conversion ids, channel names), which
 * carry no personal data past ingest; a silver table's keys may be personal ids (openids), so they
 * are kept as the SHA-256 of the key's values joined by {@code |}.
 */
record Check(Table table, Dataset<Row> outcomes) {
    static final String UNIQUE = "unique";
    static final String NOT_NULL = "not-null";
    static final String REFERENCES = "references";
    static final String SUMS = "sums";
    static final String FRESHNESS = "freshness";
    static final String VOLUME = "volume";

    /** A check yielding one outcome: {@code outcome}'s one row, with its kind. */
    private static Check single(String kind, Table table, Dataset<Row> outcome) {
        return new Check(table, outcome.select(lit(kind).as("kind"), col("failed_rows"), col("sample"), col("detail")));
    }

    /** The key of a row as one string, hashed for a silver table. */
    static Column keyText(Table table, List<String> columns) {
        Column[] parts = columns.stream()
                .map(c -> coalesce(col(c).cast("string"), lit("null")))
                .toArray(Column[]::new);
        Column text = concat_ws("|", parts);
        return table.layer() == Layer.SILVER ? sha2(text, 256) : text;
    }

    /** At most {@code n} of the non-null values of {@code key} (collect_list skips nulls). */
    private static Column sample(Column key, int n) {
        return slice(collect_list(key), 1, n);
    }

    /**
     * The key, required-column and (with {@code channelColumn}) channel checks of one table ({@link
     * Table#key()}, {@link Table#required()}), all from one aggregation by the key and one final
     * aggregation: a scan and two shuffles for the lot. A table without a key is aggregated
     * whole. Unique's failed rows: the rows of repeated keys; not-null's: rows with a null;
     * references': rows whose channel is not one of {@code channels}.
     */
    static List<Check> ofTable(
            Table table, Dataset<Row> data, String channelColumn, Collection<String> channels, int sampleKeys) {
        List<String> required = table.required();
        Column anyNull =
                required.stream().map(c -> col(c).isNull()).reduce(Column::or).orElse(lit(false));
        List<Column> perKey = new ArrayList<>();
        perKey.add(count(lit(1)).as("n"));
        perKey.add(sum(when(anyNull, 1L).otherwise(0L)).as("null_rows"));
        for (int i = 0; i < required.size(); i++) {
            perKey.add(
                    sum(when(col(required.get(i)).isNull(), 1L).otherwise(0L)).as("nulls_" + i));
        }
        Column outside = channelColumn == null
                ? lit(false)
                : col(channelColumn).isNull().or(not(col(channelColumn).isin(channels.toArray())));
        if (channelColumn != null) {
            perKey.add(sum(when(outside, 1L).otherwise(0L)).as("outside_rows"));
            perKey.add(collect_set(when(outside, coalesce(col(channelColumn), lit("null"))))
                    .as("outside"));
        }
        boolean keyed = !table.key().isEmpty();
        Dataset<Row> grouped = keyed
                ? data.groupBy(table.key().stream().map(c -> col(c)).toArray(Column[]::new))
                        .agg(perKey.get(0), perKey.subList(1, perKey.size()).toArray(new Column[0]))
                : data.agg(perKey.get(0), perKey.subList(1, perKey.size()).toArray(new Column[0]));
        Column keyText = keyed ? keyText(table, table.key()) : lit(null).cast("string");
        List<Column> totals = new ArrayList<>();
        totals.add(coalesce(sum(when(col("n").gt(1), col("n"))), lit(0L)).as("repeated_rows"));
        totals.add(count(when(col("n").gt(1), lit(1))).as("repeated_keys"));
        totals.add(sample(when(col("n").gt(1), keyText), sampleKeys).as("repeated_sample"));
        totals.add(coalesce(sum("null_rows"), lit(0L)).as("null_rows"));
        totals.add(sample(when(col("null_rows").gt(0), keyText), sampleKeys).as("null_sample"));
        Column[] perColumn = new Column[required.size()];
        for (int i = 0; i < required.size(); i++) {
            totals.add(coalesce(sum("nulls_" + i), lit(0L)).as("nulls_" + i));
            perColumn[i] = when(col("nulls_" + i).gt(0), concat(lit(required.get(i) + ": "), col("nulls_" + i)));
        }
        if (channelColumn != null) {
            totals.add(coalesce(sum("outside_rows"), lit(0L)).as("outside_rows"));
            totals.add(slice(array_distinct(flatten(collect_list("outside"))), 1, sampleKeys)
                    .as("outside_sample"));
        }
        Dataset<Row> t =
                grouped.agg(totals.get(0), totals.subList(1, totals.size()).toArray(new Column[0]));
        List<Column> rows = outcomes(table, required, perColumn, channelColumn);
        if (rows.isEmpty()) {
            return List.of();
        }
        return List.of(new Check(
                table,
                t.select(explode(array(rows.toArray(new Column[0]))).as("o")).select("o.*")));
    }

    /** One outcome column per check of the table: unique (keyed), not-null (required), references. */
    private static List<Column> outcomes(Table table, List<String> required, Column[] perColumn, String channelColumn) {
        boolean keyed = !table.key().isEmpty();
        List<Column> rows = new ArrayList<>();
        if (keyed) {
            rows.add(outcome(
                    UNIQUE,
                    col("repeated_rows"),
                    col("repeated_sample"),
                    concat(col("repeated_keys").cast("string"), lit(" key(s) repeated over " + table.key()))));
        }
        if (!required.isEmpty()) {
            rows.add(outcome(
                    NOT_NULL,
                    col("null_rows"),
                    col("null_sample"),
                    when(col("null_rows").equalTo(0), lit("no nulls in " + required))
                            .otherwise(concat(lit("nulls in "), concat_ws(", ", perColumn)))));
        }
        if (channelColumn != null) {
            rows.add(outcome(
                    REFERENCES,
                    col("outside_rows"),
                    col("outside_sample"),
                    concat(
                            col("outside_rows").cast("string"),
                            lit(" row(s) whose " + channelColumn + " is no channel of the rules, "
                                    + String.join(" or ", SPECIAL_CHANNELS)))));
        }
        return rows;
    }

    /** Channel values that are no rule's channel and still correct ({@code (none)}, {@code (unmapped)}). */
    static final List<String> SPECIAL_CHANNELS = List.of(
            io.trueroi.attribution.Credits.NO_TOUCH,
            io.trueroi.journey.ChannelTaxonomy.UNMAPPED,
            io.trueroi.attribution.Credits.BASELINE);

    /** One outcome row of a check, as the struct every plan yields. */
    private static Column outcome(String kind, Column failedRows, Column sample, Column detail) {
        return struct(
                lit(kind).as("kind"),
                failedRows.cast("long").as("failed_rows"),
                sample.as("sample"),
                detail.as("detail"));
    }

    /**
     * Every non-null {@code column} of {@code data} is a value of {@code parentColumn} in {@code
     * parent}: an anti join (a shuffle of both sides, or a broadcast of the distinct parent keys).
     * Nulls are counted in the detail, not failed.
     */
    static Check references(
            Table table,
            Dataset<Row> data,
            String column,
            Table parent,
            Dataset<Row> parentData,
            String parentColumn,
            int sampleKeys) {
        Dataset<Row> keys =
                parentData.select(col(parentColumn).as("parent_key")).distinct();
        Dataset<Row> orphans =
                data.filter(col(column).isNotNull()).join(keys, col(column).equalTo(col("parent_key")), "left_anti");
        Dataset<Row> missing = orphans.agg(
                count(lit(1)).as("failed_rows"),
                sample(col(column).cast("string"), sampleKeys).as("sample"));
        Dataset<Row> nulls =
                data.agg(coalesce(sum(when(col(column).isNull(), 1L).otherwise(0L)), lit(0L))
                        .as("nulls"));
        Dataset<Row> outcome = missing.crossJoin(nulls)
                .select(
                        col("failed_rows"),
                        col("sample"),
                        concat(
                                        col("failed_rows").cast("string"),
                                        lit(" " + column + " not in " + parent + "." + parentColumn + "; "),
                                        col("nulls").cast("string"),
                                        lit(" null"))
                                .as("detail"));
        return single(REFERENCES, table, outcome);
    }

    /**
     * Per conversion and model, the credits sum to 1 and the revenue credits to the conversion's
     * net revenue, exactly: one aggregation of the credits by (model, conversion) and a join with
     * the conversions (two shuffles). Failed rows: the (model, conversion) pairs that do not add up.
     */
    static Check creditSums(Dataset<Row> credits, Dataset<Row> conversions, int sampleKeys) {
        Dataset<Row> sums = credits.groupBy("model", "conversion_id")
                .agg(
                        sum("conversion_credit").as("credit"),
                        sum("revenue_credit").as("revenue"));
        Dataset<Row> joined = sums.join(conversions.select(col("conversion_id"), col("net_revenue")), "conversion_id");
        Column wrong =
                col("credit").notEqual(lit(BigDecimal.ONE)).or(col("revenue").notEqual(col("net_revenue")));
        Dataset<Row> outcome = joined.filter(wrong)
                .agg(
                        count(lit(1)).as("failed_rows"),
                        sample(concat_ws("|", col("model"), col("conversion_id")), sampleKeys)
                                .as("sample"))
                .withColumn(
                        "detail",
                        concat(
                                col("failed_rows").cast("string"),
                                lit(" (model, conversion) whose credits do not sum to 1 and to its net_revenue")));
        return single(SUMS, Table.CREDITS, outcome);
    }

    /**
     * Each model's conversion shares (and revenue shares, where not null) in {@code
     * mart.model_comparison} sum to 1 within 1e-9 (they are doubles): one small aggregation.
     */
    static Check shareSums(Dataset<Row> comparison, int sampleKeys) {
        Dataset<Row> perModel = comparison
                .groupBy("model")
                .agg(
                        sum("conversion_share").as("conversion_shares"),
                        sum("revenue_share").as("revenue_shares"),
                        count(col("revenue_share")).as("revenue_rows"));
        Column wrong = coalesce(abs(col("conversion_shares").minus(1)).gt(1e-9), lit(true))
                .or(col("revenue_rows")
                        .gt(0)
                        .and(abs(col("revenue_shares").minus(1)).gt(1e-9)));
        Dataset<Row> outcome = perModel.filter(wrong)
                .agg(
                        count(lit(1)).as("failed_rows"),
                        sample(col("model"), sampleKeys).as("sample"))
                .withColumn(
                        "detail",
                        concat(col("failed_rows").cast("string"), lit(" model(s) whose shares do not sum to 1")));
        return single(SUMS, Table.MODEL_COMPARISON, outcome);
    }

    /**
     * The source has a delivery dated within {@code lagDays} before {@code night}: a count per
     * delivery date over the partitions of the last {@code window} days (partition pruning; row
     * counts only). Failed rows: 1 when it has none.
     */
    static Check freshness(Table table, Dataset<Row> perDay, LocalDate night, int lagDays, int window) {
        LocalDate earliest = night.minusDays(lagDays);
        Dataset<Row> outcome = perDay.agg(
                        sum(when(col("dt").geq(lit(Date.valueOf(earliest))), 1L).otherwise(0L))
                                .as("fresh"),
                        max("dt").as("latest"))
                .select(
                        when(coalesce(col("fresh"), lit(0L)).gt(0), 0L)
                                .otherwise(1L)
                                .as("failed_rows"),
                        array().cast("array<string>").as("sample"),
                        concat(
                                        lit("latest delivery "),
                                        coalesce(
                                                col("latest").cast("string"),
                                                lit("none in the last " + window + " days")),
                                        lit("; expected one dated " + earliest + " or later"))
                                .as("detail"));
        return single(FRESHNESS, table, outcome);
    }

    /**
     * Tonight's rows are within {@code factor} of the median of the deliveries dated in the
     * {@code nights} days before (at least {@code minNights} of them, else the check passes and
     * says so): from the same counts per delivery date as {@link #freshness}. Failed rows: 1 when
     * tonight is off.
     */
    static Check volume(Table table, Dataset<Row> perDay, LocalDate night, int minNights, double factor) {
        Column tonight = col("dt").equalTo(lit(Date.valueOf(night)));
        Dataset<Row> stats = perDay.agg(
                coalesce(sum(when(tonight, col("rows"))), lit(0L)).as("tonight"),
                median(when(not(tonight), col("rows"))).as("median"),
                count(when(not(tonight), lit(1))).as("earlier"));
        Column judged = col("earlier").geq(minNights);
        Column off = col("tonight")
                .lt(col("median").divide(factor))
                .or(col("tonight").gt(col("median").multiply(factor)));
        Dataset<Row> outcome = stats.select(
                when(judged.and(off), 1L).otherwise(0L).as("failed_rows"),
                array().cast("array<string>").as("sample"),
                concat(
                                lit("tonight "),
                                col("tonight").cast("string"),
                                lit(" rows; median "),
                                coalesce(col("median").cast("string"), lit("none")),
                                lit(" over "),
                                col("earlier").cast("string"),
                                lit(" earlier deliveries; allowed factor " + factor),
                                when(not(judged), lit(" (too few earlier deliveries to judge)"))
                                        .otherwise(lit("")))
                        .as("detail"));
        return single(VOLUME, table, outcome);
    }
}
