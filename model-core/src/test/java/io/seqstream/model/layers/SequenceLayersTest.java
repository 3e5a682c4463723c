package io.seqstream.model.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seqstream.model.Input;
import io.seqstream.model.KerasTensor;
import io.seqstream.model.Model;
import io.seqstream.model.Sequential;
import io.seqstream.model.Tensor;
import io.seqstream.model.io.ModelFile;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GRU, masking and preprocessing layers: formulas, flags, state and save/load. */
class SequenceLayersTest {
    static Tensor randn(Random r, int... shape) {
        float[] d = new float[(int) Tensor.size(shape)];
        for (int i = 0; i < d.length; i++)
            d[i] = (float) r.nextGaussian();
        return Tensor.wrap(d, shape);
    }

    static float sigmoid(float x) {
        return (float) (1 / (1 + Math.exp(-x)));
    }

    /** One GRU step by the Keras formulas, written out independently of GRUCell. */
    static float[] gruStep(float[] x, float[] h, float[] k, float[] rk, float[] bIn, float[] bRec, int u, boolean resetAfter) {
        int d = x.length, g = 3 * u;
        float[] xw = new float[g], hr = new float[g];
        for (int j = 0; j < g; j++) {
            xw[j] = bIn[j];
            for (int i = 0; i < d; i++)
                xw[j] += x[i] * k[i * g + j];
            hr[j] = bRec[j];
            for (int i = 0; i < u; i++)
                hr[j] += h[i] * rk[i * g + j];
        }
        float[] out = new float[u];
        float[] r = new float[u];
        for (int j = 0; j < u; j++)
            r[j] = sigmoid(xw[u + j] + hr[u + j]);
        for (int j = 0; j < u; j++) {
            float z = sigmoid(xw[j] + hr[j]);
            float cand;
            if (resetAfter) {
                cand = (float) Math.tanh(xw[2 * u + j] + r[j] * hr[2 * u + j]);
            } else {
                float s = xw[2 * u + j];
                for (int i = 0; i < u; i++)
                    s += r[i] * h[i] * rk[i * g + 2 * u + j];
                cand = (float) Math.tanh(s);
            }
            out[j] = z * h[j] + (1 - z) * cand;
        }
        return out;
    }

    @Test
    void gruMatchesTheKerasFormulasInBothResetForms() {
        for (boolean resetAfter : new boolean[]{ true, false }) {
            Random rnd = new Random(resetAfter ? 1 : 2);
            int u = 5, d = 3, time = 4;
            Sequential m = new Sequential();
            m.add(GRU.builder(u).resetAfter(resetAfter).returnSequences(true).inputShape(time, d).seed(7).build());
            GRU gru = (GRU) m.layers().get(0);
            float[] bias = randn(rnd, resetAfter ? 2 * 3 * u : 3 * u).toArray();
            List<Tensor> w = gru.getWeights();
            gru.setWeights(List.of(w.get(0), w.get(1), resetAfter ? Tensor.wrap(bias, 2, 3 * u) : Tensor.wrap(bias, 3 * u)));
            Tensor x = randn(rnd, 2, time, d);
            float[] y = m.predict(x).data();
            float[] k = w.get(0).data(), rk = w.get(1).data();
            float[] bIn = Arrays.copyOfRange(bias, 0, 3 * u), bRec = resetAfter ? Arrays.copyOfRange(bias, 3 * u, 6 * u) : new float[3 * u];
            for (int b = 0; b < 2; b++) {
                float[] h = new float[u];
                for (int t = 0; t < time; t++) {
                    h = gruStep(Arrays.copyOfRange(x.data(), (b * time + t) * d, (b * time + t + 1) * d), h, k, rk, bIn, bRec, u,
                            resetAfter);
                    for (int j = 0; j < u; j++)
                        assertThat(y[(b * time + t) * u + j]).as("reset_after=%s b%d t%d", resetAfter, b, t).isCloseTo(h[j],
                                org.assertj.core.data.Offset.offset(1e-5f));
                }
            }
        }
    }

