package io.trueroi.jobs;

import io.trueroi.catalog.Stage;
import io.trueroi.config.ConfigError;
import io.trueroi.ops.Failures;
import java.io.PrintWriter;
import java.util.List;
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

    /**
     * The command line: one job per stage, named and described by its {@link Stage} declaration,
     * then nightly and the tools.
     */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new TrueRoi());
        for (Stage stage : Stage.values()) {
            CommandLine job = new CommandLine(new JobCommand.StageJob(stage));
            job.getCommandSpec().usageMessage().description(stage.summary() + ".");
            cli.addSubcommand(stage.id(), job);
        }
        CommandLine nightly = new CommandLine(new JobCommand.Nightly());
        nightly.getCommandSpec().usageMessage().description(JobCommand.Nightly.description());
        cli.addSubcommand("nightly", nightly);
        for (Object tool : List.of(
                new ReportCommand(),
                new SqlCommand(),
                new StatusCommand(),
                new MaintainCommand(),
                new GenerateCommand(),
                new EvaluateCommand())) {
            cli.addSubcommand(tool);
        }
        return cli;
    }

    /** Runs the command line and returns the exit code (tests call this; main exits with it). */
    public static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env) {
        CommandLine cli = commandLine();
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

    static String oneLine(String s) {
        return Failures.oneLine(s);
    }
}
