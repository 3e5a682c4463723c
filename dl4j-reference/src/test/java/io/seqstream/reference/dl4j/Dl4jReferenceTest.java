package io.seqstream.reference.dl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.seqstream.model.Sequential;
import io.seqstream.model.Tensor;
import io.seqstream.model.layers.Dense;
import io.seqstream.model.layers.Embedding;
import io.seqstream.model.layers.LSTM;
import io.seqstream.model.stream.StepModel;
import io.seqstream.model.stream.Stepper;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The stepper and DL4J's rnnTimeStep compute the same steps from the same weights. */
class Dl4jReferenceTest {
    @Test
    void stepperMatchesDl4jRnnTimeStep() {
        Sequential m = new Sequential("ref");
        m.add(Embedding.builder(30, 8).seed(1).build());
        m.add(LSTM.builder(16).returnSequences(true).seed(2).build());
        m.add(Dense.builder(6).activation("softmax").seed(3).build());
        m.build(-1);
        // non-trivial biases, so a bias gate mix-up shows
        var w = m.getLayer(m.layers().get(1).name()).getWeights();
        float[] b = w.get(2).toArray();
        Random rnd = new Random(4);
        for (int i = 0; i < b.length; i++)
            b[i] = (float) rnd.nextGaussian() * 0.5f;
        m.layers().get(1).setWeights(java.util.List.of(w.get(0), w.get(1), Tensor.wrap(b, b.length)));

        Dl4jReference ref = Dl4jReference.of(m);
        StepModel sm = StepModel.compile(m);
        Stepper st = sm.newStepper(4);
        int n = 4;
        float[][] s1 = new float[n][], s2 = new float[n][];
        for (int i = 0; i < n; i++) {
            s1[i] = sm.newState();
            s2[i] = sm.newState();
        }
        float[][] o1 = new float[n][6], o2 = new float[n][6];
        double worst = 0;
        for (int step = 0; step < 30; step++) {
            int[] tok = new int[n];
            for (int i = 0; i < n; i++)
                tok[i] = rnd.nextInt(30);
            st.stepTokens(s1, tok, n, o1);
            ref.stepTokens(s2, tok, n, o2);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < 6; j++) {
                    assertThat(o1[i][j]).isCloseTo(o2[i][j], within(1e-5f));
                    worst = Math.max(worst, Math.abs(o1[i][j] - o2[i][j]));
                }
                for (int j = 0; j < s1[i].length; j++)
                    assertThat(s1[i][j]).isCloseTo(s2[i][j], within(1e-5f));
            }
        }
        assertThat(worst).isLessThan(1e-5);
    }
}
