package io.seqstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.model.layers.Concatenate;
import io.seqstream.model.layers.Dense;
import io.seqstream.model.layers.Dropout;
import io.seqstream.model.layers.Embedding;
import io.seqstream.model.layers.Flatten;
import io.seqstream.model.layers.GRU;
import io.seqstream.model.layers.LSTM;
import io.seqstream.model.layers.LSTMCell;
import io.seqstream.model.layers.Masking;
import io.seqstream.model.layers.Merge;
import io.seqstream.model.layers.RNN;
import io.seqstream.model.layers.SimpleRNN;
import io.seqstream.model.layers.Weight;
import io.seqstream.model.ops.ActivationFunction;
import io.seqstream.model.train.Loss;
import io.seqstream.model.train.Optimizer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Back-propagation against finite differences of the loss, for every layer kind and RNN flag. SGD with a
 * tiny learning rate turns one training step into a gradient read-out: dw = (w_before - w_after) / lr.
 */
class GradientCheckTest {
    static final double LR = 1e-3;

    static double lossOf(Model m, Loss loss, List<Tensor> xs, List<Tensor> ys) {
        List<Tensor> p = m.predict(xs);
        double l = 0;
        for (int i = 0; i < p.size(); i++)
            l += loss.compute(p.get(i), ys.get(i), null);
        return l;
    }

    static void check(Model m, Loss loss, List<Tensor> xs, List<Tensor> ys) {
        m.compile(loss, new Optimizer.SGD(LR));
        m.predict(xs); // builds a Sequential given no input shape
        List<Tensor> before = m.getWeights();
        m.trainOnBatch(xs, ys);
        List<Tensor> after = m.getWeights();
        m.setWeights(before);
        List<Weight> ws = m.trainableWeights();
        Random rnd = new Random(1);
        int checked = 0;
        double maxRel = 0;
        for (int wi = 0; wi < ws.size(); wi++) {
            float[] v = ws.get(wi).values();
            for (int probe = 0; probe < Math.min(6, v.length); probe++) {
                int i = rnd.nextInt(v.length);
                double analytic = (before.get(wi).data()[i] - after.get(wi).data()[i]) / LR;
                float orig = v[i];
                double h = 1e-2;
                v[i] = (float) (orig + h);
                double lp = lossOf(m, loss, xs, ys);
                v[i] = (float) (orig - h);
                double lm = lossOf(m, loss, xs, ys);
                v[i] = orig;
                double numeric = (lp - lm) / (2 * h);
                double err = Math.abs(analytic - numeric);
                assertThat(err).as("weight %s[%d]: analytic %s numeric %s", ws.get(wi).name(), i, analytic, numeric)
                        .isLessThan(2e-3 + 3e-2 * Math.abs(numeric));
                maxRel = Math.max(maxRel, err);
                checked++;
            }
        }
        assertThat(checked).isPositive();
    }

    static Tensor randn(Random r, int... shape) {
        float[] d = new float[(int) Tensor.size(shape)];
        for (int i = 0; i < d.length; i++)
            d[i] = (float) r.nextGaussian();
        return Tensor.wrap(d, shape);
    }

    static Tensor oneHot(Random r, int n, int c) {
        float[] d = new float[n * c];
        for (int i = 0; i < n; i++)
            d[i * c + r.nextInt(c)] = 1f;
        return Tensor.wrap(d, n, c);
    }

    @Test
    void lstmFlagsAndDense() {
        for (boolean back : new boolean[]{ false, true }) {
            for (boolean seq : new boolean[]{ false, true }) {
                Random r = new Random(back ? 1 : 2);
                Sequential m = new Sequential();
                m.add(LSTM.builder(5).returnSequences(seq).goBackwards(back).inputShape(4, 3).seed(3).build());
                if (seq)
                    m.add(Flatten.create());
                m.add(Dense.builder(3).activation("softmax").seed(4).build());
                check(m, Loss.CATEGORICAL_CROSSENTROPY, List.of(randn(r, 2, 4, 3)), List.of(oneHot(r, 2, 3)));
            }
        }
    }

    @Test
    void simpleRnnEmbeddingAndHardSigmoid() {
        Random r = new Random(5);
        Sequential m = new Sequential();
        m.add(Embedding.builder(7, 4).seed(1).build());
        m.add(RNN.builder(new LSTMCell(5, ActivationFunction.TANH, ActivationFunction.HARD_SIGMOID_KERAS3, true)).returnSequences(true)
                .seed(2).build());
        m.add(SimpleRNN.builder(4).seed(3).build());
        m.add(Dense.builder(1).activation("sigmoid").seed(4).build());
        Tensor x = Tensor.ofTokens(new int[][]{ { 1, 2, 3, 6 }, { 0, 5, 5, 2 }, { 4, 4, 1, 0 } });
        Tensor y = Tensor.wrap(new float[]{ 1, 0, 1 }, 3, 1);
        check(m, Loss.BINARY_CROSSENTROPY, List.of(x), List.of(y));
    }

