package io.trueroi.marts;

import io.trueroi.catalog.Stage;
import io.trueroi.catalog.Table;
import io.trueroi.clv.ClvSummary;
import io.trueroi.clv.ClvTraining;
import io.trueroi.config.MartSettings;
import io.trueroi.config.TrueRoiConfig;
import io.trueroi.ops.JobFailure;
import io.trueroi.ops.RunContext;
import io.trueroi.ops.StageAction;
import io.trueroi.ops.StageResult;
import io.trueroi.ops.TableWritten;
import io.trueroi.spark.Persisted;
import io.trueroi.spark.Warehouse;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Builds the analyst-facing {@code mart.*} tables from the journeys, the credits and the ad
 * spend, as of the run's last date: {@link ChannelRoiDaily}, {@link ModelComparison},
 * {@link ChannelIncrementality}, {@link ClaimedVsReal}, {@link ClaimsReconciliation},
 * {@link CustomerLtv}, {@link CohortLtv}, {@link ChannelLtvCac}, {@link PathSummary}, and the
 * predicted lifetime value: {@link CustomerClv}, {@link ClvModel}, {@link ChannelPredictedClv}.
 *
 * <p>Each table is written in one Delta transaction. {@code channel_roi_daily}, {@code claimed_vs_real} and {@code claims_reconciliation} replace every
 * date up to the run's last date (late refunds, late conversions crediting old touches and OneID
 * merges change past days; days after it, from a later run, are kept); the other marts are
 * snapshots as of that date ({@code as_of_date}) and are replaced whole. Re-running gives the same
 * tables. A failure part-way leaves the marts already written at their new version and the rest at
 * their previous one; the re-run completes them.
 *
 * <p>Cost: small next to attribution — one join of credits to conversions, aggregations of
 * credits, conversions and journeys; customer_ltv is written first and read back by the two
 * marts built on it. The lifetime-value step adds two aggregations of the conversions (the
 * customers' summary, kept), two groupings of it collected to the driver for the fits (distinct
 * (x, t_x, T) and (x, repeat value) groups, not customers) and one pass over the distinct triples
 * for the predictions; customer_clv is read back by channel_ltv_cac and channel_predicted_clv.
 */
public final class MartsAction extends StageAction<MartsAction.Result> {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("io.trueroi");

    /** Counter prefix of a mart's build-and-write milliseconds ({@code ops.job_runs.counters}). */
    public static final String WRITE_MS = "write_ms:";

    private final Map<String, Long> writeMillis = new LinkedHashMap<>();

    public MartsAction(TrueRoiConfig config, Warehouse warehouse, RunContext run) {
        super(Stage.MARTS, config, warehouse, run);
    }

    /** Rows written per mart, in the order written. */
    public record Result(
            Map<Table, Long> rowsByMart, Map<String, Long> clv, List<TableWritten> tables, List<String> headlines)
            implements StageResult {
        @Override
        public Map<String, Long> counters() {
            Map<String, Long> c = new LinkedHashMap<>();
            rowsByMart.forEach((t, rows) -> c.put(t.tableName(), rows));
            c.putAll(clv);
            return c;
        }
    }

    /** The stage's inputs, read once. */
    private record Inputs(
            Dataset<Row> credits,
            Dataset<Row> replicates,
            Dataset<Row> conversions,
            Dataset<Row> touchpoints,
            Dataset<Row> journeys) {}

    @Override
    public Result execute() {
        requireInputs();
        LocalDate upTo = run.to();
        Inputs in = new Inputs(
                warehouse.read(Table.CREDITS),
                warehouse.read(Table.CREDIT_REPLICATES),
                warehouse.read(Table.CONVERSIONS),
                warehouse.read(Table.TOUCHPOINTS),
                warehouse.read(Table.JOURNEYS));
        Map<Table, Long> rows = new LinkedHashMap<>();
        Map<String, Long> counters = new LinkedHashMap<>();
        // Several marts use the spend and the customers' orders: kept after first use, not recomputed.
        try (Persisted cached = new Persisted()) {
            Dataset<Row> reported = cached.keep(Spend.reported(spark(), warehouse, config, upTo));
            Dataset<Row> spend = cached.keep(Spend.daily(reported));
            Dataset<Row> totals = cached.keep(CreditTotals.build(in.credits(), in.conversions(), upTo));
            Dataset<Row> intervals = cached.keep(ChannelIncrementality.intervals(
                    in.credits(), in.replicates(), config.attribution().intervalLevel(), upTo));
            spendMarts(in, totals, intervals, reported, spend, upTo, rows);
            Dataset<Row> conversions = in.conversions();
            write(Table.CUSTOMER_LTV, CustomerLtv.build(conversions, in.journeys(), upTo), null, rows);
            Dataset<Row> customers = warehouse.read(Table.CUSTOMER_LTV);
            Dataset<Row> orders = cached.keep(CustomerLtv.customerOrders(conversions, customers, upTo));
            write(Table.COHORT_LTV, CohortLtv.build(customers, orders, upTo), null, rows);
            boolean predicted = config.marts().clv().enabled() && clv(conversions, upTo, cached, rows, counters);
            write(
                    Table.CHANNEL_LTV_CAC,
                    ChannelLtvCac.build(
                            customers, orders, spend, predicted ? warehouse.read(Table.CUSTOMER_CLV) : null, upTo),
                    null,
                    rows);
            if (predicted) {
                write(
                        Table.CHANNEL_PREDICTED_CLV,
                        ChannelPredictedClv.build(
                                in.credits(), conversions, warehouse.read(Table.CUSTOMER_CLV), spend, upTo),
                        null,
                        rows);
            }
            write(
                    Table.PATH_SUMMARY,
                    PathSummary.build(in.journeys(), config.marts().topPaths(), upTo),
                    null,
                    rows);
        }
        counters.putAll(writeMillis);
        List<TableWritten> tables = new ArrayList<>();
        rows.forEach((t, n) -> tables.add(written(t, n)));
        return new Result(rows, counters, List.copyOf(tables), ClaimsReconciliation.week(warehouse, upTo));
    }

