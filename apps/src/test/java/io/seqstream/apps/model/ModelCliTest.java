package io.seqstream.apps.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.model.Input;
import io.seqstream.model.KerasTensor;
import io.seqstream.model.Model;
import io.seqstream.model.Tensor;
import io.seqstream.model.io.ModelFile;
import io.seqstream.model.keras.Close;
import io.seqstream.model.keras.GoldenFiles;
import io.seqstream.model.keras.KerasImport;
import io.seqstream.model.keras.NpyTensors;
import io.seqstream.model.layers.Dense;
import io.seqstream.model.layers.LSTM;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code model} CLI run in-process, stdout and stderr captured. */
class ModelCliTest {
    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
        void assertUserError(String... fragments) {
            assertThat(code).as("exit code; stderr: " + err).isEqualTo(2);
            assertThat(err.strip()).as("one line").doesNotContain("\n");
            assertThat(err).doesNotContain("\tat ").doesNotContain("Exception");
            for (String f : fragments)
                assertThat(err).contains(f);
        }

        void assertOk() {
            assertThat(code).as("exit code; stderr: " + err).isZero();
            assertThat(err).isEmpty();
        }
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cli = new CommandLine(new ModelCli());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static Path h5(String rel) {
        return GoldenFiles.kerasH5().resolve(rel);
    }

    static Path keras3(String rel) {
        return GoldenFiles.sharedDir().resolve("golden/keras3").resolve(rel);
    }

    static float[][] parseOutput(String out) {
        return out.lines().map(l -> {
            String[] f = l.split(",");
            float[] v = new float[f.length];
            for (int i = 0; i < f.length; i++)
                v[i] = Float.parseFloat(f[i]);
            return v;
        }).toArray(float[][]::new);
    }

    static Tensor rows(float[][] r) {
        return Tensor.ofRows(r);
    }

