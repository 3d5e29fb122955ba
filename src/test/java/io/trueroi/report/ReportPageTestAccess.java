package io.trueroi.report;

import io.trueroi.testing.Browser;
import java.util.List;

/** {@link ReportPageTest}'s chart check, for the sample night's test in another package. */
public final class ReportPageTestAccess {
    private ReportPageTestAccess() {}

    public static List<String> charts(Browser browser) {
        return ReportPageTest.charts(browser);
    }
}
