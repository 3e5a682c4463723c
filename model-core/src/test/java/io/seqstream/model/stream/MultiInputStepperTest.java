package io.seqstream.model.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seqstream.model.Input;
import io.seqstream.model.KerasTensor;
import io.seqstream.model.Model;
import io.seqstream.model.Tensor;
import io.seqstream.model.layers.Concatenate;
import io.seqstream.model.layers.Dense;
import io.seqstream.model.layers.Embedding;
import io.seqstream.model.layers.GRU;
import io.seqstream.model.layers.LSTM;
import io.seqstream.model.layers.Masking;
import io.seqstream.model.layers.Normalization;
import io.seqstream.model.layers.StringLookup;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Several per-step inputs, string lookups, Normalization and masks in the stepper, against predict. */
class MultiInputStepperTest {
    static final String[][] WORDS = { { "x", "", "q", "z", "y", "" }, { "", "", "y", "y", "x", "z" }, { "z", "x", "", "", "", "q" } };

    static Model mixed(boolean resetAfter) {
        KerasTensor words = Input.create("words", new int[]{ -1, -1 }, "string");
        KerasTensor feats = Input.create("feats", new int[]{ -1, -1, 2 }, false);
        KerasTensor e = Embedding.builder(5, 3).maskZero(true).seed(1).build()
                .apply(StringLookup.builder(List.of("x", "y", "z")).maskToken("").build().apply(words));
        Normalization norm = Normalization.builder().build();
        KerasTensor f = Masking.builder(0.0).build().apply(norm.apply(feats));
        KerasTensor h = GRU.builder(4).resetAfter(resetAfter).returnSequences(true).seed(2).build()
                .apply(Concatenate.create(-1).apply(f, e));
        KerasTensor out = Dense.builder(3).activation("softmax").seed(3).build().apply(LSTM.builder(5).seed(4).build().apply(h));
        Model m = new Model("mixed", List.of(words, feats), List.of(out));
        norm.setWeights(List.of(Tensor.wrap(new float[]{ 1, -2 }, 2), Tensor.wrap(new float[]{ 4, 9 }, 2), Tensor.wrap(new float[]{ 3 })));
        return m;
    }

    /** Features: random, with some steps exactly at the normalised mask value (x = mean, so 0 after Normalization). */
    static Tensor features() {
        Random r = new Random(9);
        float[] v = new float[3 * 6 * 2];
        for (int i = 0; i < v.length; i++)
            v[i] = (float) r.nextGaussian();
        int[][] maskedSteps = { { 0, 3 }, { 2, 1 }, { 1, 0 }, { 1, 1 }, { 2, 3 } }; // (1,0), (1,1), (2,3): the word is masked too
        for (int[] s : maskedSteps) {
            v[(s[0] * 6 + s[1]) * 2] = 1;
            v[(s[0] * 6 + s[1]) * 2 + 1] = -2;
        }
        return Tensor.wrap(v, 3, 6, 2);
    }

