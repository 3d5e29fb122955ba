package io.trueroi.jobs;

import io.trueroi.config.TrueRoiConfig;
import io.trueroi.spark.SparkSessions;
import io.trueroi.synthetic.GenerateAction;
import io.trueroi.synthetic.WorldModel;
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
            names = "--from",
            required = true,
            paramLabel = "YYYY-MM-DD",
            converter = JobCommand.DateConverter.class,
            description = "First day of the world.")
    LocalDate from;

    @Option(
            names = "--to",
            required = true,
            paramLabel = "YYYY-MM-DD",
            converter = JobCommand.DateConverter.class,
            description = "Last day of the world, inclusive.")
    LocalDate to;

    @Option(names = "--customers", required = true, paramLabel = "N", description = "People in the world.")
    long customers;

    @Option(
            names = "--mean-touches",
            paramLabel = "M",
            defaultValue = "4",
            description = "Mean ad clicks per person over the period (default ${DEFAULT-VALUE}).")
    double meanTouches;

    @Option(
            names = "--seed",
            paramLabel = "S",
            defaultValue = "20261123",
            description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

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
        if (customers < 1) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--customers must be at least 1, cannot be: " + customers);
        }
        checkRange(from, to);
        if (!(meanTouches > 0)) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--mean-touches must be positive, cannot be: " + meanTouches);
        }
        LocalDate first = writeFrom != null ? writeFrom : from;
        LocalDate last = writeTo != null ? writeTo : to;
        if (first.isBefore(from) || last.isAfter(to) || last.isBefore(first)) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--write-from/--write-to must be days of the world " + from + " .. " + to
                            + ", in order, cannot be: " + first + " .. " + last);
        }
        TrueRoiConfig config = TrueRoiConfig.load(confFiles, env);
        String target = out != null ? out : config.rawRoot();
        SparkSession spark = SparkSessions.create(config);
        long t0 = System.nanoTime();
        Map<String, Long> counters = new GenerateAction(
                        spark,
                        config,
                        new WorldModel(seed, from, to, meanTouches),
                        customers,
                        target,
                        "generate-" + seed)
                .days(first, last)
                .execute();
        var printer = spec.commandLine().getOut();
        printer.printf(
                "generate %s..%s (written %s..%s): %d customers, %d files in %.1fs under %s%n",
                from, to, first, last, customers, counters.get("files"), (System.nanoTime() - t0) / 1e9, target);
        counters.forEach((k, v) -> {
            if (k.startsWith("truth_conversions:")) {
                printer.printf("  conversions caused by %s: %d%n", k.substring("truth_conversions:".length()), v);
            }
        });
        printer.flush();
        return 0;
    }
}
