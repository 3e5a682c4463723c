package io.seqstream.model.keras;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.model.Model;
import io.seqstream.model.Tensor;
import io.seqstream.model.layers.InputLayer;
import io.seqstream.model.stream.StepBatch;
import io.seqstream.model.stream.StepModel;
import io.seqstream.model.stream.Stepper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case folder of {@code -Dkeras3seq.dir} (default: the shared golden/keras3-seq set; a missing folder
 * fails): {@code model.keras} and {@code model.h5} reproduce {@code expected.npy} from {@code inputs*.npy} /
 * {@code inputs.txt} through import + predict, and through the per-key stepper fed key by key, one event per
 * call (each row a key; its last output is the row's prediction, or every step's output for a per-step model).
 */
class Keras3SeqGoldenTest {
    private static final double ABS = 1e-5, REL = 1e-4;

    static Path dir() {
        String d = System.getProperty("keras3seq.dir");
        return d != null ? Paths.get(d).toAbsolutePath().normalize() : GoldenFiles.sharedDir().resolve("golden/keras3-seq");
    }

    @TestFactory
    Stream<DynamicNode> everyCase() throws IOException {
        Path dir = dir();
        assertThat(dir).as("Keras 3 sequence golden dir (-Dkeras3seq.dir) " + dir).isDirectory();
        List<Path> cases;
        try (Stream<Path> s = Files.list(dir)) {
            cases = s.filter(p -> Files.isRegularFile(p.resolve("expected.npy"))).sorted().toList();
        }
        assertThat(cases).as("case folders in " + dir).isNotEmpty();
        return cases.stream().map(c -> DynamicContainer.dynamicContainer(c.getFileName().toString(), Stream.of(
                DynamicTest.dynamicTest("model.keras predict", () -> predicts(c, c.resolve("model.keras"))),
                DynamicTest.dynamicTest("model.h5 predict", () -> predicts(c, c.resolve("model.h5"))),
                DynamicTest.dynamicTest("stepper, key by key",
                        () -> steps(c, StepModel.compile(KerasImport.load(c.resolve("model.keras"))))),
                DynamicTest.dynamicTest("stepper, scalar kernels",
                        () -> steps(c, StepModel.compileScalar(KerasImport.load(c.resolve("model.keras"))))))));
    }

    /** The case's inputs in model input order; string inputs as rows of strings. */
    record Inputs(List<Object> values) {
    }

    static List<Object> rawInputs(Path c) throws IOException {
        List<Object> xs = new ArrayList<>();
        if (Files.exists(c.resolve("inputs.npy")))
            xs.add(NpyTensors.read(c.resolve("inputs.npy")));
        else if (Files.exists(c.resolve("inputs.txt")))
            xs.add(strings(c.resolve("inputs.txt")));
        for (int i = 0; xs.isEmpty() || i > 0; i++) {
            Path npy = c.resolve("inputs_" + i + ".npy"), txt = c.resolve("inputs_" + i + ".txt");
            if (Files.exists(npy))
                xs.add(NpyTensors.read(npy));
            else if (Files.exists(txt))
                xs.add(strings(txt));
            else
                break;
        }
        assertThat(xs).as(c + ": inputs.npy, inputs.txt or inputs_<i>.npy/.txt").isNotEmpty();
        return xs;
    }

    static String[][] strings(Path f) throws IOException {
        return Files.readAllLines(f, StandardCharsets.UTF_8).stream().filter(l -> !l.isEmpty()).map(l -> l.split(" "))
                .toArray(String[][]::new);
    }

    static List<Tensor> tensors(Model m, List<Object> raw) {
        List<Tensor> xs = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++)
            xs.add(raw.get(i) instanceof String[][] s ? m.encodeStrings(i, s) : (Tensor) raw.get(i));
        return xs;
    }

    static void predicts(Path c, Path file) throws IOException {
        Model m = KerasImport.load(file);
        List<Tensor> y = m.predict(tensors(m, rawInputs(c)));
        assertThat(y).hasSize(1);
        Close.check(file.toString(), NpyTensors.read(c.resolve("expected.npy")), y.get(0), ABS, REL);
    }

    /** Each batch row is a key; one event per key per call, values of every input at that step. */
    static void steps(Path c, StepModel sm) throws IOException {
        List<Object> raw = rawInputs(c);
        Tensor expected = NpyTensors.read(c.resolve("expected.npy"));
        int keys = raw.get(0) instanceof String[][] s ? s.length : ((Tensor) raw.get(0)).dim(0);
        int time = raw.get(0) instanceof String[][] s ? s[0].length : ((Tensor) raw.get(0)).dim(1);
        assertThat(sm.inputCount()).isEqualTo(raw.size());
        Stepper stepper = sm.newStepper(keys);
        StepBatch batch = stepper.batch();
        float[][] states = new float[keys][];
        for (int k = 0; k < keys; k++)
            states[k] = sm.newState();
        float[][][] out = new float[time][keys][sm.outputSize()];
        for (int t = 0; t < time; t++) {
            for (int k = 0; k < keys; k++) {
                for (int i = 0; i < raw.size(); i++) {
                    Object x = raw.get(i);
                    if (x instanceof String[][] s) {
                        batch.string(i, k, s[k][t]);
                    } else {
                        Tensor tx = (Tensor) x;
                        if (tx.rank() == 2) {
                            batch.token(i, k, (int) tx.data()[k * time + t]);
                        } else {
                            int f = tx.dim(2);
                            float[] v = new float[f];
                            System.arraycopy(tx.data(), (k * time + t) * f, v, 0, f);
                            batch.features(i, k, v);
                        }
                    }
                }
            }
            stepper.step(states, batch, keys, out[t]);
        }
        Tensor got;
        if (expected.rank() == 3) {
            int n = sm.outputSize();
            float[] v = new float[keys * time * n];
            for (int t = 0; t < time; t++)
                for (int k = 0; k < keys; k++)
                    System.arraycopy(out[t][k], 0, v, (k * time + t) * n, n);
            got = Tensor.wrap(v, keys, time, n);
        } else {
            got = Tensor.ofRows(out[time - 1]);
        }
        Close.check(c + " stepper (" + (sm.vectorized() ? "vector" : "scalar") + ")", expected, got, ABS, REL);
    }
}
