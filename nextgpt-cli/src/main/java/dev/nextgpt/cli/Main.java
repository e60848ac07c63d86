package dev.nextgpt.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code nextgpt run|bench|eval}: the one-shot CLI. Errors end the process with one line on stderr and a non-zero code. */
@Command(
        name = "nextgpt",
        mixinStandardHelpOptions = true,
        version = "nextgpt 0.1.0",
        description = "Runs the NExT-GPT tiers of a model bundle in one JVM.",
        subcommands = {RunCommand.class, BenchCommand.class, EvalCommand.class})
public final class Main implements Runnable {
    /** Exit code for bad input (unreadable media, unknown modality, missing bundle, bad option). */
    public static final int EXIT_BAD_INPUT = 2;
    /** Exit code for a failure inside the runtime. */
    public static final int EXIT_FAILURE = 1;

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI and returns its exit code (used by tests). */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setParameterExceptionHandler((e, a) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("error: " + e.getMessage() + " (see --help)");
            err.flush();
            return EXIT_BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            err.println("error: " + CliErrors.oneLine(e));
            err.flush();
            return CliErrors.isBadInput(e) ? EXIT_BAD_INPUT : EXIT_FAILURE;
        });
        return cli.execute(args);
    }
}
