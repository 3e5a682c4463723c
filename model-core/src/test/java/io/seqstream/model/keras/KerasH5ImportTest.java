package io.seqstream.model.keras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jhdf.HdfFile;
import io.seqstream.model.Model;
import io.seqstream.model.Tensor;
import io.seqstream.model.config.ModelConfig;
import io.seqstream.model.layers.InputLayer;
import io.seqstream.model.layers.LSTM;
import io.seqstream.model.ops.ActivationFunction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Keras 1 and 2 HDF5 files (shared golden set keras-h5) against the predictions Keras stored with them. */
class KerasH5ImportTest {
    static final double TOL = 1e-5;

    static Path h5(String rel) {
        return GoldenFiles.kerasH5().resolve(rel);
    }

    /** The 283 sequences of fullconfigs/lstm as one (283, 4, 12) batch, row N = data/sequences/N.csv. */
    static Tensor fullconfigInputs() throws IOException {
        Path dir = h5("fullconfigs/lstm/data/sequences");
        int n;
        try (Stream<Path> s = Files.list(dir)) {
            n = (int) s.filter(p -> p.toString().endsWith(".csv")).count();
        }
        float[] x = new float[n * 4 * 12];
        for (int i = 0; i < n; i++) {
            List<String> lines = Files.readAllLines(dir.resolve(i + ".csv"));
            assertThat(lines).as(i + ".csv").hasSize(4);
            for (int t = 0; t < 4; t++) {
                String[] cols = lines.get(t).split(";");
                for (int f = 0; f < 12; f++)
                    x[(i * 4 + t) * 12 + f] = Float.parseFloat(cols[f]);
            }
        }
        return Tensor.wrap(x, n, 4, 12);
    }

    static Model fullconfigModel() {
        return KerasImport.load(h5("fullconfigs/lstm/lstm_th_keras_2_config.json"), h5("fullconfigs/lstm/lstm_th_keras_2_weights.h5"));
    }

    @Test
    void fullconfigLstmReproducesAll283Predictions() throws IOException {
        Model model = fullconfigModel();
        Tensor x = fullconfigInputs();
        Tensor expected = NpyTensors.read(h5("fullconfigs/lstm/predictions.npy"));
        assertThat(x.dim(0)).isEqualTo(283);
        Tensor y = model.predict(x);
        Close.check("fullconfigs/lstm predictions", expected, y.reshape(283), TOL);
        // Keras 2's hard_sigmoid (clip(0.2x + 0.5)), not Keras 3's.
        assertThat(((LSTM) model.getLayer("lstm_1")).cell().recurrentActivation()).isEqualTo(ActivationFunction.HARD_SIGMOID);
        float[] ones = new float[48];
        Arrays.fill(ones, 1f);
        assertThat(model.predict(Tensor.wrap(ones, 1, 4, 12)).data()[0]).isCloseTo(0.7216f, Offset.offset(1e-4f));
    }

    @ParameterizedTest(name = "{0}/{1}")
    @CsvSource({
            "simple_lstm, simple_lstm_tf_keras_1",
            "simple_lstm, simple_lstm_th_keras_1",
            "simple_flatten_lstm, simple_flatten_lstm_tf_keras_2",
            "simple_rnn, simple_rnn_tf_keras_2",
            "simple_flatten_rnn, simple_flatten_rnn_tf_keras_2",
    })
    void examplesReproduceStoredPredictions(String dir, String prefix) throws IOException {
        Path base = h5("examples/" + dir);
        Model full = KerasImport.load(base.resolve(prefix + "_model.h5"));
        Model split = KerasImport.load(base.resolve(prefix + "_config.json"), base.resolve(prefix + "_weights.h5"));
        try (HdfFile io = new HdfFile(base.resolve(prefix + "_inputs_and_outputs.h5"))) {
            ObjectMapper om = new ObjectMapper();
            String in = om.readTree(Hdf5.string(io, "inputs").orElseThrow()).get("inputs").get(0).asText();
            String out = om.readTree(Hdf5.string(io, "outputs").orElseThrow()).get("outputs").get(0).asText();
            Tensor x = Hdf5.tensor(io.getDatasetByPath("inputs/" + in), "inputs");
            Tensor expected = Hdf5.tensor(io.getDatasetByPath("predictions/" + out), "predictions");
            Close.check(prefix + " model.h5", expected, full.predict(x), TOL);
            Close.check(prefix + " config + weights", expected, split.predict(x), TOL);
        }
    }

