package io.seqstream.model.keras;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jhdf.HdfFile;
import io.seqstream.model.Model;
import io.seqstream.model.Tensor;
import io.seqstream.model.layers.RNN;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * return_sequences, return_state, go_backwards and stateful survive import: configs derived from the
 * Keras 2 file weights/lstm_tensorflow_2.h5 (LSTM(6) on (None, 4, 1)) with its weights, checked against
 * the plain import of that file.
 */
class KerasRecurrentFlagsTest {
    static final ObjectMapper OM = new ObjectMapper();
    static final Path WEIGHTS = KerasH5ImportTest.h5("weights/lstm_tensorflow_2.h5");

    @TempDir
    Path tmp;

    static ObjectNode lstmConfig() throws IOException {
        try (HdfFile h = new HdfFile(WEIGHTS)) {
            JsonNode root = OM.readTree(Hdf5.string(h, "model_config").orElseThrow());
            return (ObjectNode) root.get("config").get(0).get("config").deepCopy();
        }
    }

    static Tensor sequence(int batch, int time) {
        float[] x = new float[batch * time];
        for (int i = 0; i < x.length; i++)
            x[i] = (float) Math.sin(0.7 * i + 0.3);
        return Tensor.wrap(x, batch, time, 1);
    }

    static Tensor reverseTime(Tensor x) {
        int b = x.dim(0), t = x.dim(1), f = x.dim(2);
        float[] r = new float[x.size()];
        for (int i = 0; i < b; i++)
            for (int s = 0; s < t; s++)
                System.arraycopy(x.data(), (i * t + s) * f, r, (i * t + t - 1 - s) * f, f);
        return Tensor.wrap(r, x.shape());
    }

    Path write(String name, JsonNode config) throws IOException {
        Path p = tmp.resolve(name);
        OM.writeValue(p.toFile(), config);
        return p;
    }

    @Test
    void goBackwardsReturnSequencesAndReturnStateInAFunctionalModel() throws IOException {
        ObjectNode lstm = lstmConfig().put("go_backwards", true).put("return_sequences", true).put("return_state", true);
        lstm.remove("batch_input_shape");
        ObjectNode root = OM.createObjectNode().put("class_name", "Model").put("keras_version", "2.1.3");
        ObjectNode cfg = root.putObject("config").put("name", "flags");
        ArrayNode layers = cfg.putArray("layers");
        ObjectNode in = layers.addObject().put("class_name", "InputLayer").put("name", "x");
        in.putObject("config").put("name", "x").put("dtype", "float32").put("sparse", false).putArray("batch_input_shape").addNull().add(4)
                .add(1);
        in.putArray("inbound_nodes");
        ObjectNode l = layers.addObject().put("class_name", "LSTM").put("name", "lstm_1");
        l.set("config", lstm);
        l.putArray("inbound_nodes").addArray().addArray().add("x").add(0).add(0).addObject();
        cfg.putArray("input_layers").addArray().add("x").add(0).add(0);
        ArrayNode outs = cfg.putArray("output_layers");
        for (int i = 0; i < 3; i++)
            outs.addArray().add("lstm_1").add(0).add(i);

        Model flags = KerasImport.load(write("flags.json", root), WEIGHTS);
        Model plain = KerasImport.load(WEIGHTS);
        RNN layer = (RNN) flags.getLayer("lstm_1");
        assertThat(layer.goBackwards()).isTrue();
        assertThat(layer.returnSequences()).isTrue();
        assertThat(layer.returnState()).isTrue();

        Tensor x = sequence(3, 4);
        List<Tensor> y = flags.predict(List.of(x));
        assertThat(y).hasSize(3);
        assertThat(y.get(0).shape()).containsExactly(3, 4, 6);
        // go_backwards reads x from its end: the final state is that of a forward LSTM on the reversed sequence.
        Tensor expectedH = plain.predict(reverseTime(x));
        Close.check("h state", expectedH, y.get(1), 1e-6);
        float[] last = new float[3 * 6];
        for (int b = 0; b < 3; b++)
            System.arraycopy(y.get(0).data(), (b * 4 + 3) * 6, last, b * 6, 6);
        Close.check("last output in processing order", expectedH, Tensor.wrap(last, 3, 6), 1e-6);
        assertThat(y.get(2).shape()).containsExactly(3, 6);
    }

    @Test
    void statefulKeepsItsBatchSizeAndCarriesStateBetweenCalls() throws IOException {
        JsonNode file;
        try (HdfFile h = new HdfFile(WEIGHTS)) {
            file = OM.readTree(Hdf5.string(h, "model_config").orElseThrow());
        }
        ObjectNode stateful = file.deepCopy();
        ObjectNode sc = (ObjectNode) stateful.get("config").get(0).get("config");
        sc.put("stateful", true).putArray("batch_input_shape").add(2).addNull().add(1);
        ObjectNode reference = file.deepCopy();
        ((ObjectNode) reference.get("config").get(0).get("config")).putArray("batch_input_shape").addNull().addNull().add(1);

        Model s = KerasImport.load(write("stateful.json", stateful), WEIGHTS);
        Model ref = KerasImport.load(write("reference.json", reference), WEIGHTS);
        assertThat(((RNN) s.getLayer("lstm_1")).stateful()).isTrue();
        assertThat(s.inputs().get(0).shape()).containsExactly(2, -1, 1);

        Tensor x = sequence(2, 8);
        Tensor first = Tensor.wrap(reorder(x, 0, 4), 2, 4, 1);
        Tensor second = Tensor.wrap(reorder(x, 4, 8), 2, 4, 1);
        s.predict(first);
        Close.check("two calls = one call on the whole sequence", ref.predict(x), s.predict(second), 1e-6);
        s.resetStates();
        Close.check("after reset_states", ref.predict(first), s.predict(first), 1e-6);
    }

    @Test
    void aFixedBatchSizeOfANonStatefulModelIsRelaxed() {
        // simple_flatten_lstm was saved with batch_input_shape (25, 1, 1) but is not stateful.
        Model m = KerasImport.load(KerasH5ImportTest.h5("examples/simple_flatten_lstm/simple_flatten_lstm_tf_keras_2_model.h5"));
        assertThat(m.inputs().get(0).shape()).containsExactly(-1, 1, 1);
        assertThat(m.predict(sequence(3, 1)).shape()).containsExactly(3, 1);
    }

    /** Time steps [from, to) of a (batch, time, 1) tensor. */
    static float[] reorder(Tensor x, int from, int to) {
        int b = x.dim(0), t = x.dim(1);
        float[] r = new float[b * (to - from)];
        for (int i = 0; i < b; i++)
            System.arraycopy(x.data(), i * t + from, r, i * (to - from), to - from);
        return r;
    }
}
