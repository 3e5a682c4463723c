package io.seqstream.model;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seqstream.model.layers.Dense;
import io.seqstream.model.layers.Embedding;
import io.seqstream.model.layers.LSTM;
import io.seqstream.model.ops.ActivationFunction;
import io.seqstream.model.train.Loss;
import io.seqstream.model.train.Optimizer;
import org.junit.jupiter.api.Test;

/** Bad input fails with a message naming the layer, the expected and actual value, and the valid choices. */
class BadInputTest {
    @Test
    void wrongShapeNamesInputExpectedAndActual() {
        Sequential m = new Sequential("m");
        m.add(LSTM.builder(4).inputShape(5, 3).name("lstm").build());
        assertThatThrownBy(() -> m.predict(Tensor.zeros(2, 5, 4)))
                .hasMessageContaining("expected shape (None, 5, 3)").hasMessageContaining("got (2, 5, 4)");
        assertThatThrownBy(() -> m.predict(Tensor.zeros(2, 15))).hasMessageContaining("(None, 5, 3)").hasMessageContaining("(2, 15)");
    }

    @Test
    void tokenOutsideVocabularyNamesLayerAndRange() {
        Sequential m = new Sequential();
        m.add(Embedding.builder(10, 4).name("emb").build());
        assertThatThrownBy(() -> m.predict(Tensor.ofTokens(new int[][]{ { 1, 12 } })))
                .hasMessageContaining("layer 'emb'").hasMessageContaining("token id 12").hasMessageContaining("[0, 10)");
        assertThatThrownBy(() -> m.predict(Tensor.wrap(new float[]{ 1f, 1.5f }, 1, 2))).hasMessageContaining("1.5");
    }

    @Test
    void nonFiniteInputToRecurrentLayerIsRefused() {
        Sequential m = new Sequential();
        m.add(LSTM.builder(4).inputShape(2, 2).name("lstm").build());
        assertThatThrownBy(() -> m.predict(Tensor.wrap(new float[]{ 0, 1, Float.POSITIVE_INFINITY, 0 }, 1, 2, 2)))
                .hasMessageContaining("layer 'lstm'").hasMessageContaining("Infinity").hasMessageContaining("flat index 2");
    }

    @Test
    void unknownNamesListTheValidChoices() {
        assertThatThrownBy(() -> ActivationFunction.of("swish2")).hasMessageContaining("swish2")
                .hasMessageContaining("relu, sigmoid, tanh");
        assertThatThrownBy(() -> Loss.of("hinge")).hasMessageContaining("hinge").hasMessageContaining("categorical_crossentropy");
        assertThatThrownBy(() -> Optimizer.of("adagrad")).hasMessageContaining("adagrad").hasMessageContaining("adam, sgd, rmsprop");
        assertThatThrownBy(() -> Dense.builder(3).activation("gelu")).hasMessageContaining("gelu");
    }

    @Test
    void targetShapeMismatchNamesOutput() {
        Sequential m = new Sequential();
        m.add(Dense.builder(3).activation("softmax").inputShape(4).name("head").build());
        m.compile("categorical_crossentropy", "sgd");
        assertThatThrownBy(() -> m.trainOnBatch(Tensor.zeros(2, 4), Tensor.zeros(2, 5)))
                .hasMessageContaining("output 'head'").hasMessageContaining("(2, 5)").hasMessageContaining("(2, 3)");
        assertThatThrownBy(
                () -> new Sequential().add(Dense.builder(2).build()).fit(Tensor.zeros(1, 2), Tensor.zeros(1, 2), FitOptions.defaults()))
                .hasMessageContaining("not compiled");
    }

    @Test
    void statefulNeedsFixedBatchSize() {
        Sequential m = new Sequential();
        assertThatThrownBy(() -> m.add(LSTM.builder(4).stateful(true).inputShape(3, 2).name("s").build()))
                .hasMessageContaining("layer 's'").hasMessageContaining("stateful=True needs a fixed batch size")
                .hasMessageContaining("batchInputShape");
        Sequential ok = new Sequential();
        ok.add(LSTM.builder(4).stateful(true).batchInputShape(2, 3, 2).name("s2").build());
        assertThatThrownBy(() -> ok.predict(Tensor.zeros(3, 3, 2))).hasMessageContaining("(2, 3, 2)").hasMessageContaining("(3, 3, 2)");
    }
}
