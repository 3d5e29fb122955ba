package io.trueroi.jobs;

import io.trueroi.catalog.Stage;
import io.trueroi.catalog.Table;
import io.trueroi.config.TrueRoiConfig;
import io.trueroi.ingest.Readers;
import io.trueroi.ops.RunContext;
import io.trueroi.ops.RunLock;
import io.trueroi.spark.JobGroup;
import io.trueroi.spark.SparkSessions;
import io.trueroi.spark.Warehouse;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code trueroi maintain}: for every table of the warehouse (the lock table aside), compacts small
 * files into bigger ones (Delta's OPTIMIZE) and deletes the files no version within
 * {@code trueroi.runs.vacuum-retention} needs (VACUUM), printing per table the files before and
 * after compaction and the files deleted. Nights write many small files; this is the weekly
 * housekeeping. It holds every part of the warehouse lock while it runs, so no night writes at the
 * same time; the data and every version within the retention stay readable.
 *
 * <p>Cost per table: one compaction job (a rewrite of its small files), one listing of its folder
 * for the vacuum's dry run and one for the vacuum.
 */
@Command(
        name = "maintain",
        description = "Compacts small files (OPTIMIZE) and deletes files older than the retention (VACUUM) "
                + "in every table.")
final class MaintainCommand extends BaseCommand {
    /** Delta's own default retention, under which time travel and slow readers may break. */
    static final Duration DELTA_SAFETY_RETENTION = Duration.ofDays(7);

    @Option(
            names = "--force-retention",
            description = "Allow a trueroi.runs.vacuum-retention under Delta's safety default (7 days).")
    boolean forceRetention;

    @Option(
            names = "--force-unlock",
            description = "Take over a stale lock (older than trueroi.runs.lock-stale-after) left by a killed run.")
    boolean forceUnlock;

    @Override
    public Integer call() {
        TrueRoiConfig config = TrueRoiConfig.load(confFiles, env);
        Duration retention = config.runs().vacuumRetention();
        if (retention.compareTo(DELTA_SAFETY_RETENTION) < 0 && !forceRetention) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "trueroi.runs.vacuum-retention " + retention + " is under Delta's safety default of "
                            + DELTA_SAFETY_RETENTION + ": versions an analyst or a slow reader may still read would "
                            + "lose their files; give --force-retention to go below it");
        }
        Warehouse shared = SparkSessions.warehouse(config);
        // VACUUM lists and deletes with as many tasks as this setting (10,000 by default), however
        // few the files: one task per core lists any table this job writes.
        Warehouse warehouse = shared.withSessionSetting(
                "spark.sql.sources.parallelPartitionDiscovery.parallelism",
                String.valueOf(Math.max(1, shared.spark().sparkContext().defaultParallelism())));
        // Delta refuses a shorter retention unless its check is off; only this command's session.
        Warehouse w = retention.compareTo(DELTA_SAFETY_RETENTION) < 0
                ? warehouse.withSessionSetting("spark.databricks.delta.retentionDurationCheck.enabled", "false")
                : warehouse;
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        RunContext run = RunContext.start("maintain", today, today, null);
        PrintWriter out = spec.commandLine().getOut();
        long hours = Math.max(0, retention.toHours());
        try (RunLock lock = RunLock.acquire(
                w,
                run,
                Stage.lockParts(java.util.List.of(Stage.values()), Readers.groups()),
                config.runs().lockStaleAfter(),
                forceUnlock)) {
            out.printf("%-36s %12s %12s %14s%n", "table", "files before", "files after", "files deleted");
            for (Table t : Table.values()) {
                if (t == Table.RUN_LOCKS || !w.exists(t)) {
                    continue;
                }
                String location = w.path(t).replace("`", "``");
                long before = w.snapshotFiles(t);
                JobGroup.run(w.spark(), "maintain", "optimize " + t, () -> {
                    w.spark().sql("OPTIMIZE delta.`" + location + "`").collectAsList();
                });
                long after = w.snapshotFiles(t);
                long deleted = JobGroup.run(w.spark(), "maintain", "vacuum " + t, () -> {
                    long n = w.spark()
                            .sql("VACUUM delta.`" + location + "` RETAIN " + hours + " HOURS DRY RUN")
                            .count();
                    w.spark()
                            .sql("VACUUM delta.`" + location + "` RETAIN " + hours + " HOURS")
                            .collectAsList();
                    return n;
                });
                out.printf("%-36s %12d %12d %14d%n", t.qualifiedName(), before, after, deleted);
            }
        }
        out.printf("retention %s (trueroi.runs.vacuum-retention); run %s%n", retention, run.runId());
        out.flush();
        return 0;
    }
}
