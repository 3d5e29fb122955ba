package io.trueroi.ingest;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits one CSV line (RFC 4180: comma separator, double-quoted fields, "" for a quote inside a
 * quoted field). Strict by design: an unterminated quote or text after a closing quote is an
 * error, so the line is quarantined instead of being read into the wrong columns.
 *
 * <p>Hand-written rather than a CSV library because ingest needs per-line verdicts with line
 * numbers (a library's lenient recovery would shift fields silently), and it is this small.
 * A quoted field spanning several physical lines is not supported: its first line is reported
 * as unterminated.
 */
final class CsvLine {
    private CsvLine() {}

    /** Thrown for a line that is not valid CSV; the message says where. */
    static final class MalformedCsv extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedCsv(String message) {
            super(message, null, false, false);
        }
    }

    static List<String> split(String line) throws MalformedCsv {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        int n = line.length();
        while (true) {
            field.setLength(0);
            if (i < n && line.charAt(i) == '"') {
                int start = i;
                i++;
                boolean closed = false;
                while (i < n) {
                    char c = line.charAt(i);
                    if (c == '"') {
                        if (i + 1 < n && line.charAt(i + 1) == '"') {
                            field.append('"');
                            i += 2;
                        } else {
                            i++;
                            closed = true;
                            break;
                        }
                    } else {
                        field.append(c);
                        i++;
                    }
                }
                if (!closed) {
                    throw new MalformedCsv(
                            "unterminated quote in field " + (fields.size() + 1) + " (column " + (start + 1) + ")");
                }
                if (i < n && line.charAt(i) != ',') {
                    throw new MalformedCsv(
                            "text after closing quote in field " + (fields.size() + 1) + " (column " + (i + 1) + ")");
                }
            } else {
                while (i < n && line.charAt(i) != ',') {
                    field.append(line.charAt(i));
                    i++;
                }
            }
            fields.add(field.toString());
            if (i >= n) {
                return fields;
            }
            i++; // the comma
        }
    }
}
