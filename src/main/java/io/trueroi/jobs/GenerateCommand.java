package io.trueroi.jobs;

import io.trueroi.config.TrueRoiConfig;
import io.trueroi.spark.SparkSessions;
import io.trueroi.synthetic.GenerateAction;
import io.trueroi.synthetic.WorldModel;
import io.trueroi.synthetic.WorldSpec;
import java.time.LocalDate;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trueroi generate}: a synthetic world's raw exports and ground truth (see {@link GenerateAction}). */
@Command(
        name = "generate",
        description = "Writes a synthetic world's raw exports (the formats of sample-data/) and "
                + "ground_truth.json, with Spark.")
final class GenerateCommand extends BaseCommand {

    @Option(
            names = "--world",
            paramLabel = "FILE|NAME",
            defaultValue = "default",
            description = "The world spec: a HOCON file, or a shipped world "
                    + "(default, many-channels, retargeting, saturation, synergy; default ${DEFAULT-VALUE}). "
                    + "The options below override its size settings.")
    String worldSpec;

    @Option(
            names = "--from",
            paramLabel = "YYYY-MM-DD",
            converter = JobCommand.DateConverter.class,
            description = "First day of the world (default: the spec's).")
    LocalDate from;

    @Option(
            names = "--to",
            paramLabel = "YYYY-MM-DD",
            converter = JobCommand.DateConverter.class,
            description = "Last day of the world, inclusive (default: the spec's).")
    LocalDate to;

    @Option(names = "--customers", paramLabel = "N", description = "People in the world (default: the spec's).")
    Long customers;

    @Option(
            names = "--mean-touches",
            paramLabel = "M",
            description = "Mean ad clicks per person over the period (default: the spec's).")
    Double meanTouches;

    @Option(names = "--seed", paramLabel = "S", description = "Seed (default: the spec's).")
    Long seed;

    @Option(
            names = "--write-from",
            paramLabel = "YYYY-MM-DD",
            converter = JobCommand.DateConverter.class,
            description = "Write only the deliveries from this day of the world on (default: its first day); "
                    + "the world itself is the same whatever is written.")
    LocalDate writeFrom;

    @Option(
            names = "--write-to",
            paramLabel = "YYYY-MM-DD",
            converter = JobCommand.DateConverter.class,
            description = "Write only the deliveries up to this day of the world (default: its last day).")
    LocalDate writeTo;

    @Option(names = "--out", paramLabel = "DIR", description = "Where to write (default: trueroi.raw-root).")
    String out;

    @Override
    public Integer call() {
        if (customers != null && customers < 1) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--customers must be at least 1, cannot be: " + customers);
        }
        if (meanTouches != null && !(meanTouches > 0)) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--mean-touches must be positive, cannot be: " + meanTouches);
        }
        WorldSpec loaded = WorldSpec.load(worldSpec);
        LocalDate first0 = from != null ? from : loaded.from();
        LocalDate last0 = to != null ? to : loaded.to();
        checkRange(first0, last0);
        WorldSpec world = loaded.with(customers, from, to, seed, meanTouches);
        LocalDate first = writeFrom != null ? writeFrom : world.from();
        LocalDate last = writeTo != null ? writeTo : world.to();
        if (first.isBefore(world.from()) || last.isAfter(world.to()) || last.isBefore(first)) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--write-from/--write-to must be days of the world " + world.from() + " .. " + world.to()
                            + ", in order, cannot be: " + first + " .. " + last);
        }
        TrueRoiConfig config = TrueRoiConfig.load(confFiles, env);
        String target = out != null ? out : config.rawRoot();
        SparkSession spark = SparkSessions.create(config);
        long t0 = System.nanoTime();
        Map<String, Long> counters = new GenerateAction(
                        spark, config, new WorldModel(world), world.people(), target, "generate-" + world.seed())
                .days(first, last)
                .execute();
        var printer = spec.commandLine().getOut();
        printer.printf(
                "generate world %s %s..%s (written %s..%s): %d customers, %d files in %.1fs under %s%n",
                world.name(),
                world.from(),
                world.to(),
                first,
                last,
                world.people(),
                counters.get("files"),
                (System.nanoTime() - t0) / 1e9,
                target);
        printer.printf(
                "  conversions: %d, of which organic (no channel needed): %d%n",
                counters.get("truth_conversions"), counters.get("truth_organic_conversions"));
        counters.forEach((k, v) -> {
            if (k.startsWith("truth_conversions:")) {
                printer.printf("  conversions caused by %s: %d%n", k.substring("truth_conversions:".length()), v);
            }
        });
        printer.printf("  ground_truth.json, world.conf and channels.conf (its channel rules: --conf) written%n");
        if (!world.experiments().isEmpty()) {
            printer.printf("  experiments.conf (its holdout tests' results: --conf) written%n");
        }
        printer.flush();
        return 0;
    }
}
