package io.seqstream.apps.model;

import io.seqstream.model.config.ConfigException;
import io.seqstream.model.io.ModelFileException;
import io.seqstream.model.keras.KerasImportException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A subcommand: user errors (bad files, configs, values) become one line on stderr and exit code 2, with
 * no stack trace; anything else is a bug and is left to picocli (stack trace, exit code 1).
 */
abstract class CliCommand implements Callable<Integer> {
    static final int OK = 0;
    static final int USER_ERROR = 2;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            run(out);
            return OK;
        } catch (UserException | KerasImportException | ModelFileException | ConfigException e) {
            return userError(e);
        } catch (IllegalArgumentException e) {
            // Model and layer checks (input shapes, token ids) describe the user's data.
            return userError(e);
        } finally {
            out.flush();
        }
    }

    private int userError(RuntimeException e) {
        PrintWriter err = spec.commandLine().getErr();
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        err.println("model " + spec.name() + ": " + msg.replaceAll("\\s*\\R\\s*", " "));
        err.flush();
        return USER_ERROR;
    }

    protected abstract void run(PrintWriter out);
}
