package io.trueroi.ops;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Identity of one job run: a run id that sorts by start time, the job name, the dates it covers
 * and, for a stage of a nightly run, the nightly run's id.
 */
public record RunContext(
        String runId, String job, LocalDate from, LocalDate to, String parentRunId, Instant startedAt) {

    private static final DateTimeFormatter ID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /** Throws unless {@code from..to} is a range of at least one day; the message names both. */
    public static void checkRange(LocalDate from, LocalDate to) {
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("--to must not be before --from, cannot be: " + from + " .. " + to);
        }
    }

    public static RunContext start(String job, LocalDate from, LocalDate to, String parentRunId) {
        checkRange(from, to);
        Instant now = Instant.now();
        String id = job + "-" + ID_TIME.format(now) + "-"
                + String.format("%04x", ThreadLocalRandom.current().nextInt(1 << 16));
        return new RunContext(id, job, from, to, parentRunId, now);
    }

    /** A stage of this run: same dates, its own id, this run as parent. */
    public RunContext stage(String stageJob) {
        return start(stageJob, from, to, runId);
    }

    public String dates() {
        return from.equals(to) ? from.toString() : from + ".." + to;
    }
}
