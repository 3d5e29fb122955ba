package io.trueroi.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueroi.catalog.Table;
import io.trueroi.spark.Warehouse;
import io.trueroi.testing.Browser;
import io.trueroi.testing.SharedSpark;
import io.trueroi.testing.TestWorld;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report as nightly's last step, on a world whose feeds delivered nothing: every mart exists
 * and is empty, so every panel of the page must say "no data for …" rather than draw a blank chart.
 * A night whose report cannot be written still succeeds, and the failure is recorded.
 */
@ExtendWith(SharedSpark.class)
class ReportNightTest {
    static final LocalDate DAY = LocalDate.of(2026, 10, 1);

    @TempDir
    Path tmp;

    static int nightly(LocalDate day, Path conf, StringWriter out, StringWriter err) {
        return TrueRoi.run(
                new String[] {"nightly", "--date", day.toString(), "--conf", conf.toString()},
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                TestWorld.ENV);
    }

    @Test
    void emptyMartsSayNoDataAndAFailedReportLeavesTheNightSucceeded(SparkSession spark) throws Exception {
        TestWorld world = new TestWorld(tmp).day(DAY).day(DAY.plusDays(1));
        Path reports = tmp.resolve("reports");
        Path conf = world.confFile("trueroi.report { enabled = true, locale = en, out = \"" + reports + "\" }");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(0, nightly(DAY, conf, out, err), err.toString());
        Path page = reports.resolve("trueroi-report-" + DAY + ".html");
        assertTrue(out.toString().contains("report: " + page.toAbsolutePath()), out.toString());
        try (Browser browser = Browser.start(tmp.resolve("chromium"))) {
            browser.open(page);
            assertEquals(List.of(), browser.errors());
            assertEquals(0L, browser.js("return document.querySelectorAll('.chart').length;"));
            for (String panel :
                    List.of("headline", "claims", "channels", "models", "daily", "cohorts", "clv", "paths")) {
                String text = (String) browser.js(
                        "var e = document.querySelector('#" + panel + " .empty'); return e ? e.textContent : null;");
                assertTrue(text != null && text.startsWith("no data for"), panel + ": " + text);
            }
        }

        // The next night cannot write its page (the directory is a file): the night still succeeds.
        Path blocked = tmp.resolve("blocked");
        Files.writeString(blocked, "not a directory");
        Path badConf = world.confFile("trueroi.report { enabled = true, out = \"" + blocked + "/reports\" }");
        StringWriter out2 = new StringWriter();
        StringWriter err2 = new StringWriter();
        assertEquals(0, nightly(DAY.plusDays(1), badConf, out2, err2), err2.toString());
        assertTrue(
                out2.toString().contains("report FAILED (the night's data stands): cannot write the report "),
                out2.toString());
        List<Row> reportRuns = new Warehouse(spark, world.warehouse.toString())
                .read(Table.JOB_RUNS)
                .filter("job = 'report'")
                .orderBy("date_to")
                .collectAsList();
        assertEquals(2, reportRuns.size(), reportRuns.toString());
        assertEquals("SUCCEEDED", reportRuns.get(0).getAs("status"));
        assertEquals("FAILED", reportRuns.get(1).getAs("status"));
        assertTrue(
                reportRuns.get(1).<String>getAs("message").contains("cannot write the report"), reportRuns.toString());
    }
}