    @Test
    void statefulGruContinuesAcrossCallsAndGoBackwardsReadsFromTheEnd() {
        Random rnd = new Random(3);
        Tensor x = randn(rnd, 2, 6, 3);
        Sequential whole = new Sequential();
        whole.add(GRU.builder(4).inputShape(6, 3).seed(5).build());
        Sequential stateful = new Sequential();
        stateful.add(GRU.builder(4).stateful(true).batchInputShape(2, 3, 3).seed(5).build());
        stateful.setWeights(whole.getWeights());
        float[] xs = x.data();
        float[] a = new float[18], b = new float[18];
        for (int r = 0; r < 2; r++) {
            System.arraycopy(xs, r * 18, a, r * 9, 9);
            System.arraycopy(xs, r * 18 + 9, b, r * 9, 9);
        }
        stateful.predict(Tensor.wrap(a, 2, 3, 3));
        assertThat(stateful.predict(Tensor.wrap(b, 2, 3, 3)).data()).usingComparatorWithPrecision(1e-6f)
                .containsExactly(whole.predict(x).data());
        stateful.resetStates();
        assertThat(((RNN) stateful.layers().get(0)).getStates().get(0).data()).containsOnly(0f);

        Sequential back = new Sequential();
        back.add(GRU.builder(4).goBackwards(true).inputShape(6, 3).seed(5).build());
        back.setWeights(whole.getWeights());
        float[] rev = new float[xs.length];
        for (int r = 0; r < 2; r++)
            for (int t = 0; t < 6; t++)
                System.arraycopy(xs, (r * 6 + t) * 3, rev, (r * 6 + 5 - t) * 3, 3);
        assertThat(back.predict(x).data()).usingComparatorWithPrecision(1e-6f)
                .containsExactly(whole.predict(Tensor.wrap(rev, 2, 6, 3)).data());
    }

    @Test
    void gruReturnStateGivesTheLastOutput() {
        KerasTensor in = Input.of(5, 2);
        List<KerasTensor> outs = GRU.builder(3).returnSequences(true).returnState(true).seed(1).build().applyAll(in);
        Model m = new Model(List.of(in), outs);
        List<Tensor> y = m.predict(List.of(randn(new Random(4), 2, 5, 2)));
        assertThat(y).hasSize(2);
        for (int b = 0; b < 2; b++) {
            assertThat(Arrays.copyOfRange(y.get(1).data(), b * 3, b * 3 + 3))
                    .containsExactly(Arrays.copyOfRange(y.get(0).data(), (b * 5 + 4) * 3, (b * 5 + 5) * 3));
        }
    }

    /** Keras: a row with its padding removed predicts the same as the padded row. */
    @Test
    void maskZeroAndMaskingSkipStepsAsIfTheyWereNotThere() {
        Sequential m = new Sequential();
        m.add(Embedding.builder(9, 4).maskZero(true).seed(1).build());
        m.add(GRU.builder(5).returnSequences(true).seed(2).build());
        m.add(LSTM.builder(3).seed(3).build());
        m.add(Dense.builder(2).activation("softmax").seed(4).build());
        m.build(-1);
        float[] padded = m.predict(Tensor.ofTokens(new int[][]{ { 0, 0, 3, 7, 0, 2 } })).data();
        float[] plain = m.predict(Tensor.ofTokens(new int[][]{ { 3, 7, 2 } })).data();
        assertThat(padded).usingComparatorWithPrecision(1e-6f).containsExactly(plain);
        assertThat(m.predict(Tensor.ofTokens(new int[][]{ { 3, 7, 1 } })).data()).isNotEqualTo(plain);

        Sequential f = new Sequential();
        f.add(Masking.builder(-1.0).inputShape(4, 2).build());
        f.add(SimpleRNN.builder(3).seed(5).build());
        float[] masked = f.predict(Tensor.wrap(new float[]{ 1, 2, -1, -1, 3, 4, -1, -1 }, 1, 4, 2)).data();
        Sequential g = new Sequential();
        g.add(SimpleRNN.builder(3).inputShape(2, 2).seed(5).build());
        g.setWeights(f.getWeights());
        assertThat(masked).usingComparatorWithPrecision(1e-6f)
                .containsExactly(g.predict(Tensor.wrap(new float[]{ 1, 2, 3, 4 }, 1, 2, 2)).data());
    }

