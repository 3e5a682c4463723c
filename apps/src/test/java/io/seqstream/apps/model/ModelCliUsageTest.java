package io.seqstream.apps.model;

import io.seqstream.apps.cli.Cli;
import io.seqstream.apps.cli.CliRun;
import org.junit.jupiter.api.Test;

/** The {@code model} command line as {@code main} runs it: help of every subcommand, a bad option or value as one line and exit code 2. */
class ModelCliUsageTest {
    static CliRun run(String... args) {
        return CliRun.of(Cli.commandLine(new ModelCli()), args);
    }

    @Test
    void helpOfTheCommandAndEverySubcommand() {
        run("--help").assertHelp("model", "summary", "import", "export", "predict");
        run("summary", "--help").assertHelp("FILE");
        run("import", "--help").assertHelp("KERAS_FILE", "--weights=W.h5", "--output=MODEL_FILE");
        run("export", "--help").assertHelp("MODEL", "--output=OUT");
        run("predict", "--help").assertHelp("FILE", "--input=CSV|NPY", "--timesteps=T");
    }

    @Test
    void aBadOptionOrValueIsOneLineNamingIt() {
        run().assertUserError("a subcommand is required");
        run("sumary", "m.h5").assertUserError("'sumary'");
        run("summary", "m.h5", "--verbose").assertUserError("model summary: Unknown option: '--verbose'");
        run("predict", "m.h5", "--input", "x.csv", "--timesteps", "ten").assertUserError("model predict: ", "--timesteps", "'ten'");
        run("import", "k.h5").assertUserError("Missing required option: '--output=MODEL_FILE'");
    }
}