    /** Every weights/*.h5 (Keras 1 and 2, Theano and TensorFlow) loads, or names the unsupported layer and the file. */
    @TestFactory
    Stream<DynamicTest> everyWeightsFileLoadsOrNamesItsUnsupportedLayer() throws IOException {
        return filesIn("weights").map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> loadsOrNamesUnsupported(f)));
    }

    @TestFactory
    Stream<DynamicTest> everyTfKerasFileLoadsOrNamesItsUnsupportedLayer() throws IOException {
        return filesIn("tfkeras").map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> loadsOrNamesUnsupported(f)));
    }

    static Stream<Path> filesIn(String dir) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(h5(dir))) {
            files = s.filter(p -> p.toString().endsWith(".h5")).sorted().toList();
        }
        assertThat(files).as(dir).isNotEmpty();
        return files.stream();
    }

    static void loadsOrNamesUnsupported(Path f) throws IOException {
        String config;
        try (HdfFile h = new HdfFile(f)) {
            config = Hdf5.string(h, "model_config").orElseThrow();
        }
        if (config.contains("\"Bidirectional\"")) {
            assertThatThrownBy(() -> KerasImport.load(f)).isInstanceOf(KerasImportException.class)
                    .hasMessageContaining(f.toString()).hasMessageContaining("unsupported layer class 'Bidirectional'");
            return;
        }
        Model m = KerasImport.load(f);
        assertThat(m.countParams()).isPositive();
        int[] shape = m.inputs().get(0).shape();
        shape[0] = 2;
        for (int i = 1; i < shape.length; i++)
            if (shape[i] < 0)
                shape[i] = 3;
        float[] x = new float[(int) Tensor.size(shape)];
        boolean tokens = ((InputLayer) m.inputs().get(0).node().layer()).intDtype();
        for (int i = 0; i < x.length; i++)
            x[i] = tokens ? i * 7 % 4 : (i * 7 % 4) * 0.25f; // vocabularies here are >= 4
        for (float v : m.predict(Tensor.wrap(x, shape)).data())
            assertThat(v).isFinite();
    }

    @Test
    void keras1AndKeras2OfTheSameLayerGiveTheSameShapes() {
        Model k1 = KerasImport.load(h5("weights/lstm_theano_1.h5"));
        Model k2 = KerasImport.load(h5("weights/lstm_tensorflow_2.h5"));
        List<Tensor> w1 = k1.getWeights(), w2 = k2.getWeights();
        assertThat(w1).hasSize(3);
        for (int i = 0; i < 3; i++)
            assertThat(w1.get(i).shape()).isEqualTo(w2.get(i).shape());
    }

    @Test
    void functionalKeras2ModelLoads() {
        Model m = KerasImport.load(h5("examples/functional_lstm/lstm_functional_tf_keras_2.h5"));
        assertThat(m.isSequential()).isFalse();
        float[] x = new float[2 * 10 * 4];
        for (int i = 0; i < x.length; i++)
            x[i] = (float) Math.sin(i);
        Tensor y = m.predict(Tensor.wrap(x, 2, 10, 4));
        assertThat(y.shape()).containsExactly(2, 5);
        float sum = 0;
        for (int j = 0; j < 5; j++)
            sum += y.get(0, j);
        assertThat(sum).isCloseTo(1f, Offset.offset(1e-5f));
    }

    @Test
    void maskingLoadsAndSkipsMaskedSteps() {
        for (String name : new String[]{ "masking_zero_lstm.h5", "masking_two_lstm.h5" }) {
            Path f = h5("examples/masking/" + name);
            Model m = KerasImport.load(f);
            io.seqstream.model.layers.Masking mask = (io.seqstream.model.layers.Masking) m.layers().stream()
                    .filter(l -> l instanceof io.seqstream.model.layers.Masking).findFirst().orElseThrow();
            int[] in = ((io.seqstream.model.layers.InputLayer) m.inputs().get(0).node().layer()).batchShape();
            int time = in[1] > 0 ? in[1] : 6, feats = in[2];
            java.util.Random r = new java.util.Random(3);
            float[] x = new float[time * feats];
            for (int i = 0; i < x.length; i++)
                x[i] = (float) r.nextGaussian();
            // every other step masked: the same as the model on the unmasked steps alone (when the time axis is free)
            float[] masked = x.clone();
            for (int t = 0; t < time; t += 2)
                java.util.Arrays.fill(masked, t * feats, (t + 1) * feats, mask.maskValue());
            float[] y = m.predict(Tensor.wrap(masked, 1, time, feats)).data();
            assertThat(y).as(name).doesNotContain(Float.NaN);
            float[] moved = masked.clone(); // a masked step moved to the front changes nothing either
            for (int t = 1; t < time; t += 2) {
                System.arraycopy(masked, t * feats, moved, (t - 1) * feats, feats);
                java.util.Arrays.fill(moved, t * feats, (t + 1) * feats, mask.maskValue());
            }
            if (m.outputs().get(0).shape().length == 2) {
                assertThat(m.predict(Tensor.wrap(moved, 1, time, feats)).data()).as(name).usingComparatorWithPrecision(1e-6f)
                        .containsExactly(y);
                assertThat(m.predict(Tensor.wrap(x, 1, time, feats)).data()).as(name).isNotEqualTo(y);
            }
        }
    }

    @Test
    void provenanceNamesTheSourceFile() {
        Path f = h5("weights/dense_tensorflow_2.h5");
        Model m = KerasImport.load(f);
        assertThat(m.provenance().property("source_file")).contains(f.toAbsolutePath().toString());
        assertThat(m.provenance().property("keras_version")).contains("2.1.3");
        assertThat(m.provenance().property("keras_backend")).contains("tensorflow");
        assertThat(m.provenance().description()).contains("dense_tensorflow_2.h5");
    }

    /** A model from a config file alone (weights left at zero). */
    static Model buildConfig(JsonNode root, String source) {
        KerasVersion v = KerasVersion.statedOrGuessed(root.path("keras_version").asText(""), root);
        return ModelConfig.fromJson(KerasModelConfig.convert(root, v, source).model(), source, v.options());
    }

    /** Model configs without weights: the supported ones build, the others name what is unsupported. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "keras1/imdb_lstm_tf_keras_1_config.json, ",
            "keras1/imdb_lstm_th_keras_1_config.json, ",
            "keras2/imdb_lstm_tf_keras_2_config.json, ",
            "keras2/one_lstm_no_sequences_tf_keras_2.json, ",
            "keras2/simple_rnn_tf_keras_2_config.json, ",
            "keras2/embedding_flatten_graph_th_keras_2.json, ",
            "keras1/keras1_tf_embedding_conv1d_config.json, unsupported layer class 'Convolution1D'",
            "keras2/keras2_tf_embedding_conv1d_config.json, unsupported layer class 'Conv1D'",
            "keras1/lstm_tddense_config.json, ",
            "keras2/bidirectional_lstm_tf_keras_2_config.json, unsupported layer class 'Bidirectional'",
            "keras2/reshape_embedding_concat.json, unsupported layer class 'Reshape'",
            "keras2/embedding_lstm_calculator.json, ",
            "keras2/model_concat_embedding_sequences_tf_keras_2.json, unsupported layer class 'Bidirectional'",
    })
    void configsBuildOrNameWhatIsUnsupported(String rel, String error) throws IOException {
        Path f = h5("configs/" + rel);
        JsonNode root = new ObjectMapper().readTree(f.toFile());
        if (error == null) {
            assertThat(buildConfig(root, f.toString()).countParams()).isPositive();
        } else {
            assertThatThrownBy(() -> buildConfig(root, f.toString())).hasMessageContaining(f.toString()).hasMessageContaining(error);
        }
    }

    @Test
    void keras1MergeConcatBecomesConcatenate() throws IOException {
        Path f = h5("configs/keras2/embedding_flatten_graph_th_keras_2.json");
        Model m = buildConfig(new ObjectMapper().readTree(f.toFile()), f.toString());
        assertThat(m.getLayer("merge_2").className()).isEqualTo("Concatenate");
        assertThat(m.inputs()).hasSize(11);
        assertThat(m.outputs().get(0).shape()).containsExactly(-1, 11);
    }

    /** Keras 1 TimeDistributedDense and Keras 2 TimeDistributed(Dense) are Dense on the last axis. */
    @Test
    void timeDistributedDenseBecomesDense() throws IOException {
        Path f = h5("configs/keras1/lstm_tddense_config.json");
        JsonNode root = new ObjectMapper().readTree(f.toFile());
        Model m = buildConfig(root, f.toString());
        assertThat(m.getLayer("timedistributeddense_1").className()).isEqualTo("Dense");
        assertThat(m.outputs().get(0).shape()).containsExactly(-1, 10, 3);

        ObjectNode wrapped = root.deepCopy();
        ObjectNode td = (ObjectNode) wrapped.get("config").get(2);
        ObjectNode inner = td.get("config").deepCopy();
        td.put("class_name", "TimeDistributed");
        td.putObject("config").put("name", "td").putObject("layer").put("class_name", "Dense").set("config", inner);
        Model w = buildConfig(wrapped, "wrapped");
        assertThat(w.outputs().get(0).shape()).containsExactly(-1, 10, 3);
        ((ObjectNode) td.get("config").get("layer")).put("class_name", "Conv1D");
        assertThatThrownBy(() -> buildConfig(wrapped, "wrapped")).isInstanceOf(KerasImportException.class)
                .hasMessageContaining("TimeDistributed(Conv1D) is not supported");
    }
}
