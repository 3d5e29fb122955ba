package io.trueroi.bench;

import io.trueroi.testing.Browser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * How soon a report page is interactive: each page is opened {@code TRUEROI_BENCH_LOADS} times (default
 * 5) in a fresh headless Chromium tab and the time from navigation to the first chart's
 * {@code finished} event is printed, with the median. Not part of the test suite.
 */
public final class ReportBench {
    private ReportBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: jobs/bench-report PAGE.html ...");
        }
        int loads = Integer.parseInt(System.getenv().getOrDefault("TRUEROI_BENCH_LOADS", "5"));
        Path profile = Files.createTempDirectory("trueroi-bench-chromium");
        try (Browser browser = Browser.start(profile)) {
            for (String a : args) {
                Path page = Path.of(a);
                List<Double> ms = new ArrayList<>();
                for (int i = 0; i < loads; i++) {
                    browser.open(page);
                    ms.add(((Number) browser.js("return window.trueroiReport.firstChartMs;")).doubleValue());
                    if (!browser.errors().isEmpty()) {
                        throw new IllegalStateException(page + ": " + browser.errors());
                    }
                }
                List<Double> sorted = new ArrayList<>(ms);
                Collections.sort(sorted);
                System.out.printf(
                        "%s (%,d bytes): first chart drawn at %s ms; median %.0f ms (target <= 2000)%n",
                        page,
                        Files.size(page),
                        ms.stream().map(d -> String.format("%.0f", d)).toList(),
                        sorted.get(sorted.size() / 2));
            }
        }
    }
}
