package io.trueroi.jobs;

/** Lets tests in other packages see the one-line reason the command line would print. */
public final class FailuresAccess {
    private FailuresAccess() {}

    public static String describe(Throwable t) {
        return Failures.describe(t);
    }
}
