package io.seqstream.bench.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.seqstream.bench.PeerModel;
import io.seqstream.bench.SharedDir;
import io.seqstream.jobs.model.BatchStepper;
import io.seqstream.jobs.model.ModelLoadException;
import io.seqstream.jobs.model.StepModelBackend;
import io.seqstream.model.Sequential;
import io.seqstream.model.io.Npy;
import io.seqstream.model.layers.Dense;
import io.seqstream.model.layers.Embedding;
import io.seqstream.model.layers.GRU;
import io.seqstream.model.layers.LSTM;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The end-to-end benchmark's ONNX Runtime engine computes the model: the step graph it writes reproduces the shared
 * peer's reference run (made by ONNX Runtime from a graph built with the onnx package), and it agrees with the
 * job's own stepper on random streams in micro-batches of every size.
 */
class OnnxBackendTest {
    private static final float TOL = 1e-5f;

    @ParameterizedTest(name = "H={0}")
    @ValueSource(ints = { 128, 256 })
    void theWrittenGraphReproducesThePeersReferenceRun(int units) throws IOException {
        Path dir = SharedDir.peer(units);
        int[] tokens = Npy.read(dir.resolve("ref_tokens.npy")).expectShape(6, 4).ints();
        float[] probs = Npy.read(dir.resolve("ref_probs.npy")).floats();
        float[] refH = Npy.read(dir.resolve("ref_h.npy")).floats();
        float[] refC = Npy.read(dir.resolve("ref_c.npy")).floats();
        BatchStepper onnx = new OnnxBackend(PeerModel.load(units)).open(4);
        float[][] states = new float[4][2 * units];
        float[][] out = new float[4][PeerModel.CLASSES];
        for (int t = 0; t < 6; t++) {
            int[] row = new int[4];
            System.arraycopy(tokens, 4 * t, row, 0, 4);
            onnx.stepTokens(states, row, 4, out);
            for (int k = 0; k < 4; k++) {
                for (int j = 0; j < PeerModel.CLASSES; j++) {
                    assertThat(out[k][j]).as("step %d key %d class %d", t, k, j).isCloseTo(probs[(t * 4 + k) * 10 + j], within(TOL));
                }
            }
        }
        for (int k = 0; k < 4; k++) {
            for (int j = 0; j < units; j++) {
                assertThat(states[k][j]).as("h of key %d", k).isCloseTo(refH[k * units + j], within(TOL));
                assertThat(states[k][units + j]).as("c of key %d", k).isCloseTo(refC[k * units + j], within(TOL));
            }
        }
    }

    @Test
    void agreesWithTheJobsStepperInMicroBatchesOfEverySize() {
        Sequential model = new Sequential("bench");
        model.add(Embedding.builder(50, 8).seed(1).build());
        model.add(LSTM.builder(24).returnSequences(true).seed(2).build());
        model.add(Dense.builder(30).activation("softmax").seed(3).build());
        model.build(-1);
        int keys = 40, maxBatch = 16;
        BatchStepper onnx = new OnnxBackend(model).open(maxBatch);
        BatchStepper own = StepModelBackend.of(model, 1).open(maxBatch);
        float[][] sOnnx = new float[keys][48];
        float[][] sOwn = new float[keys][48];
        Random rnd = new Random(7);
        for (int call = 0; call < 60; call++) {
            int n = 1 + rnd.nextInt(maxBatch); // every batch size the operator may hand over, up to maxBatch
            int first = call == 0 ? 0 : rnd.nextInt(keys - n + 1);
            float[][] a = new float[n][], b = new float[n][];
            int[] tokens = new int[n];
            for (int i = 0; i < n; i++) {
                a[i] = sOnnx[first + i];
                b[i] = sOwn[first + i];
                tokens[i] = rnd.nextInt(50);
            }
            float[][] outA = new float[maxBatch][30], outB = new float[maxBatch][30];
            onnx.stepTokens(a, tokens, n, outA);
            own.stepTokens(b, tokens, n, outB);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < 30; j++) {
                    assertThat(outA[i][j]).as("call %d row %d class %d", call, i, j).isCloseTo(outB[i][j], within(TOL));
                }
                for (int j = 0; j < 48; j++) {
                    assertThat(a[i][j]).as("call %d key %d state %d", call, first + i, j).isCloseTo(b[i][j], within(TOL));
                }
            }
        }
        assertThat(sOnnx[0]).as("the first key was stepped").isNotEqualTo(new float[48]);
    }

    @Test
    void refusesAModelItCannotWriteNamingTheLayer() {
        Sequential gru = new Sequential("gru");
        gru.add(Embedding.builder(10, 4).build());
        gru.add(GRU.builder(8).returnSequences(true).build());
        gru.add(Dense.builder(5).activation("softmax").build());
        gru.build(-1);
        assertThatThrownBy(() -> new OnnxBackend(gru)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("Embedding -> LSTM -> Dense");

        Sequential hard = new Sequential("hard");
        hard.add(Embedding.builder(10, 4).build());
        hard.add(LSTM.builder(8).recurrentActivation("hard_sigmoid").returnSequences(true).build());
        hard.add(Dense.builder(5).activation("softmax").build());
        hard.build(-1);
        assertThatThrownBy(() -> new OnnxBackend(hard)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("recurrent_activation=sigmoid").hasMessageContaining(hard.layers().get(1).name());
    }
}
