package io.trueroi.ops;

import io.trueroi.config.ConfigError;
import io.trueroi.ingest.Pii;
import java.io.UncheckedIOException;

/** Finds the reason worth showing in an exception chain that Spark may have wrapped. */
public final class Failures {
    private Failures() {}

    /** The reason worth one line: our own failure's message, else the deepest cause's first line. */
    public static String describe(Throwable t) {
        if (t instanceof StageFailure) {
            return t.getMessage(); // already "stage <name>: <reason>"
        }
        Throwable ours = null;
        Throwable deepest = t;
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (ours == null
                    && (c instanceof JobFailure
                            || c instanceof ConfigError
                            || c instanceof UncheckedIOException
                            || c instanceof IllegalArgumentException)) {
                ours = c;
            }
            deepest = c;
            if (c.getCause() == c) {
                break;
            }
        }
        Throwable shown = ours != null ? ours : deepest;
        String msg = shown.getMessage();
        if (msg == null || msg.isBlank()) {
            msg = shown.getClass().getSimpleName();
        }
        return firstLine(msg);
    }

    /**
     * The message's first line that says something: Spark follows its reason with the query,
     * context and stack lines, and some messages (a SQL syntax error) start with a line break, so
     * a line ending in ':' (a prefix such as "statement 1 of 1:") takes the next one with it.
     */
    public static String firstLine(String msg) {
        StringBuilder out = new StringBuilder();
        for (String line : msg.strip().split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append(line.strip());
            if (!line.strip().endsWith(":")) {
                break;
            }
        }
        return out.toString();
    }

    /** The message on one line, with any phone or e-mail it quotes redacted (stderr is kept in logs). */
    public static String oneLine(String s) {
        return s == null
                ? ""
                : Pii.redactText(s.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim());
    }
}
