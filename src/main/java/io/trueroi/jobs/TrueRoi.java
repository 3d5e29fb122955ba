package io.trueroi.jobs;

import io.trueroi.config.ConfigError;
import io.trueroi.ingest.Pii;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one entry point: {@code trueroi <job> --date D | --from D --to D [--conf FILE]...}.
 * Runs locally through {@code jobs/trueroi} and on a cluster through {@code spark-submit --class
 * io.trueroi.jobs.TrueRoi}.
 *
 * <p>Exit codes: 0 success; 1 the job failed (one line says which stage and why); 2 the command
 * line is wrong; 3 the configuration is wrong.
 */
@Command(
        name = "trueroi",
        mixinStandardHelpOptions = true,
        version = "TrueROI 0.1.0",
        description = "Ties marketing touchpoints to net revenue. Jobs run in this order each night: "
                + "ingest, identity, journeys, attribution, marts; nightly runs them all.",
        subcommands = {
            JobCommand.Ingest.class,
            JobCommand.Identity.class,
            JobCommand.Journeys.class,
            JobCommand.Attribution.class,
            JobCommand.Marts.class,
            JobCommand.Nightly.class,
            SqlCommand.class,
            StatusCommand.class,
            MaintainCommand.class,
            GenerateCommand.class,
            EvaluateCommand.class
        },
        synopsisSubcommandLabel = "<job>")
public final class TrueRoi implements Runnable {
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_CONFIG = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(),
                "a job is required: " + String.join(", ", spec.subcommands().keySet()));
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true), System.getenv()));
    }

    /** Runs the command line and returns the exit code (tests call this; main exits with it). */
    public static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env) {
        CommandLine cli = new CommandLine(new TrueRoi());
        cli.setOut(out);
        cli.setErr(err);
        for (CommandLine sub : cli.getSubcommands().values()) {
            if (sub.getCommand() instanceof BaseCommand command) {
                command.environment(env);
            }
        }
        cli.setParameterExceptionHandler((ex, a) -> {
            String cmd = ex.getCommandLine().getCommandName();
            ex.getCommandLine()
                    .getErr()
                    .println(cmd + ": " + ex.getMessage() + " (see '"
                            + ("trueroi".equals(cmd) ? "trueroi --help" : "trueroi " + cmd + " --help") + "')");
            return EXIT_USAGE;
        });
        cli.setExecutionExceptionHandler((ex, c, parsed) -> {
            if (ex instanceof ConfigError) {
                c.getErr().println("trueroi: configuration error: " + oneLine(ex.getMessage()));
                return EXIT_CONFIG;
            }
            c.getErr()
                    .println("trueroi: " + c.getCommandName() + " failed: " + oneLine(Failures.describe(ex))
                            + logFile());
            return EXIT_FAILED;
        });
        if (args.length > 0 && !args[0].startsWith("-") && !cli.getSubcommands().containsKey(args[0])) {
            // Named here: picocli would list the wrapper's --conf arguments as unmatched too.
            err.println("trueroi: unknown job '" + args[0] + "'; jobs: "
                    + String.join(", ", cli.getSubcommands().keySet()) + " (see 'trueroi --help')");
            err.flush();
            return EXIT_USAGE;
        }
        return cli.execute(args);
    }

    /** " (log: FILE)" when the launcher named a log file (jobs/trueroi does), where the details are. */
    static String logFile() {
        String file = System.getProperty("trueroi.log.file");
        return file == null || file.isBlank() ? "" : " (log: " + file + ")";
    }

    /** The message on one line, with any phone or e-mail it quotes redacted (stderr is kept in logs). */
    static String oneLine(String s) {
        return s == null
                ? ""
                : Pii.redactText(s.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim());
    }
}
