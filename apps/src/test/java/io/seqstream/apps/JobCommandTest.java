package io.seqstream.apps;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.apps.cli.CliRun;
import io.seqstream.jobs.config.ConfigKey;
import io.seqstream.jobs.config.ConfigKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code seqstream job} answers a user mistake with one line naming it and exit code 2: in a JVM of its own (it
 * exits), and in-process through its command line.
 */
class JobCommandTest {
    @TempDir
    Path dir;

    private record Result(int code, List<String> stderr) {
    }

    private Result run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), JobCommand.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile())
                .start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        List<String> err = Files.readAllLines(dir.resolve("err.txt"), StandardCharsets.UTF_8).stream()
                .filter(l -> !l.startsWith("WARNING: Using incubator modules")).toList();
        return new Result(p.exitValue(), err);
    }

    @Test
    void aMissingConfigFileABadKeyAndAMissingModelAreOneLineAndExitCode2() throws Exception {
        Result missing = run("--config", "missing.properties");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.stderr()).containsExactly("seqstream job: config file missing.properties does not exist");

        Result badKey = run("--batch.sise", "3");
        assertThat(badKey.code()).isEqualTo(2);
        assertThat(badKey.stderr()).containsExactly("seqstream job: Unknown option: '--batch.sise' (did you mean --batch.size?)",
                "try 'seqstream job --help'");

        Result badValue = run("--batch.size", "0");
        assertThat(badValue.code()).isEqualTo(2);
        assertThat(badValue.stderr()).singleElement().asString()
                .startsWith("seqstream job: invalid value '0' for config key 'batch.size' (flag --batch.size)");

        Result noModel = run("--model.path", dir.resolve("nope.zip").toString());
        assertThat(noModel.code()).isEqualTo(2);
        assertThat(noModel.stderr()).singleElement().asString().startsWith("seqstream job: model file ").endsWith("does not exist");
    }

    @Test
    void helpListsTheOptionsAndEveryJobKey() {
        CliRun r = CliRun.of(JobCommand.commandLine(), "--help").assertHelp("seqstream job", "--config=FILE", "Job settings");
        for (ConfigKey<?> k : ConfigKeys.ALL) {
            assertThat(r.out()).contains("--" + k.name() + "=VALUE");
        }
        assertThat(r.out()).contains("--kafka.client.<property>=VALUE").contains("(default: 256)");
    }

    @Test
    void aBadOptionOrValueIsOneLineNamingItAndExitCode2BeforeFlinkStarts() {
        CliRun.of(JobCommand.commandLine(), "--nope", "1").assertUserError("Unknown option", "'--nope'");
        CliRun.of(JobCommand.commandLine(), "--batch.size", "zero").assertUserError("--batch.size", "'zero'", "batch.size");
        CliRun.of(JobCommand.commandLine(), "--state.backend", "memory").assertUserError("'memory'", "state.backend");
        CliRun.of(JobCommand.commandLine(), "--batch.size").assertUserError("--batch.size", "Missing required parameter");
        CliRun.of(JobCommand.commandLine(), "stray").assertUserError("'stray'");
        CliRun.of(JobCommand.commandLine(), "--kafka.client.no.such.property", "1").assertUserError("'--kafka.client.no.such.property'");
        CliRun.of(JobCommand.commandLine(), "--config", dir.resolve("none.properties").toString())
                .assertUserError("config file " + dir.resolve("none.properties") + " does not exist");
        CliRun.of(JobCommand.commandLine(), "--model.path", dir.resolve("nope.zip").toString(), "--kafka.client.security.protocol", "SSL")
                .assertUserError("model file ", "does not exist");
    }
}
