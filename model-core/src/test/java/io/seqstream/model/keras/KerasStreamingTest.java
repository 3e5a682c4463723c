package io.seqstream.model.keras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seqstream.model.Model;
import io.seqstream.model.Tensor;
import io.seqstream.model.layers.Layer;
import io.seqstream.model.layers.RNN;
import io.seqstream.model.stream.StepModel;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * Streaming an imported model: through the per-key stepper ({@link StepModel}, which takes the non-stateful
 * import as it is) and through {@link KerasImport#toStreaming}; both reproduce whole-sequence predictions.
 */
class KerasStreamingTest {
    /** Issue 3 point 3: fullconfigs/lstm's 283 stored inputs as 283 keys through the stepper. */
    @Test
    void fullconfigLstmAs283KeysThroughTheStepper() throws IOException {
        Model model = KerasH5ImportTest.fullconfigModel();
        Tensor x = KerasH5ImportTest.fullconfigInputs();
        Tensor expected = NpyTensors.read(KerasH5ImportTest.h5("fullconfigs/lstm/predictions.npy")).reshape(283, 1);
        Close.check("stepper", expected, Stepping.last(Stepping.run(StepModel.compile(model), x)), 1e-5);
        Close.check("scalar stepper", expected, Stepping.last(Stepping.run(StepModel.compileScalar(model), x)), 1e-5);
    }

    /** fullconfigs/lstm: its 283 sequences as 283 keys, stepped one time step per call. */
    @Test
    void fullconfigLstmStepByStepEqualsWholeSequencePredictions() throws IOException {
        Model model = KerasH5ImportTest.fullconfigModel();
        Model streaming = KerasImport.toStreaming(model);
        assertThat(streaming.inputs().get(0).shape()).containsExactly(1, -1, 12);
        for (Layer l : streaming.layers())
            if (l instanceof RNN r)
                assertThat(r.stateful()).isTrue();
        assertThat(streaming.getWeights()).hasSize(model.getWeights().size());

        Tensor x = KerasH5ImportTest.fullconfigInputs();
        Tensor expected = NpyTensors.read(KerasH5ImportTest.h5("fullconfigs/lstm/predictions.npy"));
        int n = x.dim(0), time = x.dim(1), f = x.dim(2);
        float[] last = new float[n];
        for (int key = 0; key < n; key++) {
            streaming.resetStates();
            for (int t = 0; t < time; t++) {
                float[] step = java.util.Arrays.copyOfRange(x.data(), (key * time + t) * f, (key * time + t + 1) * f);
                last[key] = streaming.predict(Tensor.wrap(step, 1, 1, f)).data()[0];
            }
        }
        Close.check("283 keys stepped", expected, Tensor.wrap(last, n), 1e-5);
    }

    @Test
    void theOriginalModelIsUntouched() {
        Model model = KerasH5ImportTest.fullconfigModel();
        KerasImport.toStreaming(model);
        assertThat(((RNN) model.getLayer("lstm_1")).stateful()).isFalse();
        assertThat(model.inputs().get(0).shape()).containsExactly(-1, 4, 12);
    }

    @Test
    void flattenOverTimeCannotStream() {
        Model m = KerasImport.load(KerasH5ImportTest.h5("examples/simple_flatten_rnn/simple_flatten_rnn_tf_keras_2_model.h5"));
        assertThatThrownBy(() -> KerasImport.toStreaming(m)).isInstanceOf(KerasImportException.class)
                .hasMessageContaining("flatten_1").hasMessageContaining("one step at a time");
    }
}
