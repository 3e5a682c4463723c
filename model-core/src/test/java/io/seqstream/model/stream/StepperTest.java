package io.seqstream.model.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seqstream.model.Input;
import io.seqstream.model.KerasTensor;
import io.seqstream.model.Model;
import io.seqstream.model.Sequential;
import io.seqstream.model.Tensor;
import io.seqstream.model.layers.Dense;
import io.seqstream.model.layers.Embedding;
import io.seqstream.model.layers.LSTM;
import io.seqstream.model.layers.SimpleRNN;
import io.seqstream.model.ops.Kernels;
import io.seqstream.model.ops.ScalarKernels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The per-key stepper against whole-sequence predict(): any interleaving of keys, any batch composition,
 * both kernel implementations.
 */
class StepperTest {
    static final double TOL = 1e-5;

    static Sequential tokenModel(int vocab, int emb, int units, int classes, boolean stateful, long seed) {
        Sequential m = new Sequential("tokens");
        Embedding.Builder e = Embedding.builder(vocab, emb).seed(seed);
        if (stateful)
            e.batchInputShape(1, -1);
        m.add(e.build());
        m.add(LSTM.builder(units).returnSequences(true).stateful(stateful).seed(seed + 1).build());
        m.add(Dense.builder(classes).activation("softmax").seed(seed + 2).build());
        if (!stateful)
            m.build(-1);
        return m;
    }

    static Sequential featureModel(int features, long seed) {
        Sequential m = new Sequential("features");
        m.add(LSTM.builder(12).returnSequences(true).inputShape(-1, features).seed(seed).build());
        m.add(SimpleRNN.builder(7).returnSequences(true).seed(seed + 1).build());
        m.add(Dense.builder(3).activation("sigmoid").seed(seed + 2).build());
        return m;
    }

    static Kernels kernels(String which) {
        return which.equals("scalar") ? new ScalarKernels() : Kernels.best();
    }

    /** Random interleaving: each call steps a random subset of keys that still have events. */
    static float[][][] streamTokens(StepModel sm, int[][] seqs, int maxBatch, Random rnd) {
        int keys = seqs.length;
        float[][] states = new float[keys][];
        for (int i = 0; i < keys; i++)
            states[i] = sm.newState();
        int[] pos = new int[keys];
        float[][][] out = new float[keys][][];
        for (int i = 0; i < keys; i++)
            out[i] = new float[seqs[i].length][sm.outputSize()];
        Stepper st = sm.newStepper(maxBatch);
        float[][] bs = new float[maxBatch][];
        float[][] bo = new float[maxBatch][];
        int[] bt = new int[maxBatch];
        while (true) {
            List<Integer> live = new ArrayList<>();
            for (int i = 0; i < keys; i++)
                if (pos[i] < seqs[i].length)
                    live.add(i);
            if (live.isEmpty())
                break;
            java.util.Collections.shuffle(live, rnd);
            int n = 1 + rnd.nextInt(Math.min(maxBatch, live.size()));
            for (int b = 0; b < n; b++) {
                int key = live.get(b);
                bs[b] = states[key];
                bt[b] = seqs[key][pos[key]];
                bo[b] = out[key][pos[key]];
                pos[key]++;
            }
            st.stepTokens(bs, bt, n, bo);
        }
        return out;
    }

    static int[][] randomSequences(int keys, int maxLen, int vocab, Random rnd) {
        int[][] s = new int[keys][];
        for (int i = 0; i < keys; i++) {
            s[i] = new int[1 + rnd.nextInt(maxLen)];
            for (int t = 0; t < s[i].length; t++)
                s[i][t] = rnd.nextInt(vocab);
        }
        return s;
    }

