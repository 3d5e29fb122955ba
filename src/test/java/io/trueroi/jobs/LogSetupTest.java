package io.trueroi.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Issue 28, defect 15: Spark's executor stack traces (90 to 280 lines) were printed on stderr
 * before the one-line error. conf/log4j2.properties, which jobs/trueroi runs with, must send every
 * logger but TrueROI's progress to the log file only, and the one-line error names that file.
 * Before, the root logger wrote to the console.
 */
class LogSetupTest {
    @Test
    void onlyTrueRoisProgressReachesStderr() throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of("conf/log4j2.properties"))) {
            p.load(r);
        }
        TreeSet<String> consoleRefs = new TreeSet<>();
        for (String k : p.stringPropertyNames()) {
            if (k.endsWith(".ref") && p.getProperty(k).equals("console")) {
                consoleRefs.add(k);
            }
        }
        assertEquals(new TreeSet<>(java.util.List.of("logger.trueroi.appenderRef.console.ref")), consoleRefs);
        assertEquals("file", p.getProperty("rootLogger.appenderRef.file.ref"));
        assertEquals("SYSTEM_ERR", p.getProperty("appender.console.target"));
        assertEquals("${sys:trueroi.log.file:-logs/trueroi.log}", p.getProperty("appender.file.fileName"));
    }

    @Test
    void theErrorLineNamesTheLogFileWhenTheLauncherSetOne() {
        String before = System.getProperty("trueroi.log.file");
        try {
            System.clearProperty("trueroi.log.file");
            assertEquals("", TrueRoi.logFile());
            System.setProperty("trueroi.log.file", "/var/log/trueroi/run.log");
            assertEquals(" (log: /var/log/trueroi/run.log)", TrueRoi.logFile());
        } finally {
            if (before == null) {
                System.clearProperty("trueroi.log.file");
            } else {
                System.setProperty("trueroi.log.file", before);
            }
        }
    }
}
