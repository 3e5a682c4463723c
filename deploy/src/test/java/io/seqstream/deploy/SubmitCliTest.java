package io.seqstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code submit.sh}'s command line: help for every command, one line and exit code 2 for a mistake, 1 for a failure. */
class SubmitCliTest {
    @TempDir
    Path dir;

    static CliRun run(String... args) {
        return CliRun.of(CommandLines.of(new SubmitCli()), args);
    }

    @Test
    void helpForTheToolAndEveryCommand() {
        run("--help").assertHelp("submit.sh", "--rest=URL", "--run-dir=DIR", "upload", "run", "list", "status", "cancel", "stop",
                "savepoint",
                "jars", "delete-jar");
        run("help", "run").assertHelp("submit.sh run");
        run("run", "--help").assertHelp("--jar=JAR", "--jar-id=ID", "--class=CLASS", "--parallelism=N", "--from-savepoint=PATH",
                "--allow-non-restored-state", "--wait", "ARGS", "--rest=URL");
        run("upload", "--help").assertHelp("JAR");
        run("list", "--help").assertHelp("submit.sh list");
        run("status", "--help").assertHelp("JOB_ID");
        run("cancel", "--help").assertHelp("JOB_ID");
        run("stop", "--help").assertHelp("JOB_ID", "--savepoint-dir=DIR", "--drain");
        run("savepoint", "--help").assertHelp("JOB_ID", "--savepoint-dir=DIR");
        run("jars", "--help").assertHelp("submit.sh jars");
        run("delete-jar", "--help").assertHelp("JAR_ID");
    }

    @Test
    void mistakesAreOneLineAndExitCode2() {
        run().assertUserError("submit.sh: a command is required");
        run("frobnicate").assertUserError("'frobnicate'");
        run("--rest", "http://127.0.0.1:1", "run", "--jarr", "a.jar").assertUserError("Unknown option: '--jarr'", "did you mean --jar?");
        run("--rest", "http://127.0.0.1:1", "run", "--parallelism", "two").assertUserError("--parallelism", "'two'");
        run("--rest", "http://127.0.0.1:1", "run", "--parallelism", "0", "--jar-id", "x")
                .assertUserError("--parallelism must be at least 1, got 0");
        run("--rest").assertUserError("--rest");
        run("status").assertUserError("JOB_ID");
        run("status", "j1", "--run-dir").assertUserError("--run-dir");
        assertThat(CommandLines.of(new SubmitCli()).isExpandAtFiles()).as("job arguments such as @key are passed as they are").isFalse();
    }

    @Test
    void theRestAddressComesFromEitherOptionBeforeOrAfterTheCommand() {
        if (System.getenv("SEQSTREAM_RUN_DIR") == null) {
            run("list").assertUserError("submit.sh list: pass --rest URL or --run-dir DIR");
        }
        // --run-dir after the command is the tool's option: its folder is read (and has no cluster here).
        CliRun r = run("list", "--run-dir", dir.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("submit.sh: ").contains(dir.toString()).doesNotContain("\n");
        // A failure that is no usage mistake: one line, exit code 1.
        CliRun refused = run("list", "--rest", "http://127.0.0.1:1");
        assertThat(refused.code()).as(refused.err()).isEqualTo(1);
        assertThat(refused.err().strip()).startsWith("submit.sh: ").doesNotContain("\n");
    }
}