    @Test
    void lookupsFollowKerasIndices() {
        StringLookup s = StringLookup.builder(List.of("a", "b", "c")).build();
        assertThat(List.of(s.lookup("a"), s.lookup("c"), s.lookup("zzz"))).containsExactly(1, 3, 0);
        assertThat(s.vocabularySize()).isEqualTo(4);
        StringLookup masked = StringLookup.builder(List.of("a", "b")).maskToken("").build();
        assertThat(List.of(masked.lookup(""), masked.lookup("?"), masked.lookup("a"))).containsExactly(0, 1, 2);
        StringLookup strict = StringLookup.builder(List.of("a")).numOovIndices(0).build();
        assertThat(strict.lookup("a")).isZero();
        assertThatThrownBy(() -> strict.lookup("b")).hasMessageContaining("'b' is not in the vocabulary");
        assertThatThrownBy(() -> StringLookup.builder(List.of("a")).numOovIndices(2).build()).hasMessageContaining("num_oov_indices = 2");
        IntegerLookup i = IntegerLookup.builder(List.of(100L, 7L)).build();
        Sequential m = new Sequential();
        m.add(i);
        m.build(3);
        assertThat(m.predict(Tensor.wrap(new float[]{ 7, 100, 5 }, 1, 3)).data()).containsExactly(2, 1, 0);
    }

    @Test
    void normalizationUsesStoredStatistics() {
        Sequential m = new Sequential();
        m.add(Normalization.builder().inputShape(2, 2).build());
        m.layers().get(0).setWeights(
                List.of(Tensor.wrap(new float[]{ 1, -2 }, 2), Tensor.wrap(new float[]{ 4, 0 }, 2), Tensor.wrap(new float[]{ 10 })));
        float[] y = m.predict(Tensor.wrap(new float[]{ 3, -2, 1, 5 }, 1, 2, 2)).data();
        assertThat(y[0]).isEqualTo(1f);
        assertThat(y[1]).isEqualTo(0f);
        assertThat(y[3]).isEqualTo(7f / 1e-7f); // sd floored at Keras' epsilon
        assertThat(m.trainableWeights()).isEmpty();
        assertThat(m.weights()).hasSize(3);
    }

    @Test
    void newLayersSurviveSaveAndLoad(@TempDir Path tmp) {
        KerasTensor words = Input.create("words", new int[]{ -1, 4 }, "string");
        KerasTensor feats = Input.create("feats", new int[]{ -1, 4, 2 }, false);
        KerasTensor e = Embedding.builder(5, 3).maskZero(true).seed(1).build()
                .apply(StringLookup.builder(List.of("x", "y", "z")).maskToken("").build().apply(words));
        KerasTensor f = Masking.builder(0.5).build().apply(Normalization.builder().build().apply(feats));
        KerasTensor h = GRU.builder(4).resetAfter(false).returnSequences(true).seed(2).build().apply(Concatenate.create(-1).apply(e, f));
        KerasTensor out = Dense.builder(2).seed(3).build().apply(GRU.builder(3).seed(4).trainable(false).build().apply(h));
        Model m = new Model("mixed", List.of(words, feats), List.of(out));
        m.layers().stream().filter(l -> l instanceof Normalization).findFirst().orElseThrow().setWeights(
                List.of(Tensor.wrap(new float[]{ 1, 2 }, 2), Tensor.wrap(new float[]{ 4, 9 }, 2), Tensor.wrap(new float[]{ 3 })));
        Tensor w = m.encodeStrings(0, new String[][]{ { "x", "", "q", "z" } });
        Tensor x = randn(new Random(6), 1, 4, 2);
        Path file = tmp.resolve("mixed.zip");
        ModelFile.save(m, file);
        Model back = ModelFile.load(file);
        assertThat(back.predict(List.of(w, x)).get(0).data()).containsExactly(m.predict(List.of(w, x)).get(0).data());
        assertThat(back.layers().stream().filter(l -> !l.trainable()).map(Layer::className).toList()).containsExactly("GRU");
        assertThat(back.trainableWeights()).hasSize(m.trainableWeights().size());
    }
}
