package io.seqstream.model.keras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seqstream.model.Model;
import io.seqstream.model.layers.LSTM;
import io.seqstream.model.ops.ActivationFunction;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What goes wrong is said in one KerasImportException naming the file (and layer, class, option). */
class KerasImportErrorsTest {
    static final ObjectMapper OM = new ObjectMapper();
    static final Path STACKED = GoldenFiles.sharedDir().resolve("golden/keras3/stacked_lstm_sigmoid/model.keras");

    @TempDir
    Path tmp;

    static AbstractThrowableAssert<?, ? extends Throwable> fails(Path file) {
        return assertThatThrownBy(() -> KerasImport.load(file)).isInstanceOf(KerasImportException.class)
                .hasMessageContaining(file.toString());
    }

    /** A copy of a .keras file with its config.json edited. */
    Path editedArchive(String name, Consumer<ObjectNode> edit) throws IOException {
        Path out = tmp.resolve(name);
        try (ZipFile in = new ZipFile(STACKED.toFile()); ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(out))) {
            for (Enumeration<? extends ZipEntry> it = in.entries(); it.hasMoreElements();) {
                ZipEntry e = it.nextElement();
                byte[] b = in.getInputStream(e).readAllBytes();
                if (e.getName().equals("config.json")) {
                    ObjectNode cfg = (ObjectNode) OM.readTree(b);
                    edit.accept(cfg);
                    b = OM.writeValueAsBytes(cfg);
                }
                zip.putNextEntry(new ZipEntry(e.getName()));
                zip.write(b);
                zip.closeEntry();
            }
        }
        return out;
    }

    static ObjectNode layer(ObjectNode cfg, int i) {
        return (ObjectNode) cfg.get("config").get("layers").get(i);
    }

    Path truncated(Path src, String name) throws IOException {
        byte[] b = Files.readAllBytes(src);
        Path p = tmp.resolve(name);
        Files.write(p, Arrays.copyOf(b, b.length / 2));
        return p;
    }

    @Test
    void truncatedKerasArchive() throws IOException {
        fails(truncated(STACKED, "cut.keras")).hasMessageContaining("not a readable zip archive");
    }

    @Test
    void truncatedHdf5() throws IOException {
        fails(truncated(KerasH5ImportTest.h5("weights/lstm_tensorflow_2.h5"), "cut.h5")).hasMessageContaining("not a readable HDF5 file");
    }

    @Test
    void zipThatIsNotKeras() throws IOException {
        Path p = tmp.resolve("other.zip");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(p))) {
            zip.putNextEntry(new ZipEntry("readme.txt"));
            zip.write("hello".getBytes());
        }
        fails(p).hasMessageContaining("not a Keras 3 archive: it has no config.json");
    }

    @Test
    void archiveWithoutWeights() throws IOException {
        Path p = tmp.resolve("noweights.keras");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(p))) {
            zip.putNextEntry(new ZipEntry("config.json"));
            zip.write("{}".getBytes());
        }
        fails(p).hasMessageContaining("has no model.weights.h5");
    }

    @Test
    void neitherHdf5NorZip() throws IOException {
        Path p = tmp.resolve("model.h5");
        try (OutputStream o = Files.newOutputStream(p)) {
            o.write("this is not a model".getBytes());
        }
        fails(p).hasMessageContaining("not a Keras model file");
        fails(tmp.resolve("absent.h5")).hasMessageContaining("no such file");
    }

    @Test
    void weightsOnlyOrConfigOnly() {
        fails(KerasH5ImportTest.h5("fullconfigs/lstm/lstm_th_keras_2_weights.h5")).hasMessageContaining("weights only")
                .hasMessageContaining("config");
        fails(KerasH5ImportTest.h5("fullconfigs/lstm/lstm_th_keras_2_config.json")).hasMessageContaining("holds no weights");
    }

    @Test
    void unsupportedLayerNamesClassLayerAndFile() throws IOException {
        Path p = editedArchive("conv.keras", cfg -> layer(cfg, 1).put("class_name", "Conv1D"));
        fails(p).hasMessageContaining("layer 'lstm_1' (Conv1D)").hasMessageContaining("unsupported layer class 'Conv1D'");
    }

    @Test
    void unsupportedOptionNamesOptionLayerAndFile() throws IOException {
        Path p = editedArchive("mixed.keras",
                cfg -> ((ObjectNode) layer(cfg, 2).get("config").get("dtype").get("config")).put("name", "mixed_float16"));
        fails(p).hasMessageContaining("layer 'lstm_2' (LSTM)").hasMessageContaining("'dtype'").hasMessageContaining("mixed_float16");
        Path q = editedArchive("peephole.keras", cfg -> ((ObjectNode) layer(cfg, 1).get("config")).put("peephole", true));
        fails(q).hasMessageContaining("layer 'lstm_1' (LSTM)").hasMessageContaining("unknown config field 'peephole'");
        Path r = editedArchive("kwarg.keras", cfg -> {
        });
        assertThat(KerasImport.load(r).countParams()).isPositive(); // the editing itself changes nothing
    }

    @Test
    void weightsThatDoNotFitTheConfig() throws IOException {
        Path p = editedArchive("units.keras", cfg -> ((ObjectNode) layer(cfg, 1).get("config")).put("units", 13));
        fails(p).hasMessageContaining("model.weights.h5").hasMessageContaining("lstm_1").hasMessageContaining("(5, 52)");
    }

    @Test
    void keras3HardSigmoidIsKeras3s() throws IOException {
        Path p = editedArchive("hard.keras", cfg -> ((ObjectNode) layer(cfg, 1).get("config")).put("recurrent_activation", "hard_sigmoid"));
        Model m = KerasImport.load(p);
        assertThat(((LSTM) m.getLayer("lstm_1")).cell().recurrentActivation()).isEqualTo(ActivationFunction.HARD_SIGMOID_KERAS3);
        Model k2 = KerasImport.load(KerasH5ImportTest.h5("weights/lstm_tensorflow_2.h5"));
        assertThat(((LSTM) k2.getLayer("lstm_1")).cell().recurrentActivation()).isEqualTo(ActivationFunction.HARD_SIGMOID);
    }

    @Test
    void keras3NameCheckCatchesMisplacedWeights() throws IOException {
        // Weights are matched by position; renaming the two LSTMs crosswise must not go unnoticed.
        Path p = editedArchive("swapped.keras", cfg -> {
            for (int i : new int[]{ 1, 2 }) {
                String name = i == 1 ? "lstm_2" : "lstm_1";
                layer(cfg, i).put("name", name);
                ((ObjectNode) layer(cfg, i).get("config")).put("name", name);
            }
        });
        fails(p).hasMessageContaining("layers/lstm belongs to layer 'lstm_1'").hasMessageContaining("'lstm_2'");
    }

    @Test
    void keras3ConfigAndWeightsGivenSeparately() throws IOException {
        Path config = tmp.resolve("config.json"), weights = tmp.resolve("model.weights.h5");
        try (ZipFile zip = new ZipFile(STACKED.toFile())) {
            Files.write(config, zip.getInputStream(zip.getEntry("config.json")).readAllBytes());
            Files.write(weights, zip.getInputStream(zip.getEntry("model.weights.h5")).readAllBytes());
        }
        Model split = KerasImport.load(config, weights);
        Model whole = KerasImport.load(STACKED);
        for (int i = 0; i < whole.getWeights().size(); i++)
            Close.check("weight " + i, whole.getWeights().get(i), split.getWeights().get(i), 0);
        assertThat(((LSTM) split.getLayer("lstm_1")).cell().recurrentActivation()).isEqualTo(ActivationFunction.SIGMOID);
    }
}
