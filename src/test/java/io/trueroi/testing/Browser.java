package io.trueroi.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * A real headless Chromium driven by Selenium through chromedriver: Debian's {@code chromium} and
 * {@code chromium-driver}, which {@code .ci/run} installs ({@code CHROME_BIN} and
 * {@code CHROMEDRIVER} point elsewhere). Missing browsers fail the test with what to install, never
 * skip it. Every page load first installs a hook that keeps uncaught errors and
 * {@code console.error} calls, read with {@link #errors()} beside the browser's own console log.
 */
public final class Browser implements AutoCloseable {
    private static final String HOOK =
            """
            window.__errors = [];
            window.addEventListener('error', function (e) { window.__errors.push('uncaught: ' + e.message); });
            window.addEventListener('unhandledrejection', function (e) { window.__errors.push('rejection: ' + e.reason); });
            (function (original) {
              console.error = function () {
                window.__errors.push('console.error: ' + Array.prototype.join.call(arguments, ' '));
                return original.apply(console, arguments);
              };
            }(console.error));
            """;

    private final ChromeDriver driver;

    private Browser(ChromeDriver driver) {
        this.driver = driver;
    }

    /** Starts Chromium headless with a fresh profile under {@code profile}, 1280 pixels wide. */
    public static Browser start(Path profile) throws IOException {
        String bin = System.getenv().getOrDefault("CHROME_BIN", "/usr/bin/chromium");
        String driverBin = System.getenv().getOrDefault("CHROMEDRIVER", "/usr/bin/chromedriver");
        for (String f : List.of(bin, driverBin)) {
            if (!Files.isExecutable(Path.of(f))) {
                throw new IllegalStateException(
                        f + " is missing: install Debian's chromium and chromium-driver "
                                + "(apt-get install chromium chromium-driver; .ci/run does) or set CHROME_BIN and CHROMEDRIVER");
            }
        }
        Files.createDirectories(profile);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(bin);
        // Without the background-networking flags Chromium keeps calling home, which this closed
        // network refuses; the page itself must make no request at all.
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--force-device-scale-factor=1",
                "--window-size=1280,1000",
                "--user-data-dir=" + profile.toAbsolutePath());
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(driverBin))
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", HOOK));
        return new Browser(driver);
    }

    public void open(Path file) {
        driver.get(file.toAbsolutePath().toUri().toString());
    }

    /** Runs {@code script} (a function body; {@code return} gives its value) in the page. */
    public Object js(String script, Object... args) {
        return driver.executeScript(script, args);
    }

    /** Uncaught errors and console errors the page made, and the browser's SEVERE console lines. */
    public List<String> errors() {
        List<String> out = new ArrayList<>();
        Object hooked = js("return window.__errors || [];");
        if (hooked instanceof List<?> l) {
            l.forEach(e -> out.add(String.valueOf(e)));
        }
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= Level.SEVERE.intValue()) {
                out.add("console: " + e.getMessage());
            }
        }
        return out;
    }

    /** A PNG of the whole page: the window grows to the page's height first. */
    public void screenshot(Path png) throws IOException {
        Number height = (Number) js("return Math.ceil(document.documentElement.scrollHeight);");
        driver.manage().window().setSize(new Dimension(1280, Math.min(20_000, height.intValue() + 20)));
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.write(png, driver.getScreenshotAs(OutputType.BYTES));
    }

    /**
     * The names ({@code data-chart}) of the page's chart containers, in page order; one whose
     * canvas is missing or has at most 500 non-transparent pixels is named with " (blank)".
     */
    @SuppressWarnings("unchecked")
    public List<String> drawnCharts() {
        return (List<String>)
                js(
                        """
                return Array.prototype.map.call(document.querySelectorAll('.chart'), function (div) {
                  var c = div.querySelector('canvas');
                  if (!c) { return div.getAttribute('data-chart') + ' (blank)'; }
                  var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, drawn = 0;
                  for (var i = 3; i < d.length; i += 4) { if (d[i] > 0) { drawn++; } }
                  return div.getAttribute('data-chart') + (drawn > 500 ? '' : ' (blank)');
                });
                """);
    }

    public ChromeDriver driver() {
        return driver;
    }

    @Override
    public void close() {
        driver.quit();
    }
}