    @Test
    void stepsKeyByKeyLikePredictOnEveryPrefix() {
        for (boolean resetAfter : new boolean[]{ true, false }) {
            for (boolean scalar : new boolean[]{ false, true }) {
                Model m = mixed(resetAfter);
                StepModel sm = scalar ? StepModel.compileScalar(m) : StepModel.compile(m);
                assertThat(sm.inputs()).extracting(StepInput::kind).containsExactly(StepInput.Kind.STRING, StepInput.Kind.FEATURES);
                Tensor x = features();
                Stepper st = sm.newStepper(3);
                float[][] states = { sm.newState(), sm.newState(), sm.newState() };
                float[][] out = new float[3][sm.outputSize()];
                for (int t = 0; t < 6; t++) {
                    for (int k = 0; k < 3; k++) {
                        float[] f = new float[2];
                        System.arraycopy(x.data(), (k * 6 + t) * 2, f, 0, 2);
                        st.batch().string(0, k, WORDS[k][t]).features(1, k, f);
                    }
                    st.step(states, st.batch(), 3, out);
                    // predict on the prefix [0, t]
                    String[][] w = new String[3][t + 1];
                    float[] fx = new float[3 * (t + 1) * 2];
                    for (int k = 0; k < 3; k++) {
                        System.arraycopy(WORDS[k], 0, w[k], 0, t + 1);
                        System.arraycopy(x.data(), k * 12, fx, k * (t + 1) * 2, (t + 1) * 2);
                    }
                    float[] expected = m.predict(List.of(m.encodeStrings(0, w), Tensor.wrap(fx, 3, t + 1, 2))).get(0).data();
                    for (int k = 0; k < 3; k++) {
                        for (int j = 0; j < 3; j++) {
                            assertThat(out[k][j]).as("reset_after=%s scalar=%s t=%d key %d", resetAfter, scalar, t, k)
                                    .isCloseTo(expected[k * 3 + j], org.assertj.core.data.Offset.offset(2e-6f));
                        }
                    }
                }
            }
        }
    }

    @Test
    void aMaskedStepLeavesStateAndOutputUnchanged() {
        Model m = mixed(true);
        StepModel sm = StepModel.compile(m);
        Stepper st = sm.newStepper(1);
        float[][] s = { sm.newState() };
        float[][] o1 = new float[1][3], o2 = new float[1][3];
        st.batch().string(0, 0, "y").features(1, 0, new float[]{ 0.3f, 0.1f });
        st.step(s, st.batch(), 1, o1);
        float[] before = s[0].clone();
        st.batch().string(0, 0, "").features(1, 0, new float[]{ 1, -2 }); // mask token, and features at the mean (0 after Normalization)
        st.step(s, st.batch(), 1, o2);
        assertThat(s[0]).containsExactly(before);
        assertThat(o2[0]).containsExactly(o1[0]);
        // Keras merges masks with "any": masking only one of the two inputs masks nothing
        st.batch().string(0, 0, "").features(1, 0, new float[]{ 0.7f, 0.2f });
        st.step(s, st.batch(), 1, o2);
        assertThat(s[0]).isNotEqualTo(before);
        float[] after = s[0].clone();
        st.batch().string(0, 0, "x").features(1, 0, new float[]{ 1, -2 });
        st.step(s, st.batch(), 1, o2);
        assertThat(s[0]).isNotEqualTo(after);
    }

    @Test
    void badEventsAndUnsteppableModelsNameTheInputOrLayer() {
        StepModel sm = StepModel.compile(mixed(true));
        Stepper st = sm.newStepper(2);
        assertThatThrownBy(() -> st.batch().token(0, 0, 1)).hasMessageContaining("input 0 ('words') takes string values");
        assertThatThrownBy(() -> st.batch().features(1, 0, new float[3])).hasMessageContaining("'feats'").hasMessageContaining("length 3");
        st.batch().string(0, 0, "x");
        assertThatThrownBy(() -> st.step(new float[][]{ sm.newState() }, st.batch(), 1, new float[1][3]))
                .hasMessageContaining("no value for input 1 ('feats')");

        KerasTensor seq = Input.of(4, 2), flat = Input.of(3);
        KerasTensor a = LSTM.builder(3).build().apply(seq);
        Model staticInput = new Model("static", List.of(seq, flat), List.of(Concatenate.create(-1).apply(a, flat)));
        assertThatThrownBy(() -> StepModel.compile(staticInput)).hasMessageContaining("input 'input_layer")
                .hasMessageContaining("not a per-step sequence");
        KerasTensor s2 = Input.of(4, 2);
        Model back = new Model("back", List.of(s2), List.of(GRU.builder(3).goBackwards(true).name("reversed_gru").build().apply(s2)));
        assertThatThrownBy(() -> StepModel.compile(back)).hasMessageContaining("'reversed_gru' (GRU)").hasMessageContaining("go_backwards");
    }
}
