package io.seqstream.deploy.cluster;

import io.seqstream.deploy.CliRun;
import io.seqstream.deploy.CommandLines;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cluster.sh}'s command line: help for every command, one line and exit code 2 for a mistake; nothing starts. */
class ClusterCliTest {
    @TempDir
    Path dir;

    static CliRun run(String... args) {
        return CliRun.of(CommandLines.of(new ClusterCli()), args);
    }

    @Test
    void helpForTheToolAndEveryCommand() {
        run("--help").assertHelp("cluster.sh", "--run-dir=DIR", "start", "stop", "status", "add-taskmanager", "stop-taskmanager");
        run("start", "--help").assertHelp("--taskmanagers=N", "(default: 1)", "--slots=N", "(default: 2)", "--jm-memory=SIZE",
                "--tm-memory=SIZE",
                "--partitions=N", "(default: 4)", "--no-kafka", "--standby-jobmanagers=N", "--flink-conf=KEY=VALUE", "--run-dir=DIR");
        run("stop", "--help").assertHelp("cluster.sh stop");
        run("status", "--help").assertHelp("cluster.sh status");
        run("add-taskmanager", "--help").assertHelp("cluster.sh add-taskmanager");
        run("stop-taskmanager", "--help").assertHelp("NAME");
    }

    @Test
    void mistakesAreOneLineAndExitCode2() {
        String rd = dir.toString();
        run().assertUserError("cluster.sh: a command is required");
        run("restart").assertUserError("'restart'");
        run("start", "--run-dir", rd, "--task-managers", "2").assertUserError("Unknown option: '--task-managers'",
                "did you mean --taskmanagers?");
        run("start", "--run-dir", rd, "--slots", "many").assertUserError("--slots", "'many'");
        run("start", "--run-dir", rd, "--taskmanagers", "0").assertUserError("--taskmanagers must be at least 1, got 0");
        run("start", "--run-dir", rd, "--flink-conf", "novalue").assertUserError("--flink-conf wants KEY=VALUE, got 'novalue'");
        run("--run-dir", rd, "start").assertUserError("--cluster-classpath-file is missing");
        run("--run-dir", rd, "stop-taskmanager", "jobmanager").assertUserError("'jobmanager' is not a TaskManager name");
        run("stop-taskmanager").assertUserError("NAME");
        if (System.getenv("SEQSTREAM_RUN_DIR") == null) {
            run("stop").assertUserError("cluster.sh stop: no run folder: pass --run-dir DIR");
        }
    }
}
