package io.seqstream.model.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.model.Sequential;
import io.seqstream.model.io.Npy;
import io.seqstream.model.layers.Dense;
import io.seqstream.model.layers.Embedding;
import io.seqstream.model.layers.LSTM;
import io.seqstream.testkit.SharedData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 8, point 2: the stepper built from the ONNX peer's weights ({@code shared/peers/onnx/H128|H256},
 * Keras layout .npy) reproduces ONNX Runtime's reference run: 6 steps for 4 keys from zero state,
 * probabilities per step and the final h and c, within 1e-5, with the Vector API kernels and the scalar ones.
 * The files are read in place from the shared folder ({@code -Dshared.dir}, set by the build), never copied.
 */
class OnnxPeerParityTest {
    static final float TOL = 1e-5f;

    static Path peerDir(int units) {
        return SharedData.require("peers", "onnx", "H" + units);
    }

    /** Embedding(1000,64) -> LSTM(units) -> Dense(10, softmax) with the peer's weights. */
    static Sequential peerModel(Path dir, int units) throws IOException {
        Sequential m = new Sequential("onnx_peer_h" + units);
        m.add(Embedding.builder(1000, 64).seed(1).build());
        m.add(LSTM.builder(units).returnSequences(true).seed(2).build());
        m.add(Dense.builder(10).activation("softmax").seed(3).build());
        m.build(-1);
        m.layers().get(0).setWeights(List.of(Npy.read(dir.resolve("emb.npy")).expectShape(1000, 64).toTensor()));
        m.layers().get(1).setWeights(List.of(
                Npy.read(dir.resolve("kernel.npy")).expectShape(64, 4 * units).toTensor(),
                Npy.read(dir.resolve("rec.npy")).expectShape(units, 4 * units).toTensor(),
                Npy.read(dir.resolve("bias.npy")).expectShape(4 * units).toTensor()));
        m.layers().get(2).setWeights(List.of(
                Npy.read(dir.resolve("dk.npy")).expectShape(units, 10).toTensor(),
                Npy.read(dir.resolve("db.npy")).expectShape(10).toTensor()));
        return m;
    }

    @ParameterizedTest(name = "H={0} {1}")
    @CsvSource({ "128, vector", "128, scalar", "256, vector", "256, scalar" })
    void stepperMatchesOnnxRuntimeReferenceRun(int units, String kernels) throws IOException {
        Path dir = peerDir(units);
        Sequential m = peerModel(dir, units);
        StepModel sm = kernels.equals("scalar") ? StepModel.compileScalar(m) : StepModel.compile(m);
        assertThat(sm.vectorized()).as("Vector API kernels in use (surefire runs with --add-modules jdk.incubator.vector)")
                .isEqualTo(kernels.equals("vector"));

        int[] tokens = Npy.read(dir.resolve("ref_tokens.npy")).expectShape(6, 4).ints();
        float[] probs = Npy.read(dir.resolve("ref_probs.npy")).expectShape(6, 4, 10).floats();
        float[] refH = Npy.read(dir.resolve("ref_h.npy")).expectShape(4, units).floats();
        float[] refC = Npy.read(dir.resolve("ref_c.npy")).expectShape(4, units).floats();

        int keys = 4, steps = 6;
        assertThat(sm.stateSize()).isEqualTo(2 * units);
        float[][] states = new float[keys][];
        for (int k = 0; k < keys; k++)
            states[k] = sm.newState();
        float[][] out = new float[keys][10];
        Stepper st = sm.newStepper(keys);
        double worst = 0;
        for (int t = 0; t < steps; t++) {
            int[] tok = java.util.Arrays.copyOfRange(tokens, t * keys, (t + 1) * keys);
            st.stepTokens(states, tok, keys, out);
            for (int k = 0; k < keys; k++) {
                for (int j = 0; j < 10; j++) {
                    float want = probs[(t * keys + k) * 10 + j];
                    worst = Math.max(worst, Math.abs(out[k][j] - want));
                    assertThat(out[k][j]).as("step %d key %d class %d", t, k, j).isCloseTo(want, org.assertj.core.data.Offset.offset(TOL));
                }
            }
        }
        for (int k = 0; k < keys; k++) {
            for (int j = 0; j < units; j++) {
                assertThat(states[k][j]).as("h key %d unit %d", k, j).isCloseTo(refH[k * units + j],
                        org.assertj.core.data.Offset.offset(TOL));
                assertThat(states[k][units + j]).as("c key %d unit %d", k, j).isCloseTo(refC[k * units + j],
                        org.assertj.core.data.Offset.offset(TOL));
            }
        }
        assertThat(worst).isLessThan(TOL);
    }
}
