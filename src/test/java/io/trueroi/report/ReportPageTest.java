package io.trueroi.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trueroi.testing.Browser;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page itself, in a real Chromium, on a data island made by hand: names that are markup are
 * shown as text and never run, a panel with no rows or no table says "no data for" instead of
 * drawing a blank chart, and the panels with rows draw on canvas. No Spark: the island is what
 * {@link ReportData} would give for a warehouse with two platforms' claims and nothing else.
 */
class ReportPageTest {
    /** A platform name and a channel name that would run script if they reached the DOM as HTML. */
    static final String SCRIPT_NAME = "<script>window.__pwned = 1</script>";

    static final String IMG_NAME = "<img src=x onerror=\"window.__pwned = 2\">&amp;";

    @TempDir
    Path tmp;

    static ObjectNode panel(String source, List<String> columns, Object[]... rows) {
        ObjectNode p = JsonRows.JSON.objectNode();
        p.put("source", source);
        ArrayNode cols = p.putArray("columns");
        columns.forEach(cols::add);
        ArrayNode rs = p.putArray("rows");
        for (Object[] r : rows) {
            ArrayNode a = rs.addArray();
            for (Object v : r) {
                a.add(JsonRows.value(v));
            }
        }
        return p;
    }

    static ObjectNode island() {
        ObjectNode island = JsonRows.JSON.objectNode();
        ObjectNode meta = island.putObject("meta");
        meta.put("date", "2026-10-31");
        meta.put("model", "markov");
        meta.put("locale", "en");
        meta.put("currency", "CNY");
        meta.put("generated_at", "2026-11-01T00:00:00Z");
        ArrayNode periods = meta.putArray("periods");
        List.of(1, 7, 30, 90).forEach(periods::add);
        island.set("run", panel("ops.job_runs", List.of("run_id")));
        island.set("headline", panel("mart.channel_roi_daily", List.of("days", "span", "spend")));
        List<String> claims =
                List.of("days", "platform", "claimed_value", "credited_net_revenue", "caused_net_revenue");
        island.set(
                "claims",
                panel(
                        "mart.claimed_vs_real",
                        claims,
                        new Object[] {7, SCRIPT_NAME, new BigDecimal("1200.00"), new BigDecimal("900.50"), null},
                        new Object[] {7, "tencent_ads", new BigDecimal("300.00"), new BigDecimal("310.25"), null}));
        List<String> channels = List.of("days", "channel", "real_roas", "iroas", "iroas_lo", "iroas_hi");
        island.set("channels", panel("mart.claimed_vs_real", channels, new Object[] {
            7, IMG_NAME, new BigDecimal("1.2"), new BigDecimal("0.8"), new BigDecimal("0.5"), new BigDecimal("1.1")
        }));
        island.set("models", panel("mart.model_comparison", List.of("model", "channel", "conversion_share")));
        island.set("daily", JsonRows.missing("mart.channel_roi_daily", "mart.channel_roi_daily does not exist yet"));
        for (String empty : List.of("cohorts", "clv", "paths", "warnings", "quarantine", "freshness", "coverage")) {
            island.set(empty, panel("mart." + empty, List.of("x")));
        }
        return island;
    }

    @Test
    void markupInNamesIsShownAsTextAndEmptyPanelsSaySoInsteadOfDrawing() throws Exception {
        Path page = tmp.resolve("page.html");
        String html = ReportPage.render(island());
        Files.writeString(page, html, StandardCharsets.UTF_8);
        // The island's text holds no markup character: no value can end its element.
        String islandText = html.substring(
                html.indexOf("id=\"trueroi-data\">"), html.indexOf("</script>", html.indexOf("id=\"trueroi-data\">")));
        assertFalse(islandText.substring(18).contains("<"), islandText);
        try (Browser browser = Browser.start(tmp.resolve("profile"))) {
            browser.open(page);
            assertEquals(List.of(), browser.errors());
            // Nothing was fetched: ECharts, styles and data are in the file.
            assertEquals(0L, browser.js("return performance.getEntriesByType('resource').length;"));
            assertNull(browser.js("return window.__pwned === undefined ? null : window.__pwned;"));
            // The page's own three scripts (data, ECharts, app), none from the names.
            assertEquals(3L, browser.js("return document.scripts.length;"));
            assertEquals(0L, browser.js("return document.querySelectorAll('main img').length;"));
            // The names are in the tables as text, character for character.
            assertEquals(
                    SCRIPT_NAME,
                    browser.js(
                            "return document.querySelector('#claims table.numbers tbody td:nth-child(2)').textContent;"));
            assertEquals(
                    IMG_NAME,
                    browser.js("return document.querySelector('#channels table.numbers tbody td:nth-child(2)')"
                            + ".textContent;"));
            // Only the two panels with rows draw a chart; the rest say which table had nothing.
            assertEquals(List.of("claims", "channels"), browser.drawnCharts());
            for (String empty : List.of("models", "daily", "cohorts", "clv", "paths")) {
                String text = (String) browser.js(
                        "var e = document.querySelector('#" + empty + " .empty'); return e ? e.textContent : null;");
                assertTrue(text != null && text.startsWith("no data for"), empty + ": " + text);
            }
            assertTrue(((String) browser.js("return document.querySelector('#daily .empty').textContent;"))
                    .contains("mart.channel_roi_daily does not exist yet"));
            // The 30-day period has no claims: switching to it replaces the chart with the words.
            browser.js("document.querySelector('nav.periods button[data-days=\"30\"]').click();");
            assertEquals(List.of(), browser.drawnCharts());
            assertTrue(((String) browser.js("return document.querySelector('#claims .empty').textContent;"))
                    .startsWith("no data for Claimed vs real, Last 30 days"));
            assertEquals(List.of(), browser.errors());
        }
    }

    /** The page reads marts and ops (and the quarantine's counts), never journeys or credits. */
    @Test
    void aQueryNamingATableTheReportDoesNotDeclareFails() {
        for (io.trueroi.catalog.Table t : ReportData.READS) {
            assertTrue(
                    java.util.Set.of(
                                    io.trueroi.catalog.Layer.MART,
                                    io.trueroi.catalog.Layer.OPS,
                                    io.trueroi.catalog.Layer.QUARANTINE)
                            .contains(t.layer()),
                    t.qualifiedName());
        }
        ReportData data =
                new ReportData(null, java.time.LocalDate.of(2026, 10, 31), io.trueroi.catalog.ModelName.MARKOV);
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalStateException.class, () -> data.sql("SELECT * FROM ${attribution.credits}"));
        assertEquals("the report does not declare that it reads attribution.credits", e.getMessage());
    }
}
