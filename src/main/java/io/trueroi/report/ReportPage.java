package io.trueroi.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The page's text: the template with the styles, ECharts (from its webjar), the labels, the app
 * and the data island inlined, so the file opens anywhere with no network. The island is JSON in a
 * {@code <script type="application/json">}; every {@code <}, {@code >} and {@code &} in it is
 * written as a JSON escape, so no value can close the element or start markup.
 */
final class ReportPage {
    /** The ECharts build the page inlines; the version is the webjar's in the pom. */
    static final String ECHARTS = "META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js";

    private static final String HERE = "io/trueroi/report/";

    private ReportPage() {}

    static String render(JsonNode island) {
        JsonNode meta = island.get("meta");
        String template = resource(HERE + "report.html");
        String echarts = resource(ECHARTS);
        if (echarts.contains("</script")) {
            throw new IllegalStateException(ECHARTS + " contains </script and cannot be inlined as is");
        }
        // Filled last to first in the template, each once: no inserted text is searched again.
        return fill(
                template,
                new String[] {"@lang", meta.get("locale").asText()},
                new String[] {"@date", meta.get("date").asText()},
                new String[] {"@style", resource(HERE + "report.css")},
                new String[] {"@data", island(island)},
                new String[] {"@echarts", echarts},
                new String[] {"@app", resource(HERE + "labels.js") + "\n" + resource(HERE + "report.js")});
    }

    /** The island's JSON with markup characters escaped (JSON has them only inside strings). */
    static String island(JsonNode island) {
        try {
            return new ObjectMapper()
                    .writeValueAsString(island)
                    .replace("<", "\\u003c")
                    .replace(">", "\\u003e")
                    .replace("&", "\\u0026")
                    .replace("\u2028", "\\u2028")
                    .replace("\u2029", "\\u2029");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report's data as JSON: " + e.getMessage(), e);
        }
    }

    /** Replaces each placeholder's first occurrence, scanning the template only, never a filled value. */
    private static String fill(String template, String[]... pairs) {
        StringBuilder out = new StringBuilder(template.length() + 1_200_000);
        int from = 0;
        for (String[] p : pairs) {
            int at = template.indexOf(p[0], from);
            if (at < 0) {
                throw new IllegalStateException("the report template lacks " + p[0] + " after offset " + from);
            }
            out.append(template, from, at).append(p[1]);
            from = at + p[0].length();
        }
        return out.append(template, from, template.length()).toString();
    }

    private static String resource(String name) {
        try (InputStream in = ReportPage.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the report's resource " + name + " is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the report's resource " + name, e);
        }
    }
}
