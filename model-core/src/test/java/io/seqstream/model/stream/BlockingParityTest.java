package io.seqstream.model.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.model.Sequential;
import io.seqstream.model.Tensor;
import io.seqstream.model.ops.Blocking;
import io.seqstream.model.ops.VectorKernels;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The stepper compiled with each micro-kernel shape equals whole-sequence predict(), at the species width of
 * this JVM (the build runs it at native, 256-bit and 128-bit width): a token model with a wide softmax head
 * (two packed products per step) and batches of 1 to 64 keys, so every row tail of every shape runs.
 */
class BlockingParityTest {
    static java.util.stream.Stream<String> shapes() {
        return Blocking.SHAPES.stream().sorted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void stepperWithEveryShapeEqualsPredict(String shape) {
        Random rnd = new Random(5);
        Sequential model = StepperTest.tokenModel(60, 8, 37, 45, false, 41);
        StepModel sm = StepModel.compile(model, VectorKernels.withBlocking(Blocking.parse(shape, VectorKernels.lanes())));
        assertThat(sm.describeKernels()).contains(shape);
        int[][] seqs = StepperTest.randomSequences(70, 10, 60, rnd);
        for (int maxBatch : new int[]{ 1, 13, 64 }) {
            float[][][] out = StepperTest.streamTokens(sm, seqs, maxBatch, rnd);
            for (int key = 0; key < seqs.length; key += 3) {
                Tensor ref = model.predict(Tensor.ofTokens(new int[][]{ seqs[key] }));
                for (int t = 0; t < seqs[key].length; t++) {
                    for (int j = 0; j < 45; j++) {
                        assertThat((double) out[key][t][j]).as("%s key %d step %d class %d batch %d", shape, key, t, j, maxBatch)
                                .isCloseTo(ref.get(0, t, j), org.assertj.core.data.Offset.offset(StepperTest.TOL));
                    }
                }
            }
        }
    }
}
