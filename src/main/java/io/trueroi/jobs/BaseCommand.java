package io.trueroi.jobs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** What every command takes: --conf files, --help, and the environment its config reads. */
abstract class BaseCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--conf",
            paramLabel = "FILE",
            description = "Config file layered over the defaults; repeat to layer several (later wins).")
    List<Path> confFiles = new ArrayList<>();

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    boolean help;

    /** The environment config is read with (tests pass their own). */
    Map<String, String> env = System.getenv();

    void environment(Map<String, String> env) {
        this.env = env;
    }

    /** A date range of at least one day, else a command-line error naming both dates. */
    void checkRange(java.time.LocalDate from, java.time.LocalDate to) {
        try {
            io.trueroi.ops.RunContext.checkRange(from, to);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
