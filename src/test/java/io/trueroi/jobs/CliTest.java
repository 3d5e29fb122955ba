package io.trueroi.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command line's rejections: one line on stderr, exit code 2; --help exits 0. */
class CliTest {
    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = TrueRoi.run(
                args,
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                Map.of("TRUEROI_HASH_KEY", "a-test-key-of-enough-length"));
        return new Result(code, out.toString(), err.toString());
    }

    static void assertRejected(Result r, String fragment) {
        assertEquals(TrueRoi.EXIT_USAGE, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertTrue(r.err().contains(fragment), r.err());
    }

    /** Issue 43: report's own arguments are checked before Spark starts, naming what is wrong. */
    @Test
    void reportRejectsAMissingDateAnUnknownModelAndOneTheNightDoesNotRun() throws Exception {
        java.nio.file.Path markovOnly = java.nio.file.Files.createTempFile("markov-only", ".conf");
        java.nio.file.Files.writeString(markovOnly, "trueroi.attribution.models = [markov]\n");
        assertRejected(run("report"), "Missing required option: '--date=YYYY-MM-DD'");
        assertRejected(run("report", "--date", "2026-10-31", "--model", "frob"), "--model: ");
        assertRejected(run("report", "--date", "2026-10-31", "--model", "frob"), "frob");
        assertRejected(
                run("report", "--date", "2026-10-31", "--model", "shapley", "--conf", markovOnly.toString()),
                "--model: must be one of trueroi.attribution.models [markov], cannot be: shapley");
    }

    @Test
    void helpListsJobsAndExitsZero() {
        Result r = run("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("ingest") && r.out().contains("nightly"), r.out());
        Result sub = run("ingest", "--help");
        assertEquals(0, sub.code());
        assertTrue(sub.out().contains("--from") && sub.out().contains("--conf"), sub.out());
    }

    @Test
    void rejectsUnknownJob() {
        assertRejected(run("reticulate", "--date", "2026-10-01"), "reticulate");
    }

    @Test
    void anUnknownJobIsNamedNotTheWrappersArguments() {
        // Issue 28, defect 15: jobs/trueroi inserts --conf conf/local.conf after the job's name;
        // picocli then listed 'frobnicate', '--conf', '...local.conf' as unmatched arguments.
        Result r = run("frobnicate", "--conf", "conf/local.conf");
        assertRejected(r, "unknown job 'frobnicate'; jobs: ingest, identity, journeys, attribution, marts, nightly");
        assertTrue(!r.err().contains("local.conf"), r.err());
    }

    @Test
    void anEmptyWarehouseVariableIsAConfigurationError() {
        // Issue 28, defect 15: TRUEROI_WAREHOUSE="" silently meant ./warehouse.
        StringWriter err = new StringWriter();
        int code = TrueRoi.run(
                new String[] {"marts", "--date", "2026-10-01"},
                new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true),
                Map.of("TRUEROI_HASH_KEY", "a-test-key-of-enough-length", "TRUEROI_WAREHOUSE", ""));
        assertEquals(TrueRoi.EXIT_CONFIG, code, err.toString());
        assertTrue(err.toString().contains("TRUEROI_WAREHOUSE is set but empty (trueroi.warehouse)"), err.toString());
    }

    @Test
    void rejectsMissingJob() {
        assertRejected(run(), "a job is required");
    }

    @Test
    void rejectsUnknownOption() {
        assertRejected(run("ingest", "--date", "2026-10-01", "--fast"), "--fast");
    }

    @Test
    void rejectsBadDates() {
        assertRejected(run("ingest", "--date", "2026-13-01"), "'2026-13-01' is not a date in the form YYYY-MM-DD");
        assertRejected(run("ingest", "--date", "yesterday"), "'yesterday' is not a date");
        assertRejected(run("ingest", "--from", "2026-10-02", "--to", "2026-10-01"), "--to must not be before --from");
    }

    @Test
    void rejectsIncompleteOrConflictingRanges() {
        assertRejected(run("ingest"), "a date is required");
        assertRejected(run("ingest", "--from", "2026-10-01"), "--from and --to go together");
        assertRejected(
                run("ingest", "--date", "2026-10-01", "--from", "2026-10-01", "--to", "2026-10-02"),
                "either --date or --from/--to");
    }

    @Test
    void rejectsUnknownSource() {
        assertRejected(run("ingest", "--date", "2026-10-01", "--source", "myspace"), "unknown source 'myspace'");
    }

    @Test
    void configErrorsExitThreeNamingTheKey() {
        Result r = run("ingest", "--date", "2026-10-01", "--conf", "does/not/exist.conf");
        assertEquals(TrueRoi.EXIT_CONFIG, r.code(), r.err());
        assertTrue(r.err().startsWith("trueroi: configuration error: config file does/not/exist.conf"), r.err());
    }

    @Test
    void aBadWorldSpecExitsThreeNamingTheFileAndKey() throws Exception {
        Result r = run("generate", "--world", "no-such-world");
        assertEquals(TrueRoi.EXIT_CONFIG, r.code(), r.err());
        assertTrue(r.err().contains("world spec no-such-world: no such file, and not a shipped world"), r.err());
        java.nio.file.Path spec = java.nio.file.Files.createTempFile("world", ".conf");
        java.nio.file.Files.writeString(spec, "world { name = x, people = 0 }\n");
        r = run("generate", "--world", spec.toString());
        assertEquals(TrueRoi.EXIT_CONFIG, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertTrue(r.err().contains("world spec " + spec + ": world.from: is required"), r.err());
        java.nio.file.Files.delete(spec);
    }
}