    @ParameterizedTest
    @ValueSource(strings = { "vector", "scalar" })
    void anyInterleavingEqualsWholeSequencePredict(String which) {
        Random rnd = new Random(7);
        Sequential model = tokenModel(50, 8, 20, 5, false, 11);
        StepModel sm = StepModel.compile(model, kernels(which));
        int[][] seqs = randomSequences(30, 25, 50, rnd);
        for (int maxBatch : new int[]{ 1, 7, 64 }) {
            float[][][] out = streamTokens(sm, seqs, maxBatch, rnd);
            for (int key = 0; key < seqs.length; key++) {
                Tensor ref = model.predict(Tensor.ofTokens(new int[][]{ seqs[key] }));
                for (int t = 0; t < seqs[key].length; t++) {
                    for (int j = 0; j < 5; j++) {
                        assertThat((double) out[key][t][j]).as("key %d step %d class %d batch %d", key, t, j, maxBatch)
                                .isCloseTo(ref.get(0, t, j), org.assertj.core.data.Offset.offset(TOL));
                    }
                }
            }
        }
    }

    /** Batches of more than {@link Stepper#CHUNK} rows go through the layers in chunks: the same outputs as predict. */
    @ParameterizedTest
    @ValueSource(strings = { "vector", "scalar" })
    void batchesLargerThanAChunkEqualPredict(String which) {
        Random rnd = new Random(23);
        Sequential model = tokenModel(40, 8, 20, 6, false, 41);
        StepModel sm = StepModel.compile(model, kernels(which));
        int keys = 2 * Stepper.CHUNK + 37;
        int[][] seqs = new int[keys][];
        for (int i = 0; i < keys; i++)
            seqs[i] = rnd.ints(4, 0, 40).toArray();
        float[][] states = new float[keys][];
        float[][][] out = new float[keys][4][sm.outputSize()];
        for (int i = 0; i < keys; i++)
            states[i] = sm.newState();
        Stepper st = sm.newStepper(keys);
        for (int t = 0; t < 4; t++) { // every key in every call: 165 rows, three chunks
            int[] tokens = new int[keys];
            float[][] o = new float[keys][];
            for (int i = 0; i < keys; i++) {
                tokens[i] = seqs[i][t];
                o[i] = out[i][t];
            }
            st.stepTokens(states, tokens, keys, o);
        }
        for (int key = 0; key < keys; key += 5) {
            Tensor ref = model.predict(Tensor.ofTokens(new int[][]{ seqs[key] }));
            for (int t = 0; t < 4; t++)
                for (int j = 0; j < 6; j++)
                    assertThat((double) out[key][t][j]).as("key %d step %d class %d", key, t, j).isCloseTo(ref.get(0, t, j),
                            org.assertj.core.data.Offset.offset(TOL));
        }
        int bad = keys - 3;
        int[] tokens = new int[keys];
        tokens[bad] = 40;
        float[] before = states[0].clone();
        assertThatThrownBy(() -> st.stepTokens(states, tokens, keys, new float[keys][6])).hasMessageContaining("row " + bad);
        assertThat(states[0]).as("a bad row in the last chunk leaves the first chunk's states as they were").containsExactly(before);

        Sequential fm = featureModel(3, 5);
        StepModel fsm = StepModel.compile(fm, kernels(which));
        Stepper fst = fsm.newStepper(keys);
        float[][][] x = new float[keys][2][3];
        float[][] fStates = new float[keys][];
        float[][][] fOut = new float[keys][2][fsm.outputSize()];
        for (int i = 0; i < keys; i++) {
            fStates[i] = fsm.newState();
            for (float[] step : x[i])
                for (int f = 0; f < 3; f++)
                    step[f] = (float) rnd.nextGaussian();
        }
        for (int t = 0; t < 2; t++) {
            float[][] feats = new float[keys][], o = new float[keys][];
            for (int i = 0; i < keys; i++) {
                feats[i] = x[i][t];
                o[i] = fOut[i][t];
            }
            fst.stepFeatures(fStates, feats, keys, o);
        }
        for (int key = 0; key < keys; key += 7) {
            Tensor ref = fm.predict(
                    Tensor.of(new float[]{ x[key][0][0], x[key][0][1], x[key][0][2], x[key][1][0], x[key][1][1], x[key][1][2] }, 1, 2, 3));
            for (int t = 0; t < 2; t++)
                for (int j = 0; j < 3; j++)
                    assertThat((double) fOut[key][t][j]).as("feature key %d step %d", key, t).isCloseTo(ref.get(0, t, j),
                            org.assertj.core.data.Offset.offset(TOL));
        }
    }

