package io.seqstream.apps.model;

import io.seqstream.apps.cli.Cli;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code model} command line: {@code summary}, {@code import}, {@code export} and {@code predict}. Exit codes: 0 done,
 * 2 user error (one line on stderr), 1 internal error.
 */
@Command(name = "model", mixinStandardHelpOptions = true, version = "seqstream model 0.1.0", description = "Inspect, import and run seqstream models and Keras models (Keras 1, 2 and 3).", subcommands = {
        SummaryCommand.class, ImportCommand.class, ExportCommand.class, PredictCommand.class, CommandLine.HelpCommand.class })
public final class ModelCli implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("model: a subcommand is required (summary, import, export, predict); see 'model --help'");
        return CliCommand.USER_ERROR;
    }

    public static void main(String[] args) {
        // One line naming the mistake instead of picocli's message + full usage (the rules of every command: Cli).
        System.exit(Cli.commandLine(new ModelCli()).execute(args));
    }
}
