package io.seqstream.model.keras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seqstream.model.Model;
import io.seqstream.model.Tensor;
import io.seqstream.model.layers.InputLayer;
import io.seqstream.model.layers.Layer;
import io.seqstream.model.layers.RNN;
import io.seqstream.model.stream.StepModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every model folder of {@code -Dkeras3.dir} (default: the shared golden/keras3 set): {@code model.keras}
 * and {@code model.h5} both reproduce {@code expected.npy} from {@code inputs.npy} (or {@code inputs_0.npy},
 * {@code inputs_1.npy}, ... in model input order), and so do the per-key stepper and the streaming copy,
 * fed one time step per call. Folders are discovered, so other models of the same kinds run unchanged.
 */
class Keras3ImportTest {
    static final double TOL = 1e-5;

    @TestFactory
    Stream<DynamicNode> everyModelInBothFormats() throws IOException {
        Path dir = GoldenFiles.keras3();
        assertThat(dir).as("Keras 3 golden dir (-Dkeras3.dir)").isDirectory();
        List<Path> cases;
        try (Stream<Path> s = Files.list(dir)) {
            cases = s.filter(p -> Files.isRegularFile(p.resolve("expected.npy"))).sorted().toList();
        }
        assertThat(cases).as("model folders in " + dir).isNotEmpty();
        return cases.stream().map(c -> DynamicContainer.dynamicContainer(c.getFileName().toString(), Stream.of(
                DynamicTest.dynamicTest("model.keras", () -> reproduces(c, c.resolve("model.keras"))),
                DynamicTest.dynamicTest("model.h5", () -> reproduces(c, c.resolve("model.h5"))),
                DynamicTest.dynamicTest("same weights in both", () -> sameWeights(c)),
                DynamicTest.dynamicTest("streaming copy", () -> streams(c)),
                DynamicTest.dynamicTest("stepper", () -> steps(c)))));
    }

    static List<Tensor> inputs(Path c) throws IOException {
        if (Files.exists(c.resolve("inputs.npy")))
            return List.of(NpyTensors.read(c.resolve("inputs.npy")));
        List<Tensor> xs = new ArrayList<>();
        for (int i = 0; Files.exists(c.resolve("inputs_" + i + ".npy")); i++)
            xs.add(NpyTensors.read(c.resolve("inputs_" + i + ".npy")));
        assertThat(xs).as(c + ": inputs.npy or inputs_0.npy...").isNotEmpty();
        return xs;
    }

    static void reproduces(Path c, Path file) throws IOException {
        Model m = KerasImport.load(file);
        List<Tensor> y = m.predict(inputs(c));
        assertThat(y).hasSize(1);
        Close.check(file.toString(), NpyTensors.read(c.resolve("expected.npy")), y.get(0), TOL);
        assertThat(m.provenance().property("keras_version")).hasValueSatisfying(v -> assertThat(v).startsWith("3."));
    }

    static void sameWeights(Path c) {
        List<Tensor> a = KerasImport.load(c.resolve("model.keras")).getWeights();
        List<Tensor> b = KerasImport.load(c.resolve("model.h5")).getWeights();
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < a.size(); i++)
            Close.check(c + " weight " + i, a.get(i), b.get(i), 0);
    }

    /**
     * The streaming copy, fed one time step per call from reset state, ends on the whole-sequence prediction
     * (or, for a per-step output (B, T, n), gives expected[:, t] at step t). go_backwards cannot stream.
     */
    static void streams(Path c) throws IOException {
        Model m = KerasImport.load(c.resolve("model.keras"));
        boolean backwards = m.layers().stream().anyMatch(l -> l instanceof RNN r && r.goBackwards());
        if (backwards) {
            assertThatThrownBy(() -> KerasImport.toStreaming(m)).isInstanceOf(KerasImportException.class)
                    .hasMessageContaining("go_backwards");
            return;
        }
        Model s = KerasImport.toStreaming(m);
        List<Tensor> xs = inputs(c);
        Tensor expected = NpyTensors.read(c.resolve("expected.npy"));
        int batch = expected.dim(0);
        int time = -1;
        for (int i = 0; i < xs.size(); i++)
            if (isSequence(s, i))
                time = xs.get(i).dim(1);
        assertThat(time).as(c + ": a sequence input").isPositive();
        boolean perStep = expected.rank() == 3;
        int width = expected.size() / batch / (perStep ? time : 1);
        float[] got = new float[expected.size()];
        for (int b = 0; b < batch; b++) {
            s.resetStates();
            for (int t = 0; t < time; t++) {
                List<Tensor> step = new ArrayList<>();
                for (int i = 0; i < xs.size(); i++)
                    step.add(isSequence(s, i) ? stepOf(xs.get(i), b, t) : xs.get(i).sliceBatch(b, b + 1));
                float[] y = s.predict(step).get(0).data();
                if (perStep)
                    System.arraycopy(y, 0, got, (b * time + t) * width, width);
                else if (t == time - 1)
                    System.arraycopy(y, 0, got, b * width, width);
            }
        }
        Close.check(c + " streamed", expected, Tensor.wrap(got, expected.shape()), TOL);
    }

    /**
     * Each batch row as one key through the per-key stepper: the last step equals the prediction (a per-step
     * output (B, T, n) equals it at every step). The stepper takes single-input chains without go_backwards;
     * other models must be refused with a message saying why.
     */
    static void steps(Path c) throws IOException {
        Model m = KerasImport.load(c.resolve("model.keras"));
        boolean backwards = m.layers().stream().anyMatch(l -> l instanceof RNN r && r.goBackwards());
        if (backwards || m.inputs().size() > 1) {
            assertThatThrownBy(() -> StepModel.compile(m)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(backwards ? "go_backwards" : "not a per-step sequence");
            return;
        }
        Tensor expected = NpyTensors.read(c.resolve("expected.npy"));
        float[][][] out = Stepping.run(StepModel.compile(m), inputs(c).get(0));
        Close.check(c + " stepped", expected, expected.rank() == 3 ? Stepping.all(out) : Stepping.last(out), TOL);
    }

    static boolean isSequence(Model streaming, int input) {
        return streaming.inputs().get(input).shape().length >= 2 && streaming.inputs().get(input).shape()[1] < 0;
    }

    /** x[b, t] with batch and time axes of length 1. */
    static Tensor stepOf(Tensor x, int b, int t) {
        int[] s = x.shape();
        int per = x.size() / s[0] / s[1];
        float[] v = Arrays.copyOfRange(x.data(), (b * s[1] + t) * per, (b * s[1] + t + 1) * per);
        s[0] = 1;
        s[1] = 1;
        return Tensor.wrap(v, s);
    }

    static boolean isIntInput(Model m, int i) {
        Layer l = m.inputs().get(i).node().layer();
        return ((InputLayer) l).intDtype();
    }
}
