package io.seqstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.seqstream.model.layers.Concatenate;
import io.seqstream.model.layers.Dense;
import io.seqstream.model.layers.Dropout;
import io.seqstream.model.layers.LSTM;
import io.seqstream.model.layers.LSTMCell;
import io.seqstream.model.layers.Merge;
import io.seqstream.model.layers.RNN;
import io.seqstream.model.layers.SimpleRNN;
import io.seqstream.model.layers.SimpleRNNCell;
import io.seqstream.model.ops.ActivationFunction;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LayersTest {
    static Tensor randn(long seed, int... shape) {
        Random r = new Random(seed);
        float[] d = new float[(int) Tensor.size(shape)];
        for (int i = 0; i < d.length; i++)
            d[i] = (float) r.nextGaussian();
        return Tensor.wrap(d, shape);
    }

    @Test
    void dropoutIsIdentityInPredictAndActiveInFit() {
        Dropout d = Dropout.builder(0.5).seed(3).build();
        Sequential m = new Sequential();
        m.add(Dense.builder(200).inputShape(4).seed(1).build());
        m.add(d);
        Tensor x = randn(1, 8, 4);
        Tensor p1 = m.predict(x), p2 = m.predict(x);
        assertThat(p1.data()).containsExactly(p2.data());
        var call = d.forward(List.of(p1), true);
        float[] y = call.output().data();
        int zeros = 0;
        for (int i = 0; i < y.length; i++) {
            if (y[i] == 0f)
                zeros++;
            else
                assertThat(y[i]).isCloseTo(2f * p1.data()[i], within(1e-6f)); // inverted dropout scales kept units
        }
        assertThat(zeros / (double) y.length).isBetween(0.4, 0.6);
    }

    @Test
    void noiseShapeSharesTheDrawAlongAxesOfSizeOne() {
        Dropout d = Dropout.builder(0.5).noiseShape(-1, 1, -1).seed(9).build();
        d.build(List.of(new int[]{ -1, 6, 5 }));
        Tensor x = Tensor.wrap(filled(2 * 6 * 5, 1f), 2, 6, 5);
        float[] y = d.forward(List.of(x), true).output().data();
        for (int b = 0; b < 2; b++) {
            for (int t = 1; t < 6; t++) {
                for (int f = 0; f < 5; f++)
                    assertThat(y[(b * 6 + t) * 5 + f]).isEqualTo(y[(b * 6) * 5 + f]);
            }
        }
    }

    @Test
    void unrollNeverChangesResults() {
        Tensor x = randn(2, 3, 6, 4);
        Sequential a = new Sequential(), b = new Sequential();
        a.add(LSTM.builder(5).returnSequences(true).inputShape(6, 4).seed(5).build());
        b.add(LSTM.builder(5).returnSequences(true).unroll(true).inputShape(6, 4).seed(5).build());
        assertThat(b.predict(x).data()).containsExactly(a.predict(x).data());
    }

    @Test
    void genericRnnOverCellsEqualsTheNamedLayers() {
        Tensor x = randn(3, 2, 5, 3);
        Sequential lstm = new Sequential(), rnn = new Sequential();
        lstm.add(LSTM.builder(4).inputShape(5, 3).seed(7).build());
        rnn.add(RNN.builder(new LSTMCell(4)).inputShape(5, 3).seed(7).build());
        assertThat(rnn.predict(x).data()).containsExactly(lstm.predict(x).data());
        Sequential s1 = new Sequential(), s2 = new Sequential();
        s1.add(SimpleRNN.builder(4).inputShape(5, 3).seed(8).build());
        s2.add(RNN.builder(new SimpleRNNCell(4)).inputShape(5, 3).seed(8).build());
        assertThat(s2.predict(x).data()).containsExactly(s1.predict(x).data());
    }

    @Test
    void hardSigmoidHasBothKerasDefinitions() {
        assertThat(ActivationFunction.of("hard_sigmoid").apply(1f)).isEqualTo(0.7f); // Keras 2: 0.2x + 0.5
        assertThat(ActivationFunction.of("hard_sigmoid_keras3").apply(1f)).isCloseTo(4f / 6f, within(1e-7f)); // relu6(x+3)/6
        assertThat(ActivationFunction.HARD_SIGMOID.apply(-3f)).isEqualTo(0f);
        assertThat(ActivationFunction.HARD_SIGMOID_KERAS3.apply(2.9f)).isLessThan(1f);
    }

    @Test
    void mergeLayersComputeTheirOps() {
        KerasTensor a = Input.of(3), b = Input.of(3);
        List<Merge> ops = List.of(Merge.add(), Merge.subtract(), Merge.multiply(), Merge.average(), Merge.maximum(), Merge.minimum());
        List<KerasTensor> outs = ops.stream().map(o -> o.apply(a, b)).toList();
        KerasTensor cat = Concatenate.create(1).apply(a, b);
        List<KerasTensor> all = new java.util.ArrayList<>(outs);
        all.add(cat);
        Model m = new Model(List.of(a, b), all);
        List<Tensor> r = m.predict(List.of(Tensor.wrap(new float[]{ 1, -2, 3 }, 1, 3), Tensor.wrap(new float[]{ 4, 5, -6 }, 1, 3)));
        assertThat(r.get(0).data()).containsExactly(5, 3, -3);
        assertThat(r.get(1).data()).containsExactly(-3, -7, 9);
        assertThat(r.get(2).data()).containsExactly(4, -10, -18);
        assertThat(r.get(3).data()).containsExactly(2.5f, 1.5f, -1.5f);
        assertThat(r.get(4).data()).containsExactly(4, 5, 3);
        assertThat(r.get(5).data()).containsExactly(1, -2, -6);
        assertThat(r.get(6).data()).containsExactly(1, -2, 3, 4, 5, -6);
    }

    @Test
    void sharedLayerHasOneSetOfWeightsAndTrainsFromBothCalls() {
        KerasTensor a = Input.of(2), b = Input.of(2);
        Dense shared = Dense.builder(1).seed(1).build();
        Model m = new Model(List.of(a, b), List.of(Merge.add().apply(shared.apply(a), shared.apply(b))));
        assertThat(m.trainableWeights()).hasSize(2);
        m.compile("mse", "sgd");
        Tensor before = shared.getWeights().get(0);
        m.trainOnBatch(List.of(Tensor.wrap(new float[]{ 1, 0 }, 1, 2), Tensor.wrap(new float[]{ 0, 1 }, 1, 2)),
                List.of(Tensor.wrap(new float[]{ 5 }, 1, 1)));
        Tensor after = shared.getWeights().get(0);
        // both kernel entries got gradient: one from each call
        assertThat(after.data()[0]).isNotEqualTo(before.data()[0]);
        assertThat(after.data()[1]).isNotEqualTo(before.data()[1]);
    }

    @Test
    void fitHistoryValidationAndSeededShuffle() {
        Tensor x = randn(4, 64, 3);
        float[] yd = new float[64];
        for (int i = 0; i < 64; i++)
            yd[i] = x.data()[i * 3] * 2 - x.data()[i * 3 + 1];
        Tensor y = Tensor.wrap(yd, 64, 1);
        History[] h = new History[2];
        float[][] w = new float[2][];
        for (int run = 0; run < 2; run++) {
            Sequential m = new Sequential();
            m.add(Dense.builder(1).inputShape(3).seed(1).build());
            m.compile("mse", "adam", "mae");
            h[run] = m.fit(x, y, FitOptions.builder().epochs(3).batchSize(8).validationSplit(0.25).seed(5).quiet().build());
            w[run] = m.getWeights().get(0).toArray();
        }
        assertThat(h[0].history().keySet()).containsExactly("loss", "mae", "val_loss", "val_mae");
        assertThat(h[0].epochs()).isEqualTo(3);
        assertThat(w[1]).containsExactly(w[0]); // same seed, same result
        assertThat(h[0].get("loss").get(2)).isLessThan(h[0].get("loss").get(0));
    }

    @Test
    void statefulCarriesRowsAndResets() {
        Sequential m = new Sequential();
        m.add(SimpleRNN.builder(3).stateful(true).batchInputShape(2, 4, 2).seed(2).build());
        Tensor x = randn(6, 2, 4, 2);
        Tensor first = m.predict(x);
        Tensor second = m.predict(x);
        assertThat(second.data()).isNotEqualTo(first.data());
        m.resetStates();
        assertThat(m.predict(x).data()).containsExactly(first.data());
    }

    static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}