    /** A softmax over a vocabulary (wide Dense, packed product, padded rows) against predict. */
    @ParameterizedTest
    @ValueSource(strings = { "vector", "scalar" })
    void wideSoftmaxHeadEqualsPredict(String which) {
        Random rnd = new Random(17);
        Sequential model = tokenModel(70, 8, 24, 70, false, 31);
        StepModel sm = StepModel.compile(model, kernels(which));
        int[][] seqs = randomSequences(20, 12, 70, rnd);
        float[][][] out = streamTokens(sm, seqs, 16, rnd);
        for (int key = 0; key < seqs.length; key++) {
            Tensor ref = model.predict(Tensor.ofTokens(new int[][]{ seqs[key] }));
            for (int t = 0; t < seqs[key].length; t++) {
                double sum = 0;
                for (int j = 0; j < 70; j++) {
                    assertThat((double) out[key][t][j]).isCloseTo(ref.get(0, t, j), org.assertj.core.data.Offset.offset(TOL));
                    sum += out[key][t][j];
                }
                assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
            }
        }
    }

    @Test
    void chunkedStatefulPredictEqualsStepper() {
        Random rnd = new Random(3);
        Sequential stateful = tokenModel(40, 6, 16, 4, true, 5);
        StepModel sm = StepModel.compile(stateful);
        int[] seq = randomSequences(1, 1, 40, rnd)[0];
        seq = new int[40];
        for (int t = 0; t < seq.length; t++)
            seq[t] = rnd.nextInt(40);
        float[][][] stepped = streamTokens(sm, new int[][]{ seq }, 1, rnd);
        int t = 0;
        while (t < seq.length) { // random chunking through the stateful Keras-style model
            int len = Math.min(seq.length - t, 1 + rnd.nextInt(9));
            Tensor chunk = Tensor.ofTokens(new int[][]{ Arrays.copyOfRange(seq, t, t + len) });
            Tensor y = stateful.predict(chunk);
            for (int i = 0; i < len; i++) {
                for (int j = 0; j < 4; j++) {
                    assertThat((double) stepped[0][t + i][j]).isCloseTo(y.get(0, i, j), org.assertj.core.data.Offset.offset(TOL));
                }
            }
            t += len;
        }
        // a zero state is reset_states: stepping seq[0] from zeros equals the fresh first output
        stateful.resetStates();
        Tensor first = stateful.predict(Tensor.ofTokens(new int[][]{ { seq[0] } }));
        float[][] st = { sm.newState() };
        float[][] o = { new float[4] };
        sm.newStepper(1).stepTokens(st, new int[]{ seq[0] }, 1, o);
        for (int j = 0; j < 4; j++)
            assertThat((double) o[0][j]).isCloseTo(first.get(0, 0, j), org.assertj.core.data.Offset.offset(TOL));
    }

