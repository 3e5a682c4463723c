package io.seqstream.apps.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.apps.cli.CliRun;
import io.seqstream.jobs.config.ConfigKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's command line: help, and every mistake is one line and exit code 2 before anything starts. */
class DemoOptionsTest {
    @TempDir
    Path dir;
    /** The options each run would have started the demo with. */
    final List<DemoOptions> started = new ArrayList<>();

    CliRun run(String... args) {
        DemoOptions o = new DemoOptions().withRunner(x -> {
            started.add(x);
            return 0;
        });
        return CliRun.of(DemoOptions.commandLine(o), args);
    }

    @Test
    void helpListsEveryOptionWithItsDefaultAndTheJobKeys() {
        run("--help").assertHelp("seqstream demo", "--events=N", "--keys=K", "(default: 5000)", "--rate=R", "--bootstrap=HOST:PORT",
                "--partitions=P", "(default: 2)", "--model=FILE", "--train-samples=N", "(default: 1536)", "--train-epochs=N",
                "(default: 8)",
                "--bad-every=N", "(default: 10000)", "--seed=S", "--format=F", "seqstream, json", "(default: seqstream)",
                "--retrain=true|false",
                "(default: true)", "Job settings", "--batch.size=VALUE", "--config=FILE", "--delivery=VALUE");
        assertThat(started).isEmpty();
    }

    @Test
    void aBadOptionIsOneLineExitCode2AndStartsNothing() {
        run("--evnts", "10").assertUserError("Unknown option: '--evnts'", "did you mean --events?");
        run("--events").assertUserError("--events");
        run("extra").assertUserError("'extra'");
        assertThat(started).isEmpty();
    }

    @Test
    void aBadValueNamesTheOptionAndTheValueAndStartsNothing() {
        run("--keys", "many").assertUserError("--keys", "'many'");
        run("--keys", "0").assertUserError("--keys must be at least 1, got 0");
        run("--events", "-1").assertUserError("--events must be at least 0, got -1");
        run("--rate", "-5").assertUserError("--rate", "-5");
        run("--partitions", "0").assertUserError("--partitions", "0");
        run("--train-samples", "8").assertUserError("--train-samples must be at least 16, got 8");
        run("--train-epochs", "0").assertUserError("--train-epochs", "0");
        run("--bad-every", "-1").assertUserError("--bad-every", "-1");
        run("--seed", "x").assertUserError("--seed", "'x'");
        run("--format", "xml").assertUserError("--format", "'xml'");
        run("--retrain", "maybe").assertUserError("--retrain", "'maybe'");
        run("--bootstrap", "localhost").assertUserError("--bootstrap", "'localhost'");
        run("--model", dir.resolve("none.h5").toString()).assertUserError("--model", "none.h5");
        run("--batch.size", "0").assertUserError("'0'", "batch.size");
        run("--config", dir.resolve("none.properties").toString()).assertUserError("config file", "does not exist");
        assertThat(started).isEmpty();
    }

    @Test
    void goodOptionsReachTheRunnerParsed() throws Exception {
        Path model = Files.writeString(dir.resolve("m.h5"), "");
        CliRun r = run("--events", "10", "--keys", "7", "--bootstrap", "127.0.0.1:9092,b:1", "--model", model.toString(), "--format",
                "json",
                "--retrain", "false", "--batch.size", "64", "--mapping.key", "@key");
        assertThat(r.code()).as(r.err()).isZero();
        DemoOptions o = started.get(0);
        assertThat(o.events()).isEqualTo(10);
        assertThat(o.keys()).isEqualTo(7);
        assertThat(o.rate()).isEqualTo(5000);
        assertThat(o.bootstrap()).hasValue("127.0.0.1:9092,b:1");
        assertThat(o.json()).isTrue();
        assertThat(o.retrain()).isFalse();
        assertThat(o.jobFlags()).containsExactly(java.util.Map.entry("batch.size", "64"), java.util.Map.entry("mapping.key", "@key"));
        assertThat(DemoOptions.commandLine(new DemoOptions()).isExpandAtFiles()).as("@key is a value, not a file to read").isFalse();
        assertThat(o.jobConfig("b:1", dir).get(ConfigKeys.BATCH_SIZE)).isEqualTo(64);
    }
}