    @Test
    void functionalMergesSharedLayerAndReturnState() {
        Random r = new Random(6);
        KerasTensor seq = Input.of(3, 4), vec = Input.of(6);
        List<KerasTensor> lstm = LSTM.builder(5).returnState(true).seed(1).build().applyAll(seq);
        Dense shared = Dense.builder(5).activation("tanh").seed(2).build();
        KerasTensor a = shared.apply(lstm.get(0));
        KerasTensor b = shared.apply(Dense.builder(5).activation("relu").seed(3).build().apply(vec));
        KerasTensor merged = Merge.builder(Merge.Op.ADD).build().apply(
                Merge.multiply().apply(a, b), Merge.subtract().apply(a, lstm.get(2)),
                Merge.average().apply(a, b), Merge.maximum().apply(a, lstm.get(1)), Merge.minimum().apply(b, lstm.get(2)));
        KerasTensor cat = Concatenate.create(-1).apply(merged, lstm.get(1));
        KerasTensor out1 = Dense.builder(3).activation("softmax").seed(4).build().apply(cat);
        KerasTensor out2 = Dense.builder(2).seed(5).build().apply(Dropout.of(0.0).apply(b));
        Model m = new Model(List.of(seq, vec), List.of(out1, out2));
        check(m, Loss.MEAN_SQUARED_ERROR, List.of(randn(r, 2, 3, 4), randn(r, 2, 6)), List.of(oneHot(r, 2, 3), randn(r, 2, 2)));
    }

    @Test
    void sparseCategoricalOnSequenceOutput() {
        Random r = new Random(7);
        Sequential m = new Sequential();
        m.add(SimpleRNN.builder(4).returnSequences(true).activation("relu").inputShape(3, 2).seed(1).build());
        m.add(Dense.builder(3).activation("softmax").seed(2).build());
        Tensor y = Tensor.wrap(new float[]{ 0, 2, 1, 1, 0, 2 }, 2, 3);
        check(m, Loss.SPARSE_CATEGORICAL_CROSSENTROPY, List.of(randn(r, 2, 3, 2)), List.of(y));
    }

    @Test
    void gruBothResetFormsAndFlags() {
        for (boolean resetAfter : new boolean[]{ true, false }) {
            for (boolean back : new boolean[]{ false, true }) {
                for (boolean seq : new boolean[]{ false, true }) {
                    Random r = new Random(resetAfter ? 11 : 12);
                    Sequential m = new Sequential();
                    m.add(GRU.builder(5).resetAfter(resetAfter).returnSequences(seq).goBackwards(back).inputShape(4, 3).seed(3).build());
                    if (seq)
                        m.add(Flatten.create());
                    m.add(Dense.builder(3).activation("softmax").seed(4).build());
                    Tensor x = randn(r, 2, 4, 3);
                    // non-zero biases so both bias rows matter
                    m.predict(x);
                    for (Weight w : m.trainableWeights())
                        if (w.name().equals("bias"))
                            for (int i = 0; i < w.size(); i++)
                                w.values()[i] = (float) (0.3 * r.nextGaussian());
                    check(m, Loss.CATEGORICAL_CROSSENTROPY, List.of(x), List.of(oneHot(r, 2, 3)));
                }
            }
        }
    }

    @Test
    void gruReturnStateStackedWithLstmAndHardSigmoid() {
        Random r = new Random(13);
        KerasTensor in = Input.of(3, 4);
        List<KerasTensor> g = GRU.builder(4).returnSequences(true).returnState(true).recurrentActivation(ActivationFunction.HARD_SIGMOID)
                .resetAfter(false).seed(1).build().applyAll(in);
        KerasTensor l = LSTM.builder(3).seed(2).build().apply(g.get(0));
        KerasTensor out = Dense.builder(2).seed(3).build().apply(Concatenate.create(-1).apply(l, g.get(1)));
        Model m = new Model(List.of(in), List.of(out));
        check(m, Loss.MEAN_SQUARED_ERROR, List.of(randn(r, 2, 3, 4)), List.of(randn(r, 2, 2)));
    }

    /** Masked steps carry the state through: their gradient flows around the cell, not through it. */
    @Test
    void maskedStepsInGruLstmAndSimpleRnn() {
        Random r = new Random(14);
        Sequential m = new Sequential();
        m.add(Embedding.builder(6, 3).maskZero(true).seed(1).build());
        m.add(GRU.builder(4).returnSequences(true).seed(2).build());
        m.add(LSTM.builder(4).returnSequences(true).seed(3).build());
        m.add(SimpleRNN.builder(3).seed(4).build());
        m.add(Dense.builder(2).activation("softmax").seed(5).build());
        Tensor x = Tensor.ofTokens(new int[][]{ { 0, 0, 3, 1, 0, 5 }, { 2, 4, 0, 1, 1, 0 }, { 0, 5, 5, 0, 0, 0 } });
        check(m, Loss.CATEGORICAL_CROSSENTROPY, List.of(x), List.of(oneHot(r, 3, 2)));
        Sequential f = new Sequential();
        f.add(Masking.builder(0.0).inputShape(5, 3).build());
        f.add(GRU.builder(4).resetAfter(false).seed(6).build());
        f.add(Dense.builder(2).seed(7).build());
        float[] v = randn(r, 2, 5, 3).toArray();
        java.util.Arrays.fill(v, 0, 3, 0f); // first step of row 0 masked
        java.util.Arrays.fill(v, 21, 27, 0f); // steps 2 and 3 of row 1 masked
        check(f, Loss.MEAN_SQUARED_ERROR, List.of(Tensor.wrap(v, 2, 5, 3)), List.of(randn(r, 2, 2)));
    }
}
