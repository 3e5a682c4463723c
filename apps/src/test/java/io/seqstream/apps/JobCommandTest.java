package io.seqstream.apps;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code seqstream job} answers a user mistake with one line naming it and exit code 2 (a JVM of its own: it exits). */
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
        assertThat(badKey.stderr()).singleElement().asString()
                .startsWith("seqstream job: unknown config key 'batch.sise' (flag --batch.sise)");

        Result noModel = run("--model.path", dir.resolve("nope.zip").toString());
        assertThat(noModel.code()).isEqualTo(2);
        assertThat(noModel.stderr()).singleElement().asString().startsWith("seqstream job: model file ").endsWith("does not exist");
    }
}