    /** Writes a tensor's samples as CSV lines, each sample flattened row-major. */
    Path csv(String name, Tensor... inputs) throws IOException {
        int n = inputs[0].dim(0);
        List<String> lines = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            StringBuilder sb = new StringBuilder();
            for (Tensor x : inputs) {
                int per = x.size() / n;
                for (int k = 0; k < per; k++) {
                    if (sb.length() > 0)
                        sb.append(',');
                    sb.append(x.data()[r * per + k]);
                }
            }
            lines.add(sb.toString());
        }
        Path p = tmp.resolve(name);
        Files.write(p, lines);
        return p;
    }

    @Test
    void summaryOfAKeras1File() {
        Run r = run("summary", h5("examples/simple_lstm/simple_lstm_tf_keras_1_model.h5").toString());
        r.assertOk();
        assertThat(r.out()).contains("lstm_1 (LSTM)", "(None, 50)", "10,400", "dense_1 (Dense)", "Total params: 10,451");
    }

    @Test
    void summaryOfAKeras3ArchiveAndOfItsImport() {
        Path keras = keras3("stacked_lstm_sigmoid/model.keras");
        Run direct = run("summary", keras.toString());
        direct.assertOk();
        assertThat(direct.out()).contains("Model: \"stacked_lstm_sigmoid\"", "lstm_1 (LSTM)", "lstm_2 (LSTM)", "dense (Dense)",
                "Total params: 1,545");
        Path out = tmp.resolve("stacked.model");
        Run imp = run("import", keras.toString(), "-o", out.toString());
        imp.assertOk();
        assertThat(imp.out()).contains("imported", "1,545 parameters");
        Run again = run("summary", out.toString());
        again.assertOk();
        assertThat(again.out()).isEqualTo(direct.out());
    }

    @Test
    void importWritesAModelFileWhoseProvenanceNamesTheSource() {
        Path src = h5("examples/simple_lstm/simple_lstm_th_keras_1_model.h5");
        Path out = tmp.resolve("lstm.model");
        run("import", src.toString(), "-o", out.toString()).assertOk();
        Model m = ModelFile.load(out);
        assertThat(m.provenance().property("source_file")).contains(src.toAbsolutePath().toString());
        assertThat(m.provenance().property("keras_version")).contains("1.2.2");
        assertThat(m.provenance().property("imported_by")).contains("model import");
        Close.check("saved weights", Tensor.ofRows(new float[][]{ KerasImport.load(src).getWeights().get(0).data() }),
                Tensor.ofRows(new float[][]{ m.getWeights().get(0).data() }), 0);
    }

    @Test
    void importConfigWithWeightsThenPredictFromCsv() throws IOException {
        Path out = tmp.resolve("fullconfig.model");
        run("import", h5("fullconfigs/lstm/lstm_th_keras_2_config.json").toString(),
                "--weights", h5("fullconfigs/lstm/lstm_th_keras_2_weights.h5").toString(), "-o", out.toString()).assertOk();
        // The first 10 sequences as CSV: 4 steps x 12 features per line.
        float[][] x = new float[10][48];
        for (int i = 0; i < 10; i++) {
            List<String> lines = Files.readAllLines(h5("fullconfigs/lstm/data/sequences/" + i + ".csv"));
            for (int t = 0; t < 4; t++) {
                String[] cols = lines.get(t).split(";");
                for (int f = 0; f < 12; f++)
                    x[i][t * 12 + f] = Float.parseFloat(cols[f]);
            }
        }
        Path in = csv("seq.csv", Tensor.ofRows(x));
        Run r = run("predict", out.toString(), "--input", in.toString());
        r.assertOk();
        Tensor expected = NpyTensors.read(h5("fullconfigs/lstm/predictions.npy")).sliceBatch(0, 10).reshape(10, 1);
        Close.check("predict", expected, rows(parseOutput(r.out())), 1e-5);
    }

    @Test
    void predictOnKeras3FilesWithTokenAndTwoInputs() throws IOException {
        Path dir = keras3("embedding_lstm_softmax");
        Run r = run("predict", dir.resolve("model.keras").toString(), "--input",
                csv("tokens.csv", NpyTensors.read(dir.resolve("inputs.npy"))).toString());
        r.assertOk();
        Close.check("embedding_lstm_softmax", NpyTensors.read(dir.resolve("expected.npy")), rows(parseOutput(r.out())), 1e-5);

        Path two = keras3("functional_two_inputs_concat");
        Path in = csv("two.csv", NpyTensors.read(two.resolve("inputs_0.npy")), NpyTensors.read(two.resolve("inputs_1.npy")));
        Run r2 = run("predict", two.resolve("model.h5").toString(), "--input", in.toString());
        r2.assertOk();
        Close.check("functional_two_inputs_concat", NpyTensors.read(two.resolve("expected.npy")), rows(parseOutput(r2.out())), 1e-5);
    }

    /** A model whose time axis is None: the time length comes from --timesteps, or from the line length. */
    @Test
    void timestepsGivesTheLengthOfAnOpenTimeAxis() throws IOException {
        KerasTensor in = Input.of(-1, 3);
        KerasTensor h = LSTM.builder(4).build().apply(in);
        Model m = new Model("open_time", List.of(in), List.of(Dense.builder(2).build().apply(h)));
        List<Tensor> w = new ArrayList<>();
        for (Tensor t : m.getWeights()) {
            float[] v = new float[t.size()];
            for (int i = 0; i < v.length; i++)
                v[i] = (float) Math.sin(1.3 * i + v.length) * 0.5f;
            w.add(Tensor.wrap(v, t.shape()));
        }
        m.setWeights(w);
        Path file = tmp.resolve("open.model");
        ModelFile.save(m, file);
        float[] x = new float[3 * 2 * 3];
        for (int i = 0; i < x.length; i++)
            x[i] = (float) Math.cos(0.4 * i);
        Tensor xs = Tensor.wrap(x, 3, 2, 3);
        Path in2 = csv("t2.csv", xs);
        Tensor expected = m.predict(xs);

        Run given = run("predict", file.toString(), "--input", in2.toString(), "--timesteps", "2");
        given.assertOk();
        Close.check("--timesteps 2", expected, rows(parseOutput(given.out())), 1e-6);
        Run inferred = run("predict", file.toString(), "--input", in2.toString());
        inferred.assertOk();
        assertThat(inferred.out()).isEqualTo(given.out());
        run("predict", file.toString(), "--input", in2.toString(), "--timesteps", "3")
                .assertUserError(in2 + " line 1: 6 numbers, but the model takes 9 per sample");
    }

    @Test
    void aBadNumberIsReportedByLineAndColumn() throws IOException {
        Path in = tmp.resolve("input.csv");
        String good = String.join(",", java.util.Collections.nCopies(48, "0.5"));
        String bad = "0.5,0.5,0.5,0.5,abc" + ",0.5".repeat(43);
        Files.write(in, List.of(good, good, bad));
        Path model = tmp.resolve("m.model");
        run("import", h5("fullconfigs/lstm/lstm_th_keras_2_config.json").toString(),
                "--weights", h5("fullconfigs/lstm/lstm_th_keras_2_weights.h5").toString(), "-o", model.toString()).assertOk();
        run("predict", model.toString(), "--input", in.toString()).assertUserError(in + " line 3 column 5: 'abc' is not a number");

        Files.write(in, List.of(good, good + ",1"));
        run("predict", model.toString(), "--input", in.toString()).assertUserError(in + " line 2: 49 numbers, but the model takes 48");
    }

    @Test
    void userErrorsExitWithCode2AndOneLine() throws IOException {
        run("summary", tmp.resolve("missing.h5").toString()).assertUserError("missing.h5: no such file");
        Path bi = h5("weights/bidirectional_lstm_tensorflow_2.h5");
        run("summary", bi.toString()).assertUserError("Bidirectional", bi.toString());
        run("import", h5("fullconfigs/lstm/lstm_th_keras_2_weights.h5").toString(), "-o", tmp.resolve("x.model").toString())
                .assertUserError("weights only", "config");
        Path junk = tmp.resolve("junk.bin");
        Files.write(junk, new byte[]{ 1, 2, 3, 4, 5 });
        run("summary", junk.toString()).assertUserError("not a Keras model file");
        Path tokens = tmp.resolve("tokens.csv");
        Files.write(tokens, List.of("1,2,3,4,5,6,7,8,9,10", "1,2,3,4,5,6,7,8,9,99"));
        run("predict", keras3("embedding_lstm_softmax/model.keras").toString(), "--input", tokens.toString())
                .assertUserError(tokens + " line 2 column 10: token id 99 is outside the vocabulary [0, 30)");
        assertThat(run("import", bi.toString()).code()).isEqualTo(2); // missing -o: picocli usage error
        assertThat(run().code()).isEqualTo(2);
    }
}
