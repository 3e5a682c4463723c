package io.seqstream.apps.models;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.apps.cli.CliRun;
import io.seqstream.jobs.event.ModelInput;
import io.seqstream.jobs.retrain.EventFiles;
import io.seqstream.jobs.retrain.RetrainOperatorTest;
import io.seqstream.model.Model;
import io.seqstream.model.io.ModelFile;
import io.seqstream.testkit.SessionGenerator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code seqstream models} without a broker: offline training from a CSV file, the file format, usage errors. */
class ModelsCommandTest {
    @TempDir
    Path dir;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(String... args) {
        return new ModelsCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(args);
    }

    /** 40 keys of the demo's session stream as CSV, with a header and a comment. */
    Path csv() throws Exception {
        StringBuilder sb = new StringBuilder("key,token,label\n# demo sessions\n");
        SessionGenerator g = new SessionGenerator(11, 4);
        SessionGenerator.Cursor[] c = new SessionGenerator.Cursor[40];
        for (int k = 0; k < c.length; k++) {
            c[k] = new SessionGenerator.Cursor();
        }
        for (int t = 0; t < 60; t++) {
            for (int k = 0; k < c.length; k++) {
                sb.append("user-").append(k).append(',').append(g.next(c[k]).token()).append('\n');
            }
        }
        Path file = dir.resolve("events.csv");
        Files.writeString(file, sb);
        return file;
    }

    @Test
    void trainFineTunesOnACsvFileAndWritesTheCandidateAsTheNextVersion() throws Exception {
        Model base = RetrainOperatorTest.model(3);
        base.setProvenance(base.provenance().withProperty("version", "4"));
        Path model = dir.resolve("base.seqstream");
        ModelFile.save(base, model);
        Path report = dir.resolve("report.html");
        int code = run("train", "--model", model.toString(), "--events", csv().toString(), "--sequence-length", "12", "--epochs", "3",
                "--learning-rate", "0.02", "--report", report.toString());
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(text + err).isZero();
        assertThat(text).contains("training v4 of 'retrain-test'").contains("40 keys").contains("Epoch 1/3").contains("Epoch 3/3")
                .contains("better").contains("candidate written to");
        Path candidate = dir.resolve("base-v5.seqstream");
        Model m = ModelFile.load(candidate);
        assertThat(m.provenance().property("version")).contains("5");
        assertThat(m.provenance().property("parentVersion")).contains("4");
        assertThat(Files.readString(report)).contains("Loss per epoch");
    }

    @Test
    void csvLinesAreKeyTokenAndAnOptionalLabel() throws Exception {
        Path f = dir.resolve("e.csv");
        Files.writeString(f, "a,1\nb,2,7\n\na,3,\n");
        Map<String, List<io.seqstream.jobs.event.ModelInput>> byKey = EventFiles.readCsv(f);
        assertThat(byKey.get("a")).extracting(e -> e.token).containsExactly(1, 3);
        assertThat(byKey.get("a")).extracting(e -> e.label).containsExactly(-1, -1);
        assertThat(byKey.get("b").get(0).label).isEqualTo(7);
        Files.writeString(f, "a,1\na,x\n");
        assertThat(run("train", "--model", "m", "--events", f.toString())).isEqualTo(2); // the model is missing first: a user mistake
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("seqstream models train: ").contains("m");
        Path model = dir.resolve("m.seqstream");
        ModelFile.save(RetrainOperatorTest.model(3), model);
        assertThat(run("train", "--model", model.toString(), "--events", f.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("line 2").contains("token 'x'");
    }

    @Test
    void usageErrorsExitWith2() {
        assertThat(run()).isEqualTo(2);
        assertThat(run("train", "--events", "x.csv")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Missing required option: '--model=FILE'");
        assertThat(run("frobnicate")).isEqualTo(2);
        assertThat(run("rollback", "--version")).isEqualTo(2);
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("rollback").contains("keygen");
        assertThat(run("train", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("key,token[,label]");
    }

    CliRun cli(String... args) {
        return CliRun.of(new ModelsCommand(System.out, System.err).commandLine(), args);
    }

    @Test
    void everySubcommandHasHelp() {
        cli("--help").assertHelp("seqstream models", "train", "list", "rollback", "publish", "keygen", "--signing-key");
        cli("help", "train").assertHelp("seqstream models train");
        cli("train", "--help").assertHelp("--model=FILE", "--events=FILE", "--topic=T", "--bootstrap=B", "--out=FILE", "--publish",
                "--always",
                "--models-topic=T", "--signing-key=FILE", "--target", "--sequence-length=N", "--epochs=N", "--batch-size=N",
                "--learning-rate=X", "--holdout=F", "--min-improvement=X", "--sample-size=N", "--report=FILE",
                "--kafka.client.<property>=VALUE");
        cli("list", "--help").assertHelp("--bootstrap=B", "--topic=T", "(default: models)", "--kafka.client.<property>=VALUE");
        cli("rollback", "--help").assertHelp("--version=V", "--bootstrap=B", "--topic=T", "--signing-key=FILE");
        cli("publish", "--help").assertHelp("--model=FILE", "--bootstrap=B", "--topic=T", "--version=N", "--signing-key=FILE");
        cli("keygen", "--help").assertHelp("--out=PREFIX");
    }

    @Test
    void aBadOptionOrValueIsOneLineNamingIt() throws Exception {
        cli().assertUserError("seqstream models: a subcommand is required");
        cli("frobnicate").assertUserError("seqstream models: ", "'frobnicate'");
        cli("list", "--bootstrap", "b", "--topik", "t").assertUserError("seqstream models list: Unknown option: '--topik'",
                "did you mean --topic?");
        cli("list", "--bootstrap", "b", "--kafka.client.nonsense", "1").assertUserError("'--kafka.client.nonsense'");
        cli("list").assertUserError("Missing required option: '--bootstrap=B'");
        cli("rollback", "--version", "five", "--bootstrap", "b").assertUserError("--version", "'five'");
        cli("publish", "--model", "m", "--bootstrap", "b", "--version", "x").assertUserError("--version", "'x'");
        cli("train", "--model", "m").assertUserError("--events FILE or --topic T --bootstrap B is required");
        cli("train", "--model", "m", "--topic", "t").assertUserError("--bootstrap is required with --topic");
        cli("train", "--model", "m", "--events", "e.csv", "--epochs", "zero").assertUserError("'zero'", "retrain.epochs", "--epochs");
        cli("train", "--model", "m", "--events", "e.csv", "--holdout", "2").assertUserError("'2'", "--holdout");
        cli("train", "--model", dir.resolve("none.seqstream").toString(), "--events", "e.csv").assertUserError("none.seqstream");
        cli("keygen").assertUserError("--out=PREFIX");
    }
}
