package io.seqstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker process's command line: a mistake is one line and exit code 2, and no broker starts. */
class KafkaBrokerMainTest {
    @TempDir
    Path dir;

    static CliRun run(String... args) {
        return CliRun.of(CommandLines.of(new KafkaBrokerMain()), args);
    }

    @Test
    void helpAndMistakes() {
        run("--help").assertHelp("KafkaBrokerMain", "--data-dir=DIR", "--bootstrap-file=FILE", "--topic=NAME:PARTITIONS[:compact]");
        String data = dir.resolve("data").toString(), file = dir.resolve("bootstrap").toString();
        run("--data-dir", data).assertUserError("Missing required option: '--bootstrap-file=FILE'");
        run("--data-dir", data, "--bootstrap-file", file, "--topics", "a:1").assertUserError("Unknown option: '--topics'",
                "did you mean --topic?");
        run("--data-dir", data, "--bootstrap-file", file, "--topic", "events:many").assertUserError("--topic",
                "partitions 'many' is not a number");
        run("--data-dir", data, "--bootstrap-file", file, "--topic", "events").assertUserError("--topic", "NAME:PARTITIONS");
        assertThat(dir.resolve("data")).doesNotExist();
    }
}
