package io.trueroi.attribution;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** ChannelAttribution's example paths (test resource; see its ORIGIN.md). */
final class PathData {
    private PathData() {}

    static List<PathCount> load() throws Exception {
        List<PathCount> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                PathData.class.getResourceAsStream("/reference/channelattribution/PathData.csv"),
                StandardCharsets.UTF_8))) {
            String header = r.readLine();
            if (!header.startsWith("path;")) {
                throw new IllegalStateException("unexpected header " + header);
            }
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String[] f = line.split(";");
                out.add(new PathCount(
                        List.of(f[0].split(" > ")),
                        Long.parseLong(f[1]),
                        Double.parseDouble(f[2]),
                        Long.parseLong(f[3])));
            }
        }
        return out;
    }
}
