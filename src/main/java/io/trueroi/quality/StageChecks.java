package io.trueroi.quality;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import io.trueroi.catalog.Layer;
import io.trueroi.catalog.Stage;
import io.trueroi.catalog.Table;
import io.trueroi.config.ChannelRule;
import io.trueroi.config.QualitySettings;
import io.trueroi.config.TrueRoiConfig;
import io.trueroi.ingest.Readers;
import io.trueroi.ingest.SourceReader;
import io.trueroi.ops.RunContext;
import io.trueroi.spark.Warehouse;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The checks of each stage's output, following the flow: what ingest wrote tonight (its silver
 * deliveries and their freshness and volume), then the identity map, the journeys, the credits
 * and the marts, each whole (those stages rebuild them whole).
 */
final class StageChecks {
    private final TrueRoiConfig config;
    private final QualitySettings settings;
    private final Warehouse warehouse;
    private final RunContext run;

    StageChecks(TrueRoiConfig config, Warehouse warehouse, RunContext run) {
        this.config = config;
        this.settings = config.quality();
        this.warehouse = warehouse;
        this.run = run;
    }

    /** The checks of what {@code stage} wrote; {@code groups} are the source groups ingest read. */
    List<Check> of(Stage stage, Set<String> groups) {
        return switch (stage) {
            case INGEST -> ingest(groups);
                // identity.record_identifiers is the stage's working copy of silver's identifiers, read
                // back by the next night: what it makes of them is the map, checked here.
            case IDENTITY -> whole(Table.IDENTITY_MAP, Table.AMBIGUOUS_IDENTIFIERS, Table.ONE_ID_HISTORY);
            case JOURNEYS -> journeys();
            case ATTRIBUTION -> attribution();
            case MARTS -> marts();
        };
    }

    /**
     * Per silver table of the groups read: key and required columns over the deliveries this run
     * read again ({@code ops.ingested_files} rows with its run id), and the freshness and volume
     * of its deliveries as of the run's last date.
     */
    private List<Check> ingest(Set<String> groups) {
        List<Check> checks = new ArrayList<>();
        Map<String, Set<Date>> read = datesRead();
        LocalDate night = run.to();
        int window = Math.max(
                settings.volumeNights(),
                settings.freshnessLagDays().values().stream()
                        .mapToInt(Integer::intValue)
                        .max()
                        .orElse(0));
        for (SourceReader r : Readers.ofGroups(groups)) {
            Table t = r.table();
            if (!warehouse.exists(t)) {
                continue;
            }
            Set<Date> dates = read.getOrDefault(t.tableName(), Set.of());
            if (!dates.isEmpty()) {
                Dataset<Row> tonight = warehouse.read(t).filter(col("dt").isin(dates.toArray()));
                checks.addAll(Check.ofTable(t, tonight, null, List.of(), settings.sampleKeys()));
            }
            Dataset<Row> perDay = warehouse
                    .read(t)
                    .filter(col("dt").between(Date.valueOf(night.minusDays(window)), Date.valueOf(night)))
                    .groupBy("dt")
                    .agg(count(lit(1)).as("rows"));
            // Freshness and volume of one table in one query: most of a small query's cost is its
            // planning and Delta's listing, not the rows.
            Check freshness = Check.freshness(
                    t, perDay, night, settings.freshnessLagDays().getOrDefault(t.tableName(), 0), window);
            Check volume = Check.volume(t, perDay, night, settings.volumeMinNights(), settings.volumeFactor());
            checks.add(new Check(t, freshness.outcomes().unionByName(volume.outcomes())));
        }
        // A run that read no file wrote no quarantine row.
        if (!read.isEmpty() && warehouse.exists(Table.REJECTED_RECORDS)) {
            checks.addAll(Check.ofTable(
                    Table.REJECTED_RECORDS,
                    warehouse.read(Table.REJECTED_RECORDS).filter(col("run_id").equalTo(run.runId())),
                    null,
                    List.of(),
                    settings.sampleKeys()));
        }
        return checks;
    }

    /** The delivery dates per feed this run read ({@code ops.ingested_files}): a few rows. */
    private Map<String, Set<Date>> datesRead() {
        Map<String, Set<Date>> dates = new TreeMap<>();
        if (!warehouse.exists(Table.INGESTED_FILES)) {
            return dates;
        }
        for (Row r : warehouse
                .read(Table.INGESTED_FILES)
                .filter(col("run_id").equalTo(run.runId()))
                .select("feed", "dt")
                .distinct()
                .collectAsList()) {
            dates.computeIfAbsent(r.getString(0), k -> new TreeSet<>()).add(r.getDate(1));
        }
        return dates;
    }

    private List<Check> journeys() {
        List<Check> checks = whole(Table.TOUCHPOINTS, Table.CONVERSIONS, Table.JOURNEYS);
        checks.add(Check.references(
                Table.CONVERSIONS,
                warehouse.read(Table.CONVERSIONS),
                "one_id",
                Table.IDENTITY_MAP,
                warehouse.read(Table.IDENTITY_MAP),
                "one_id",
                settings.sampleKeys()));
        return checks;
    }

    private List<Check> attribution() {
        List<Check> checks = whole(
                Table.CREDITS,
                Table.MARKOV_DAILY_COUNTS,
                Table.MARKOV_REMOVAL_EFFECTS,
                Table.MARKOV_TRANSITIONS,
                Table.CREDIT_REPLICATES);
        if (warehouse.exists(Table.CREDITS)) {
            Dataset<Row> credits = warehouse.read(Table.CREDITS);
            Dataset<Row> conversions = warehouse.read(Table.CONVERSIONS);
            checks.add(Check.references(
                    Table.CREDITS,
                    credits,
                    "conversion_id",
                    Table.CONVERSIONS,
                    conversions,
                    "conversion_id",
                    settings.sampleKeys()));
            checks.add(Check.creditSums(credits, conversions, settings.sampleKeys()));
        }
        return checks;
    }

    /** Each mart whole, with its channel column checked against the rules' channels. */
    private List<Check> marts() {
        Set<String> channels = new TreeSet<>(Check.SPECIAL_CHANNELS);
        for (ChannelRule rule : config.channels()) {
            channels.add(rule.channel());
        }
        Map<Table, String> channelColumns = Map.of(
                Table.CHANNEL_ROI_DAILY, "channel",
                Table.MODEL_COMPARISON, "channel",
                Table.CUSTOMER_LTV, "acquisition_channel",
                Table.COHORT_LTV, "acquisition_channel",
                Table.CHANNEL_LTV_CAC, "channel",
                Table.CHANNEL_INCREMENTALITY, "channel");
        List<Check> checks = new ArrayList<>();
        for (Table t : Table.of(Layer.MART)) {
            if (warehouse.exists(t)) {
                checks.addAll(
                        Check.ofTable(t, warehouse.read(t), channelColumns.get(t), channels, settings.sampleKeys()));
            }
        }
        if (warehouse.exists(Table.MODEL_COMPARISON)) {
            checks.add(Check.shareSums(warehouse.read(Table.MODEL_COMPARISON), settings.sampleKeys()));
        }
        return checks;
    }

    /** Key and required columns of each table, read whole; a table not written yet is skipped. */
    private List<Check> whole(Table... tables) {
        List<Check> checks = new ArrayList<>();
        for (Table t : tables) {
            if (!warehouse.exists(t)) {
                continue;
            }
            checks.addAll(Check.ofTable(t, warehouse.read(t), null, List.of(), settings.sampleKeys()));
        }
        return checks;
    }
}
