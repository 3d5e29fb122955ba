package io.trueroi.journey;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.trueroi.catalog.Stage;
import io.trueroi.catalog.Table;
import io.trueroi.config.TrueRoiConfig;
import io.trueroi.identity.Identifiers;
import io.trueroi.identity.OneIdLookup;
import io.trueroi.ops.RunContext;
import io.trueroi.ops.StageAction;
import io.trueroi.ops.StageResult;
import io.trueroi.ops.TableWritten;
import io.trueroi.spark.Persisted;
import io.trueroi.spark.Warehouse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Rebuilds {@code journey.touchpoints}, {@code journey.conversions} and {@code journey.journeys}
 * from silver as of the run's last date and the current OneID map ({@link Touchpoints},
 * {@link Conversions}, {@link Journeys}). The tables are rebuilt whole, because a merge of two
 * OneIDs can change any past journey; each is replaced in one transaction.
 *
 * <p>Cost: one pass over the touch and order tables with their latest delivery per record (one
 * shuffle each), two joins with the map ({@link Identifiers#resolve}: one for all touch tables,
 * one for both order tables; each shuffles the whole map), and one shuffle by one_id for
 * the journeys. Ad clicks take a second, narrow pass first: their latest delivery over the few
 * columns that find bursts of clicks (one shuffle, then one aggregation by device or IP and hour);
 * the bursts are kept and counted, and the clicks meet them by broadcast. Nothing large is cached:
 * touchpoints and conversions are written straight from their plans, the journeys are built from
 * the written tables, and the counters read back only the columns they count.
 */
public final class JourneysAction extends StageAction<JourneysAction.Result> {
    public JourneysAction(TrueRoiConfig config, Warehouse warehouse, RunContext run) {
        super(Stage.JOURNEYS, config, warehouse, run);
    }

    /**
     * What the run built, and what it could not place: touches with no channel or no OneID, invalid
     * clicks (per campaign too), conversions with no OneID, refunds and returns naming no known sale.
     * {@code clickBursts} is null when there is no click table.
     */
    public record Result(
            Long clickBursts,
            long touchpoints,
            long unmappedTouches,
            long invalidClicks,
            long unresolvedTouches,
            long conversions,
            long anonymousConversions,
            long convertingJourneys,
            long nonConvertingJourneys,
            Map<String, Long> invalidClicksByCampaign,
            long refundsWithoutOrder,
            long returnsWithoutSale,
            List<TableWritten> tables)
            implements StageResult {
        @Override
        public Map<String, Long> counters() {
            Map<String, Long> c = new LinkedHashMap<>();
            if (clickBursts != null) {
                c.put("click_bursts", clickBursts);
            }
            c.put("touchpoints", touchpoints);
            c.put("unmapped_touches", unmappedTouches);
            c.put("invalid_clicks", invalidClicks);
            c.put("unresolved_touches", unresolvedTouches);
            c.put("conversions", conversions);
            c.put("anonymous_conversions", anonymousConversions);
            c.put("converting_journeys", convertingJourneys);
            c.put("non_converting_journeys", nonConvertingJourneys);
            invalidClicksByCampaign.forEach((campaign, n) -> c.put("invalid_clicks:" + campaign, n));
            c.put("refunds_without_order", refundsWithoutOrder);
            c.put("returns_without_sale", returnsWithoutSale);
            return c;
        }

        @Override
        public Map<String, Long> setAside() {
            Map<String, Long> c = new LinkedHashMap<>();
            c.put("unmapped_touches", unmappedTouches);
            c.put("invalid_clicks", invalidClicks);
            c.put("anonymous_conversions", anonymousConversions);
            return c;
        }
    }

    @Override
    public Result execute() {
        requireInputs();
        try (Persisted cached = new Persisted()) {
            OneIdLookup read = OneIdLookup.read(warehouse);
            // The skipped identifiers are few but cost a scan of the map; six joins use them.
            Dataset<Row> skipped = cached.keep(read.skipped());
            OneIdLookup lookup = new OneIdLookup(read.map(), skipped);
            // Computed before the touchpoints are planned, so the planner sees how few they are.
            Dataset<Row> bursts = warehouse.exists(Table.AD_CLICKS)
                    ? cached.keep(Touchpoints.bursts(warehouse, config, run.to()))
                    : null;
            Long burstCount = bursts == null ? null : step("find click bursts", bursts::count);
            // Each table is written straight from its plan and read back by what follows: the written
            // table is the cache, which costs less than building an in-memory one of each.
            Dataset<Row> touchpoints =
                    writeAndRead(Table.TOUCHPOINTS, Touchpoints.build(warehouse, config, lookup, bursts, run.to()));
            Dataset<Row> conversions =
                    writeAndRead(Table.CONVERSIONS, Conversions.build(warehouse, config, lookup, run.to()));
            Dataset<Row> journeys = writeAndRead(
                    Table.JOURNEYS,
                    Journeys.build(touchpoints, conversions, config.journeys().lookbackDays()));
            return step("count", () -> summarise(burstCount, touchpoints, conversions, journeys));
        }
    }

    private Result summarise(Long bursts, Dataset<Row> touchpoints, Dataset<Row> conversions, Dataset<Row> journeys) {
        Row t = touchpoints
                .agg(
                        count(lit(1)),
                        // A night with no touches at all sums nothing: null, counted as 0.
                        coalesce(
                                sum(when(col("channel").equalTo(ChannelTaxonomy.UNMAPPED), 1L)
                                        .otherwise(0L)),
                                lit(0L)),
                        coalesce(sum(when(col("is_invalid"), 1L).otherwise(0L)), lit(0L)),
                        coalesce(sum(when(col("one_id").isNull(), 1L).otherwise(0L)), lit(0L)))
                .first();
        Row c = conversions
                .agg(count(lit(1)), sum(when(col("one_id").isNull(), 1L).otherwise(0L)))
                .first();
        Row j = journeys.agg(
                        sum(when(col("converted"), 1L).otherwise(0L)),
                        sum(when(col("converted"), 0L).otherwise(1L)))
                .first();
        // Invalid clicks per campaign: one row per campaign reaches the driver.
        Map<String, Long> byCampaign = new LinkedHashMap<>();
        for (Row r : touchpoints
                .filter(col("is_invalid"))
                .groupBy("campaign_id")
                .count()
                .collectAsList()) {
            byCampaign.put(r.isNullAt(0) ? "(none)" : r.getString(0), r.getLong(1));
        }
        Conversions.Unlinked unlinked = Conversions.unlinked(warehouse, run.to(), conversions);
        long converting = j.isNullAt(0) ? 0 : j.getLong(0);
        long nonConverting = j.isNullAt(1) ? 0 : j.getLong(1);
        return new Result(
                bursts,
                t.getLong(0),
                t.getLong(1),
                t.getLong(2),
                t.getLong(3),
                c.getLong(0),
                c.isNullAt(1) ? 0 : c.getLong(1),
                converting,
                nonConverting,
                byCampaign,
                unlinked.refundsWithoutOrder(),
                unlinked.returnsWithoutSale(),
                List.of(
                        written(Table.TOUCHPOINTS, t.getLong(0)),
                        written(Table.CONVERSIONS, c.getLong(0)),
                        written(Table.JOURNEYS, converting + nonConverting)));
    }

    /** Replaces the table with {@code data}; returns the table as written. */
    private Dataset<Row> writeAndRead(Table table, Dataset<Row> data) {
        step("write " + table, () -> warehouse.overwrite(data, table));
        return warehouse.read(table);
    }
}
