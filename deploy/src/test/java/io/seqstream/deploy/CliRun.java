package io.seqstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import picocli.CommandLine;

/** A command line run in-process with stdout and stderr captured, and the checks every command's tests share. */
public record CliRun(int code, String out, String err) {
    public static CliRun of(CommandLine cli, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** Exit code 0, nothing on stderr, the usage on stdout naming every fragment. */
    public CliRun assertHelp(String... fragments) {
        assertThat(code).as("exit code; stderr: " + err).isZero();
        assertThat(err).isEmpty();
        assertThat(out).startsWith("Usage: ");
        for (String f : fragments) {
            assertThat(out).contains(f);
        }
        return this;
    }

    /** Exit code 2, one line naming what is wrong (every fragment), at most a hint line, no stack trace. */
    public CliRun assertUserError(String... fragments) {
        assertThat(code).as("exit code; stdout: " + out + " stderr: " + err).isEqualTo(2);
        List<String> lines = err.strip().lines().toList();
        assertThat(lines).as("stderr: " + err).hasSizeBetween(1, 2);
        if (lines.size() == 2) {
            assertThat(lines.get(1)).startsWith("try '").endsWith(" --help'");
        }
        assertThat(err).doesNotContain("\tat ").doesNotContain("Exception");
        for (String f : fragments) {
            assertThat(lines.get(0)).contains(f);
        }
        return this;
    }

    /** The line that names the problem. */
    public String problem() {
        return err.strip().lines().findFirst().orElse("");
    }
}
