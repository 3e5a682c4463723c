package io.seqstream.model.keras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seqstream.model.Input;
import io.seqstream.model.KerasTensor;
import io.seqstream.model.Model;
import io.seqstream.model.Sequential;
import io.seqstream.model.Tensor;
import io.seqstream.model.layers.Concatenate;
import io.seqstream.model.layers.Dense;
import io.seqstream.model.layers.Dropout;
import io.seqstream.model.layers.Embedding;
import io.seqstream.model.layers.GRU;
import io.seqstream.model.layers.InputLayer;
import io.seqstream.model.layers.LSTM;
import io.seqstream.model.layers.Masking;
import io.seqstream.model.layers.SimpleRNN;
import io.seqstream.model.ops.ActivationFunction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Models exported to {@code .keras} and {@code .h5} load in real Keras 3 and predict what seqstream predicts
 * (within 1e-5): every keras3-seq golden model after import, and hand-built ones with GRU both ways, masking,
 * return_state and a functional graph. Needs the Python interpreter of a venv with keras 3 in
 * {@code -Dkeras.python} (the build sets it; .ci/run creates the venv): without it the test fails.
 * Also reloads each exported file in seqstream and checks the same weights come back.
 */
class KerasExportTest {
    static Path python() {
        String p = System.getProperty("keras.python");
        assertThat(p).as("-Dkeras.python: the python of a venv with keras==3.15.1, jax[cpu], h5py, numpy"
                + " (python3 -m venv ~/.cache/seqstream-venv && ~/.cache/seqstream-venv/bin/pip install keras==3.15.1 'jax[cpu]' h5py numpy)")
                .isNotBlank();
        Path py = Paths.get(p);
        assertThat(Files.isExecutable(py)).as("-Dkeras.python=" + p + " is not an executable file").isTrue();
        return py;
    }

    static Path script() {
        Path s = Paths.get("src/test/python/check_export.py");
        if (!Files.exists(s))
            s = Paths.get("model-core/src/test/python/check_export.py");
        assertThat(s).as("check_export.py").exists();
        return s.toAbsolutePath();
    }

    /** One model and its inputs (a String[][] for a string input). */
    record Case(String name, Model model, List<Object> inputs) {
    }

    static List<Case> cases() throws IOException {
        List<Case> cases = new ArrayList<>();
        Path golden = Keras3SeqGoldenTest.dir();
        assertThat(golden).as("golden dir " + golden).isDirectory();
        try (var s = Files.list(golden)) {
            for (Path c : s.filter(p -> Files.isRegularFile(p.resolve("model.keras"))).sorted().toList()) {
                cases.add(new Case("golden_" + c.getFileName(), KerasImport.load(c.resolve("model.keras")),
                        Keras3SeqGoldenTest.rawInputs(c)));
            }
        }
        Random r = new Random(42);
        Sequential gru = new Sequential("gru_before_masking");
        gru.add(Masking.builder(0.0).inputShape(6, 3).build());
        gru.add(GRU.builder(5).resetAfter(false).returnSequences(true).seed(1).build());
        gru.add(io.seqstream.model.layers.RNN.builder(new io.seqstream.model.layers.LSTMCell(4, ActivationFunction.TANH,
                ActivationFunction.HARD_SIGMOID_KERAS3, true)).seed(2).build());
        gru.add(Dropout.of(0.2));
        gru.add(Dense.builder(2).activation("sigmoid").seed(3).build());
        float[] x = randn(r, 3 * 6 * 3);
        java.util.Arrays.fill(x, 0, 6, 0f);
        cases.add(new Case("gru_masking", gru, List.of(Tensor.wrap(x, 3, 6, 3))));

        KerasTensor tok = Input.create("tokens", new int[]{ -1, 5 }, true), feat = Input.create("feats", new int[]{ -1, 5, 2 }, false);
        KerasTensor e = Embedding.builder(10, 4).maskZero(true).seed(4).build().apply(tok);
        // Named: Keras 3 names the ops of a mask computation after their class, so a masked Concatenate called
        // "concatenate" collides with them when Keras reloads the graph (a Keras limitation, see KERAS_IMPORT.md).
        List<KerasTensor> g = GRU.builder(6).returnSequences(true).returnState(true).seed(5).build()
                .applyAll(Concatenate.builder().axis(-1).name("joined").build().apply(e, feat));
        KerasTensor s = SimpleRNN.builder(3).seed(6).build().apply(g.get(0));
        KerasTensor out = Dense.builder(3).activation("softmax").seed(7).build()
                .apply(Concatenate.builder().axis(-1).name("head_in").build().apply(s, g.get(1)));
        Model f = new Model("functional_gru", List.of(tok, feat), List.of(out));
        f.layers().get(0).setTrainable(false);
        cases.add(new Case("functional_gru", f, List.of(Tensor.ofTokens(new int[][]{ { 0, 3, 4, 0, 9 }, { 1, 2, 3, 4, 5 } }),
                Tensor.wrap(randn(r, 2 * 5 * 2), 2, 5, 2))));

        Sequential lstm = new Sequential("stacked");
        lstm.add(Embedding.builder(7, 3).seed(8).build());
        lstm.add(LSTM.builder(4).returnSequences(true).seed(9).build());
        lstm.add(Dense.builder(2).seed(10).build());
        lstm.build(-1);
        cases.add(new Case("per_step_dense", lstm, List.of(Tensor.ofTokens(new int[][]{ { 1, 2, 3, 6 }, { 0, 5, 5, 2 } }))));
        return cases;
    }

