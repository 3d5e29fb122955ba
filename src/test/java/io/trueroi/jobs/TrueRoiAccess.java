package io.trueroi.jobs;

import io.trueroi.testing.TestWorld;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the real command line from tests in other packages; stderr is printed on failure. */
public final class TrueRoiAccess {
    private TrueRoiAccess() {}

    public static int run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = TrueRoi.run(args, new PrintWriter(out, true), new PrintWriter(err, true), TestWorld.ENV);
        if (code != 0) {
            System.err.println(err);
        }
        return code;
    }
}