    @ParameterizedTest
    @ValueSource(strings = { "vector", "scalar" })
    void stackedFeatureModel(String which) {
        Random rnd = new Random(9);
        Sequential model = featureModel(5, 21);
        StepModel sm = StepModel.compile(model, kernels(which));
        assertThat(sm.stateSize()).isEqualTo(2 * 12 + 7);
        int keys = 12;
        float[][][] seqs = new float[keys][][];
        for (int i = 0; i < keys; i++) {
            seqs[i] = new float[1 + rnd.nextInt(15)][5];
            for (float[] row : seqs[i])
                for (int f = 0; f < 5; f++)
                    row[f] = (float) rnd.nextGaussian();
        }
        float[][] states = new float[keys][];
        for (int i = 0; i < keys; i++)
            states[i] = sm.newState();
        int[] pos = new int[keys];
        float[][][] out = new float[keys][][];
        for (int i = 0; i < keys; i++)
            out[i] = new float[seqs[i].length][3];
        Stepper st = sm.newStepper(5);
        while (true) {
            List<Integer> live = new ArrayList<>();
            for (int i = 0; i < keys; i++)
                if (pos[i] < seqs[i].length)
                    live.add(i);
            if (live.isEmpty())
                break;
            java.util.Collections.shuffle(live, rnd);
            int n = 1 + rnd.nextInt(Math.min(5, live.size()));
            float[][] bs = new float[n][], bf = new float[n][], bo = new float[n][];
            for (int b = 0; b < n; b++) {
                int key = live.get(b);
                bs[b] = states[key];
                bf[b] = seqs[key][pos[key]];
                bo[b] = out[key][pos[key]];
                pos[key]++;
            }
            st.stepFeatures(bs, bf, n, bo);
        }
        for (int key = 0; key < keys; key++) {
            int len = seqs[key].length;
            float[] flat = new float[len * 5];
            for (int t = 0; t < len; t++)
                System.arraycopy(seqs[key][t], 0, flat, t * 5, 5);
            Tensor ref = model.predict(Tensor.wrap(flat, 1, len, 5));
            for (int t = 0; t < len; t++) {
                for (int j = 0; j < 3; j++) {
                    assertThat((double) out[key][t][j]).isCloseTo(ref.get(0, t, j), org.assertj.core.data.Offset.offset(TOL));
                }
            }
        }
    }

    @Test
    void badEventsAreRejectedWithReasons() {
        StepModel tokens = StepModel.compile(tokenModel(10, 4, 8, 3, false, 1));
        Stepper st = tokens.newStepper(2);
        float[][] s = { tokens.newState() };
        float[][] o = { new float[3] };
        assertThatThrownBy(() -> st.stepTokens(s, new int[]{ 10 }, 1, o)).hasMessageContaining("token id 10")
                .hasMessageContaining("[0, 10)");
        assertThatThrownBy(() -> st.stepTokens(new float[][]{ new float[3] }, new int[]{ 1 }, 1, o))
                .hasMessageContaining("state has length 3");
        assertThatThrownBy(() -> st.stepTokens(new float[][]{ s[0], s[0], s[0] }, new int[]{ 1, 1, 1 }, 3, new float[3][3]))
                .hasMessageContaining("maxBatch 2");
        assertThat(tokens.checkToken(-1)).get().asString().contains("-1");

        StepModel feats = StepModel.compile(featureModel(5, 2));
        Stepper fs = feats.newStepper(1);
        float[][] fsState = { feats.newState() };
        assertThatThrownBy(() -> fs.stepFeatures(fsState, new float[][]{ new float[4] }, 1, new float[][]{ new float[3] }))
                .hasMessageContaining("length 4").hasMessageContaining("needs 5");
        assertThatThrownBy(() -> fs.stepFeatures(fsState, new float[][]{ { 0, 1, Float.NaN, 0, 0 } }, 1, new float[][]{ new float[3] }))
                .hasMessageContaining("feature 2 is NaN");
        assertThat(fsState[0]).containsOnly(0f); // nothing was stepped
    }

    @Test
    void modelsThatCannotStreamSayWhy() {
        Sequential back = new Sequential("back");
        back.add(LSTM.builder(4).goBackwards(true).inputShape(-1, 3).build());
        assertThatThrownBy(() -> StepModel.compile(back)).hasMessageContaining("go_backwards");

        KerasTensor a = Input.of(-1, 3), b = Input.of(-1, 3);
        KerasTensor la = LSTM.builder(4).build().apply(a);
        KerasTensor lb = LSTM.builder(4).build().apply(b);
        Model two = new Model("two", List.of(a, b), List.of(io.seqstream.model.layers.Merge.add().apply(la, lb)));
        assertThatThrownBy(() -> StepModel.compile(two)).hasMessageContaining("the inputs meet in different layers");

        Sequential dense = new Sequential("dense");
        dense.add(Dense.builder(3).inputShape(-1, 4).build());
        assertThatThrownBy(() -> StepModel.compile(dense)).hasMessageContaining("no recurrent layer");
    }
}
