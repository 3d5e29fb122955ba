package io.trueroi.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trueroi.catalog.ModelName;
import io.trueroi.catalog.Table;
import io.trueroi.spark.Warehouse;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The numbers of the page, one aggregate query per panel over the marts and {@code ops} tables in
 * {@link #READS}, never journeys or credits, so the page's cost follows dates × channels × models,
 * not events. A panel over periods has a {@code days} column: the run date (1) and the 7, 30 and 90
 * days to it; the headline also has each period's {@code previous} one, the same length before it.
 *
 * <p>Cost: one small Spark job per panel (about a dozen), each a scan of one mart filtered by date
 * and a range join with eight period windows; every result is bounded by periods × channels,
 * platforms, models or 90 days, so it is collected.
 */
final class ReportData {
    /** What the page reads: a query naming any other table fails ({@link #sql}). */
    static final List<Table> READS = List.of(
            Table.CHANNEL_ROI_DAILY,
            Table.CLAIMED_VS_REAL,
            Table.CLAIMS_RECONCILIATION,
            Table.MODEL_COMPARISON,
            Table.CUSTOMER_LTV,
            Table.COHORT_LTV,
            Table.CHANNEL_LTV_CAC,
            Table.CHANNEL_PREDICTED_CLV,
            Table.PATH_SUMMARY,
            Table.JOB_RUNS,
            Table.QUALITY_CHECKS,
            Table.INGESTED_FILES,
            Table.REJECTED_RECORDS);

    /** The periods, in days to the run date. */
    static final List<Integer> PERIODS = List.of(1, 7, 30, 90);

    /** The daily trend's and the quarantine panel's span, in days to the run date. */
    static final int TREND_DAYS = 90;

    /** Paths the Sankey diagram and its table show, the most travelled first. */
    static final int TOP_PATHS = 20;

    private static final Pattern REF = Pattern.compile("\\$\\{([a-z_]+\\.[a-z_]+)}");

    /** {@code @as_of(${t})}: the latest {@code as_of_date} of t on or before the run date. */
    private static final Pattern AS_OF = Pattern.compile("@as_of\\((\\$\\{[a-z_]+\\.[a-z_]+})\\)");

    private static final String WINDOWS =
            """
            windows AS (
              SELECT days, 'current' AS span, date_sub(@date, days - 1) AS first_day, @date AS last_day
              FROM VALUES (1), (7), (30), (90) AS p(days)
              UNION ALL
              SELECT days, 'previous', date_sub(@date, 2 * days - 1), date_sub(@date, days)
              FROM VALUES (1), (7), (30), (90) AS p(days))
            """;

    /** The latest successful run of each job covering the date. */
    private static final String LATEST_RUNS =
            """
            WITH latest AS (
              SELECT run_id, job, date_from, date_to, ended_at FROM (
                SELECT *, ROW_NUMBER() OVER (PARTITION BY job ORDER BY ended_at DESC, run_id DESC) AS n
                FROM ${ops.job_runs}
                WHERE status = 'SUCCEEDED' AND @date BETWEEN date_from AND date_to)
              WHERE n = 1)
            """;

    private final Warehouse warehouse;
    private final LocalDate date;
    private final ModelName model;

    ReportData(Warehouse warehouse, LocalDate date, ModelName model) {
        this.warehouse = warehouse;
        this.date = date;
        this.model = model;
    }

    /**
     * Per period and span: spend, the business's net revenue, the paid channels' credited and
     * caused net revenue (with the caused interval's bounds summed, which treats days and channels
     * as moving together: at least as wide as the true interval), real ROAS and iROAS, the
     * customers whose first purchase fell in the period and CAC, and the predicted 365-day value
     * of the paid channels' customers against their spend.
     */
    ObjectNode headline() {
        ObjectNode headline = panel(
                "WITH " + WINDOWS
                        + """
                , roi AS (
                  SELECT w.days, w.span, SUM(r.spend) AS spend
                  FROM windows w LEFT JOIN ${mart.channel_roi_daily} r
                    ON r.date BETWEEN w.first_day AND w.last_day AND r.model = @model
                  GROUP BY w.days, w.span)
                , fresh AS (
                  SELECT w.days, w.span, COUNT(c.one_id) AS new_customers
                  FROM windows w LEFT JOIN ${mart.customer_ltv} c
                    ON c.acquisition_date BETWEEN w.first_day AND w.last_day
                   AND c.as_of_date = @as_of(${mart.customer_ltv})
                  GROUP BY w.days, w.span)
                , paid AS (
                  SELECT w.days, w.span,
                         SUM(IF(c.model = @model, c.spend, 0)) AS paid_spend,
                         SUM(IF(c.model = @model, c.credited_net_revenue, 0)) AS credited_net_revenue,
                         SUM(IF(c.model = 'incremental', c.caused_net_revenue, NULL)) AS caused_net_revenue,
                         SUM(IF(c.model = 'incremental', c.caused_net_revenue_lo, NULL)) AS caused_net_revenue_lo,
                         SUM(IF(c.model = 'incremental', c.caused_net_revenue_hi, NULL)) AS caused_net_revenue_hi
                  FROM windows w LEFT JOIN ${mart.claimed_vs_real} c
                    ON c.date BETWEEN w.first_day AND w.last_day
                  GROUP BY w.days, w.span)
                , booked AS (
                  SELECT w.days, w.span, SUM(k.orders) AS orders, SUM(k.net_revenue) AS net_revenue
                  FROM windows w LEFT JOIN ${mart.claims_reconciliation} k
                    ON k.date BETWEEN w.first_day AND w.last_day
                  GROUP BY w.days, w.span)
                SELECT days, span, COALESCE(spend, 0) AS spend, COALESCE(net_revenue, 0) AS net_revenue,
                       orders, credited_net_revenue,
                       ROUND(try_divide(credited_net_revenue, paid_spend), 4) AS real_roas,
                       caused_net_revenue, caused_net_revenue_lo, caused_net_revenue_hi,
                       ROUND(try_divide(caused_net_revenue, paid_spend), 4) AS iroas,
                       ROUND(try_divide(caused_net_revenue_lo, paid_spend), 4) AS iroas_lo,
                       ROUND(try_divide(caused_net_revenue_hi, paid_spend), 4) AS iroas_hi,
                       new_customers,
                       ROUND(try_divide(spend, new_customers), 2) AS cac
                FROM roi JOIN fresh USING (days, span) JOIN paid USING (days, span) JOIN booked USING (days, span)
                ORDER BY days, span
                """,
                Table.CHANNEL_ROI_DAILY,
                Table.CUSTOMER_LTV,
                Table.CLAIMED_VS_REAL,
                Table.CLAIMS_RECONCILIATION);
        return withLtvCac(headline);
    }

    /**
     * The headline's last column, predicted 365-day LTV:CAC as of each period's last day: null
     * where the CLV step has not written channel_predicted_clv (it skips itself on too few repeat
     * buyers), so that one figure, not the whole headline, is missing.
     */
    private ObjectNode withLtvCac(ObjectNode headline) {
        if (headline.has("missing")) {
            return headline;
        }
        Map<String, JsonNode> byWindow = new HashMap<>();
        if (warehouse.exists(Table.CHANNEL_PREDICTED_CLV)) {
            ObjectNode clv = JsonRows.panel(
                    Table.CHANNEL_PREDICTED_CLV.qualifiedName(),
                    sql(
                            "WITH " + WINDOWS
                                    + """
                    SELECT w.days, w.span,
                           ROUND(try_divide(SUM(IF(p.spend > 0, p.predicted_clv_365, 0)), SUM(p.spend)), 4) AS ltv_cac
                    FROM windows w JOIN ${mart.channel_predicted_clv} p
                      ON p.as_of_date = w.last_day AND p.model = @model
                    GROUP BY w.days, w.span
                    """));
            clv.get("rows")
                    .forEach(
                            r -> byWindow.put(r.get(0).asText() + "/" + r.get(1).asText(), r.get(2)));
        }
        ((ArrayNode) headline.get("columns")).add("ltv_cac_predicted_365");
        headline.get("rows").forEach(r -> ((ArrayNode) r)
                .add(byWindow.getOrDefault(r.get(0).asText() + "/" + r.get(1).asText(), JsonRows.JSON.nullNode())));
        return headline;
    }

    /** Per period and platform: what it claims beside what the model credits and what was caused. */
    ObjectNode claims() {
        return panel(
                "WITH " + WINDOWS
                        + """
                , p AS (
                  SELECT w.days, c.platform,
                         SUM(IF(c.model = @model, c.spend, 0)) AS spend,
                         SUM(IF(c.model = @model, c.claimed_conversions, 0)) AS claimed_conversions,
                         SUM(IF(c.model = @model, c.claimed_value, 0)) AS claimed_value,
                         SUM(IF(c.model = @model, c.credited_net_revenue, 0)) AS credited_net_revenue,
                         SUM(IF(c.model = 'incremental', c.caused_net_revenue, NULL)) AS caused_net_revenue
                  FROM windows w JOIN ${mart.claimed_vs_real} c
                    ON c.date BETWEEN w.first_day AND w.last_day AND w.span = 'current'
                  GROUP BY w.days, c.platform)
                SELECT days, platform, spend, claimed_conversions, claimed_value, credited_net_revenue,
                       caused_net_revenue,
                       ROUND(try_divide(claimed_value, credited_net_revenue), 4) AS claims_to_credited,
                       ROUND(try_divide(claimed_value, caused_net_revenue), 4) AS claims_to_caused
                FROM p ORDER BY days, platform
                """,
                Table.CLAIMED_VS_REAL);
    }

    /** Per period and paid channel: real ROAS under the model and iROAS with its interval. */
    ObjectNode channels() {
        return panel(
                "WITH " + WINDOWS
                        + """
                , c AS (
                  SELECT w.days, v.channel,
                         SUM(IF(v.model = @model, v.spend, 0)) AS spend,
                         SUM(IF(v.model = @model, v.credited_net_revenue, 0)) AS credited_net_revenue,
                         SUM(IF(v.model = 'incremental', v.caused_net_revenue, NULL)) AS caused_net_revenue,
                         SUM(IF(v.model = 'incremental', v.caused_net_revenue_lo, NULL)) AS lo,
                         SUM(IF(v.model = 'incremental', v.caused_net_revenue_hi, NULL)) AS hi
                  FROM windows w JOIN ${mart.claimed_vs_real} v
                    ON v.date BETWEEN w.first_day AND w.last_day AND w.span = 'current'
                  GROUP BY w.days, v.channel)
                SELECT days, channel, spend, credited_net_revenue,
                       ROUND(try_divide(credited_net_revenue, spend), 4) AS real_roas, caused_net_revenue,
                       ROUND(try_divide(caused_net_revenue, spend), 4) AS iroas,
                       ROUND(try_divide(lo, spend), 4) AS iroas_lo, ROUND(try_divide(hi, spend), 4) AS iroas_hi
                FROM c ORDER BY days, channel
                """,
                Table.CLAIMED_VS_REAL);
    }

    /**
     * Every conversion to the latest comparison's date: the net revenue booked, the part a model
     * credits to touches, the part no touch preceded, and the rest, whose buyer has no OneID.
     * model_comparison holds every conversion by its own date, where channel_roi_daily dates a
     * credit by its touch, so only it splits the booked revenue exactly.
     */
    ObjectNode coverage() {
        return panel(
                """
                WITH m AS (
                  SELECT as_of_date, SUM(IF(channel <> '(none)', net_revenue, 0)) AS net_revenue_with_touches,
                         SUM(IF(channel = '(none)', net_revenue, 0)) AS net_revenue_no_touch
                  FROM ${mart.model_comparison}
                  WHERE model = @model
                    AND as_of_date = @as_of(${mart.model_comparison})
                  GROUP BY as_of_date)
                , b AS (
                  SELECT m.as_of_date, SUM(k.net_revenue) AS net_revenue
                  FROM m JOIN ${mart.claims_reconciliation} k ON k.date <= m.as_of_date
                  GROUP BY m.as_of_date)
                SELECT as_of_date, b.net_revenue, net_revenue_with_touches, net_revenue_no_touch,
                       b.net_revenue - net_revenue_with_touches - net_revenue_no_touch AS net_revenue_unidentified,
                       ROUND(try_divide(net_revenue_with_touches, b.net_revenue), 4) AS share_with_touches
                FROM m JOIN b USING (as_of_date)
                """,
                Table.MODEL_COMPARISON,
                Table.CLAIMS_RECONCILIATION);
    }

    /** Every model's channel shares with their intervals, from the latest comparison on or before the date. */
    ObjectNode models() {
        return panel(
                """
                SELECT as_of_date, model, channel, conversion_share, conversion_share_lo, conversion_share_hi,
                       revenue_share
                FROM ${mart.model_comparison}
                WHERE as_of_date = @as_of(${mart.model_comparison})
                ORDER BY model, channel
                """,
                Table.MODEL_COMPARISON);
    }

    /** Spend and credited net revenue per day and channel over the trend's span. */
    ObjectNode daily() {
        return panel(
                """
                SELECT date, channel, SUM(spend) AS spend, SUM(net_revenue) AS net_revenue
                FROM ${mart.channel_roi_daily}
                WHERE model = @model AND date BETWEEN date_sub(@date, %d) AND @date
                GROUP BY date, channel ORDER BY date, channel
                """
                        .formatted(TREND_DAYS - 1),
                Table.CHANNEL_ROI_DAILY);
    }

    /** Cumulative net revenue per customer by acquisition month, every channel together. */
    ObjectNode cohorts() {
        return panel(
                """
                SELECT acquisition_month, months_since_acquisition, SUM(cohort_size) AS customers,
                       ROUND(try_divide(SUM(cumulative_net_revenue_per_customer * cohort_size), SUM(cohort_size)), 2)
                         AS cumulative_net_revenue_per_customer
                FROM ${mart.cohort_ltv}
                WHERE as_of_date = @as_of(${mart.cohort_ltv})
                GROUP BY acquisition_month, months_since_acquisition
                ORDER BY acquisition_month, months_since_acquisition
                """,
                Table.COHORT_LTV);
    }

    /** Customers acquired, realised and predicted value and CAC per acquisition channel. */
    ObjectNode clv() {
        return panel(
                """
                SELECT channel, customers_acquired, cac, avg_ltv_90, avg_predicted_clv_365, ltv_cac_predicted_365
                FROM ${mart.channel_ltv_cac}
                WHERE as_of_date = @as_of(${mart.channel_ltv_cac})
                ORDER BY channel
                """,
                Table.CHANNEL_LTV_CAC);
    }

    /** The most travelled paths, converting or not. */
    ObjectNode paths() {
        return panel(
                """
                SELECT rank, path, path_length, journeys, conversions, net_revenue
                FROM ${mart.path_summary}
                WHERE as_of_date = @as_of(${mart.path_summary})
                  AND rank <= %d
                ORDER BY rank
                """
                        .formatted(TOP_PATHS),
                Table.PATH_SUMMARY);
    }

    /** The checks that did not pass in the last successful run of each stage that covered the date. */
    ObjectNode warnings() {
        return panel(
                LATEST_RUNS
                        + """
                SELECT q.stage, q.`table`, q.`check`, q.severity, q.failed_rows, q.detail
                FROM ${ops.quality_checks} q JOIN latest l ON q.run_id = l.run_id
                WHERE NOT q.passed
                ORDER BY q.stage, q.`table`, q.`check`
                """,
                Table.QUALITY_CHECKS,
                Table.JOB_RUNS);
    }

    /** Quarantined lines per feed and reason, delivered in the trend's span. */
    ObjectNode quarantine() {
        return panel(
                """
                SELECT source AS feed, reason_code, COUNT(*) AS lines
                FROM ${quarantine.rejected_records}
                WHERE dt BETWEEN date_sub(@date, %d) AND @date
                GROUP BY source, reason_code ORDER BY source, reason_code
                """
                        .formatted(TREND_DAYS - 1),
                Table.REJECTED_RECORDS);
    }

    /**
     * Per feed: the latest delivery read on or before the date, how many days behind it is, and the
     * verdict and words of the freshness check of the last ingest that covered the date.
     */
    ObjectNode freshness() {
        return panel(
                LATEST_RUNS
                        + """
                , files AS (
                  SELECT feed, MAX(dt) AS last_delivery, COUNT(*) AS files
                  FROM ${ops.ingested_files} WHERE dt <= @date GROUP BY feed)
                , checks AS (
                  SELECT substring(q.`table`, 8) AS feed, q.passed, q.detail
                  FROM ${ops.quality_checks} q JOIN latest l ON q.run_id = l.run_id
                  WHERE q.`check` = 'freshness' AND q.`table` LIKE 'silver.%')
                SELECT f.feed, f.last_delivery, datediff(@date, f.last_delivery) AS days_behind, f.files,
                       c.passed AS freshness_passed, c.detail
                FROM files f LEFT JOIN checks c ON f.feed = c.feed
                ORDER BY f.feed
                """,
                Table.INGESTED_FILES,
                Table.QUALITY_CHECKS,
                Table.JOB_RUNS);
    }

    /** The run of the marts stage whose data the page shows: the latest successful one covering the date. */
    ObjectNode run() {
        return panel(
                LATEST_RUNS
                        + """
                SELECT l.run_id, l.job, l.date_from, l.date_to, l.ended_at FROM latest l
                WHERE l.job = 'marts'
                """,
                Table.JOB_RUNS);
    }

    /** A panel, or one saying which table the warehouse lacks. */
    ObjectNode panel(String sql, Table... tables) {
        for (Table t : tables) {
            if (!warehouse.exists(t)) {
                return JsonRows.missing(tables[0].qualifiedName(), t.qualifiedName() + " does not exist yet");
            }
        }
        return JsonRows.panel(tables[0].qualifiedName(), sql(sql));
    }

    /**
     * The query with {@code @as_of(...)}, {@code @date}, {@code @model} and each {@code ${layer.table}} filled in; a table
     * not in {@link #READS} fails, so the declaration is the whole of what the page reads.
     */
    Dataset<Row> sql(String template) {
        String expanded = AS_OF.matcher(template)
                .replaceAll(r -> Matcher.quoteReplacement(
                        "(SELECT MAX(as_of_date) FROM " + r.group(1) + " WHERE as_of_date <= @date)"));
        Matcher m = REF.matcher(expanded);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Table t = Table.named(m.group(1));
            if (!READS.contains(t)) {
                throw new IllegalStateException("the report does not declare that it reads " + t.qualifiedName());
            }
            // By path, as Delta names a table: no catalog entry to create or look up per night.
            m.appendReplacement(
                    out, Matcher.quoteReplacement("delta.`" + warehouse.path(t).replace("`", "``") + "`"));
        }
        m.appendTail(out);
        String sql = out.toString().replace("@date", "DATE'" + date + "'").replace("@model", "'" + model.id() + "'");
        return warehouse.spark().sql(sql);
    }
}
