package io.trueroi.jobs;

import io.trueroi.config.ConfigError;
import io.trueroi.ops.JobFailure;
import java.io.UncheckedIOException;

/** Finds the reason worth showing in an exception chain that Spark may have wrapped. */
final class Failures {
    private Failures() {}

    static String describe(Throwable t) {
        if (t instanceof JobCommand.StageFailed) {
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
        // Spark prefixes executor failures with stage/task noise; keep the first line of the cause.
        int nl = msg.indexOf('\n');
        return nl > 0 ? msg.substring(0, nl) : msg;
    }
}