    /** The marts of spend against credits: ROI per day, the models' shares, incrementality, claims. */
    private void spendMarts(
            Inputs in,
            Dataset<Row> totals,
            Dataset<Row> intervals,
            Dataset<Row> reported,
            Dataset<Row> spend,
            LocalDate upTo,
            Map<Table, Long> rows) {
        List<io.trueroi.catalog.ModelName> models = config.attribution().models();
        String upToDate = "date <= DATE'" + upTo + "'";
        write(
                Table.CHANNEL_ROI_DAILY,
                ChannelRoiDaily.build(spark(), totals, in.touchpoints(), spend, models, upTo),
                upToDate,
                rows);
        double level = config.attribution().intervalLevel();
        write(Table.MODEL_COMPARISON, ModelComparison.build(in.credits(), in.replicates(), level, upTo), null, rows);
        write(
                Table.CHANNEL_INCREMENTALITY,
                ChannelIncrementality.build(in.credits(), intervals, spend, upTo),
                null,
                rows);
        write(
                Table.CLAIMED_VS_REAL,
                ClaimedVsReal.build(spark(), totals, intervals, reported, models, upTo),
                upToDate,
                rows);
        write(
                Table.CLAIMS_RECONCILIATION,
                ClaimsReconciliation.build(in.conversions(), reported, upTo),
                upToDate,
                rows);
    }

    /**
     * The predicted lifetime value: the customers' summary, both fits, then {@code
     * mart.customer_clv} and {@code mart.clv_model}; true when they were written. Data the models cannot be fitted on (no repeat
     * buyer yet, a history shorter than the time unit) or a fit that does not converge skip the
     * step with a warning that says why, and leave both tables as they were: the other marts of
     * the night stand, and yesterday's predictions stay (their {@code as_of_date} shows their age).
     */
    private boolean clv(
            Dataset<Row> conversions,
            LocalDate upTo,
            Persisted cached,
            Map<Table, Long> rows,
            Map<String, Long> counters) {
        MartSettings.Clv settings = config.marts().clv();
        // Read by the fit's groupings and by the predictions.
        Dataset<Row> summary = cached.keep(ClvSummary.build(conversions, upTo));
        ClvTraining.Fit fit;
        try {
            fit = step("clv fit", () -> ClvTraining.fit(summary, settings.unitDays(), settings.minRepeatBuyers()));
        } catch (JobFailure e) {
            LOG.warn("marts: clv skipped, mart.customer_clv and mart.clv_model unchanged: {}", e.getMessage());
            counters.put("clv_skipped", 1L);
            return false;
        }
        LOG.info(
                "marts: clv fitted on {} customers ({} repeat buyers, {} distinct (x, t_x, T)): BG/NBD {} (LL {}),"
                        + " Gamma-Gamma {} (LL {})",
                fit.customers(),
                fit.repeatBuyers(),
                fit.triples(),
                fit.bgNbd().params(),
                fit.bgNbd().logLikelihood(),
                fit.gammaGamma().params(),
                fit.gammaGamma().logLikelihood());
        if (fit.gammaGamma().pooled()) {
            LOG.warn("marts: clv: customers' spend per purchase differs no more than one customer's purchases do"
                    + " (Gamma-Gamma's q at the top of its search): every customer's expected value per purchase is"
                    + " the pooled mean");
            counters.put("clv_gamma_gamma_pooled", 1L);
        }
        counters.put("clv_customers", fit.customers());
        counters.put("clv_repeat_buyers", fit.repeatBuyers());
        counters.put("clv_triples", fit.triples());
        counters.put("clv_excluded_from_gamma_gamma", fit.excludedFromGammaGamma());
        write(Table.CUSTOMER_CLV, CustomerClv.build(summary, fit, settings.annualDiscountRate(), upTo), null, rows);
        write(Table.CLV_MODEL, ClvModel.build(spark(), fit, upTo), "as_of_date = DATE'" + upTo + "'", rows);
        return true;
    }

    /** One transaction: the rows matching {@code predicate} replaced, or (null) the whole table. */
    private void write(Table table, Dataset<Row> data, String predicate, Map<Table, Long> rows) {
        // The rows written come from the commit's metrics (the rows now matching the predicate, or
        // the whole table), not from a second scan of what was just written.
        long t0 = System.nanoTime();
        rows.put(table, step("write " + table, () -> {
            long before = warehouse.version(table);
            if (predicate == null) {
                warehouse.overwrite(data, table);
            } else {
                warehouse.replace(data, table, predicate, List.of());
            }
            return warehouse.rowsWrittenSince(table, before);
        }));
        // What each mart costs, building included (Spark computes it in its write): the bench's figures.
        writeMillis.put(WRITE_MS + table.tableName(), (System.nanoTime() - t0) / 1_000_000);
    }
}