    static float[] randn(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++)
            v[i] = (float) r.nextGaussian();
        return v;
    }

    @Test
    void realKeras3LoadsBothFormatsAndPredictsTheSame() throws Exception {
        Path py = python();
        Path root = Paths.get("target", "keras-export").toAbsolutePath();
        Files.createDirectories(root);
        List<String> dirs = new ArrayList<>(), stringDirs = new ArrayList<>();
        int files = 0;
        for (Case c : cases()) {
            Path d = root.resolve(c.name());
            Files.createDirectories(d);
            List<Tensor> xs = new ArrayList<>();
            for (int i = 0; i < c.inputs().size(); i++) {
                Object in = c.inputs().get(i);
                if (in instanceof String[][] rows) {
                    Files.write(d.resolve("inputs_" + i + ".txt"), java.util.Arrays.stream(rows).map(row -> String.join(" ", row)).toList(),
                            StandardCharsets.UTF_8);
                    xs.add(c.model().encodeStrings(i, rows));
                } else {
                    Tensor t = (Tensor) in;
                    boolean ints = ((InputLayer) c.model().inputs().get(i).node().layer()).intDtype();
                    NpyWrite.write(d.resolve("inputs_" + i + ".npy"), t, ints);
                    xs.add(t);
                }
            }
            NpyWrite.write(d.resolve("expected.npy"), c.model().predict(xs).get(0), false);
            KerasExport.save(c.model(), d.resolve("model.keras"));
            KerasExport.save(c.model(), d.resolve("model.h5"));
            for (String f : new String[]{ "model.keras", "model.h5" }) {
                Model back = KerasImport.load(d.resolve(f));
                List<Tensor> a = c.model().getWeights(), b = back.getWeights();
                assertThat(b).hasSameSizeAs(a);
                for (int i = 0; i < a.size(); i++)
                    Close.check(d + "/" + f + " weight " + i, a.get(i), b.get(i), 0);
                assertThat(back.layers().stream().map(l -> l.trainable()).toList()).as(f + " trainable flags")
                        .isEqualTo(c.model().layers().stream().map(l -> l.trainable()).toList());
                files++;
            }
            (c.inputs().stream().anyMatch(i -> i instanceof String[][]) ? stringDirs : dirs).add(d.toString());
        }
        // Keras 3's StringLookup only runs on the TensorFlow backend; everything else is checked on JAX.
        String output = runCheck(py, "jax", dirs) + runCheck(py, "tensorflow", stringDirs);
        assertThat(output.lines().filter(l -> l.startsWith("OK ")).count()).as(output).isEqualTo(files);
    }

    static String runCheck(Path py, String backend, List<String> dirs) throws Exception {
        if (dirs.isEmpty())
            return "";
        List<String> cmd = new ArrayList<>(List.of(py.toString(), script().toString()));
        cmd.addAll(dirs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("KERAS_BACKEND", backend);
        pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as("check_export.py (" + backend + ") output:\n" + output).isZero();
        return output;
    }

    @Test
    void keras2HardSigmoidCannotBeExported() {
        Sequential m = new Sequential("old");
        m.add(LSTM.builder(3).recurrentActivation("hard_sigmoid").inputShape(4, 2).build());
        assertThatThrownBy(() -> KerasExport.save(m, Paths.get("target", "old.keras"))).hasMessageContaining("layer 'lstm")
                .hasMessageContaining("recurrent_activation").hasMessageContaining("hard_sigmoid");
    }
}
