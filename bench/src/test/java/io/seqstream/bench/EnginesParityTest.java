package io.seqstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.seqstream.model.io.Npy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 8, point 2, with ONNX Runtime itself in the loop: the benchmarked engines compute the same
 * function. ONNX Runtime (Java) reproduces the peer's reference run; the stepper (vector and scalar) and
 * DL4J match ONNX Runtime step by step on random streams, probabilities and carried h, c within 1e-5.
 */
class EnginesParityTest {
    static final float TOL = 1e-5f;

    @ParameterizedTest(name = "H={0}")
    @ValueSource(ints = { 128, 256 })
    void onnxRuntimeReproducesTheReferenceRun(int units) throws IOException {
        Path dir = SharedDir.peer(units);
        int[] tokens = Npy.read(dir.resolve("ref_tokens.npy")).expectShape(6, 4).ints();
        float[] probs = Npy.read(dir.resolve("ref_probs.npy")).floats();
        float[] refH = Npy.read(dir.resolve("ref_h.npy")).floats();
        float[] refC = Npy.read(dir.resolve("ref_c.npy")).floats();
        for (String name : new String[]{ "onnx", "onnx-reuse", "stepper", "stepper-scalar" }) {
            try (Engine e = Engine.create(name, units, 4)) {
                for (int t = 0; t < 6; t++) {
                    e.step(Arrays.copyOfRange(tokens, 4 * t, 4 * t + 4));
                    for (int k = 0; k < 4; k++) {
                        for (int j = 0; j < 10; j++) {
                            assertThat(e.outputs()[k][j]).as("%s step %d key %d", name, t, k).isCloseTo(probs[(t * 4 + k) * 10 + j],
                                    within(TOL));
                        }
                    }
                }
                for (int k = 0; k < 4; k++) {
                    for (int j = 0; j < units; j++) {
                        assertThat(e.states()[k][j]).as("%s h", name).isCloseTo(refH[k * units + j], within(TOL));
                        assertThat(e.states()[k][units + j]).as("%s c", name).isCloseTo(refC[k * units + j], within(TOL));
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "H={0}")
    @ValueSource(ints = { 128, 256 })
    void enginesAgreeOnARandomStream(int units) {
        int batch = 8, steps = 25;
        Random rnd = new Random(units);
        int[][] tokens = new int[steps][batch];
        for (int[] row : tokens)
            for (int i = 0; i < batch; i++)
                row[i] = rnd.nextInt(PeerModel.VOCAB);
        try (Engine onnx = Engine.create("onnx", units, batch);
                Engine vec = Engine.create("stepper", units, batch);
                Engine sca = Engine.create("stepper-scalar", units, batch);
                Engine dl4j = Engine.create("dl4j", units, batch)) {
            double worst = 0;
            for (int t = 0; t < steps; t++) {
                for (Engine e : new Engine[]{ onnx, vec, sca, dl4j })
                    e.step(tokens[t]);
                for (Engine e : new Engine[]{ vec, sca, dl4j }) {
                    for (int i = 0; i < batch; i++) {
                        for (int j = 0; j < PeerModel.CLASSES; j++) {
                            float d = Math.abs(e.outputs()[i][j] - onnx.outputs()[i][j]);
                            worst = Math.max(worst, d);
                            assertThat(d).as("%s vs onnx, step %d key %d class %d", e.name(), t, i, j).isLessThanOrEqualTo(TOL);
                        }
                        for (int j = 0; j < 2 * units; j++) {
                            assertThat(e.states()[i][j]).as("%s vs onnx state, step %d key %d", e.name(), t, i)
                                    .isCloseTo(onnx.states()[i][j], within(TOL));
                        }
                    }
                }
            }
            assertThat(worst).isLessThan(TOL);
        }
    }

    @ParameterizedTest(name = "B={0}")
    @ValueSource(ints = { 1, 8 })
    void sgemmEngineComputesTheProduct(int batch) {
        try (SgemmEngine g = new SgemmEngine(128, batch)) {
            g.step(null);
            assertThat(g.result().shape()).containsExactly(batch, 512L);
            assertThat(g.result().sumNumber().doubleValue()).isNotZero();
        }
    }
}
