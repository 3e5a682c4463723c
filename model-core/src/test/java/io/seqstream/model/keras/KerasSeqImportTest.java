package io.seqstream.model.keras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import io.seqstream.model.Model;
import io.seqstream.model.Sequential;
import io.seqstream.model.Tensor;
import io.seqstream.model.layers.GRU;
import io.seqstream.model.layers.GRUCell;
import io.seqstream.model.layers.Layer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GRU layouts of Keras 1/2, trainable flags and what the importer refuses for the new layer kinds. */
class KerasSeqImportTest {
    static Path golden(String c) {
        Path d = Keras3SeqGoldenTest.dir().resolve(c);
        assertThat(d).as("golden case " + d).isDirectory();
        return d;
    }

    /** A copy of a .keras file with its config.json edited. */
    static Path editConfig(Path src, Path dst, UnaryOperator<String> edit) throws IOException {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(src));
                OutputStream o = Files.newOutputStream(dst);
                ZipOutputStream out = new ZipOutputStream(o)) {
            for (ZipEntry e; (e = in.getNextEntry()) != null;) {
                byte[] b = in.readAllBytes();
                if (e.getName().equals("config.json"))
                    b = edit.apply(new String(b, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
                out.putNextEntry(new ZipEntry(e.getName()));
                out.write(b);
                out.closeEntry();
            }
        }
        return dst;
    }

    @Test
    void trainableFalseIsImported(@TempDir Path tmp) throws IOException {
        Path f = editConfig(golden("gru_reset_after").resolve("model.keras"), tmp.resolve("frozen.keras"),
                s -> s.replaceFirst("\"name\": \"embedding\", \"trainable\": true", "\"name\": \"embedding\", \"trainable\": false"));
        Model m = KerasImport.load(f);
        assertThat(m.layers().stream().filter(l -> !l.trainable()).map(Layer::name).toList()).containsExactly("embedding");
        assertThat(m.trainableWeights()).hasSize(m.weights().size() - 1);
    }

    @Test
    void keras3GruKeepsResetAfterFromItsConfig() {
        GRU a = (GRU) KerasImport.load(golden("gru_reset_after").resolve("model.keras")).layers().get(1);
        GRU b = (GRU) KerasImport.load(golden("gru_reset_before_sequences").resolve("model.h5")).layers().get(0);
        assertThat(a.cell().resetAfter()).isTrue();
        assertThat(a.cell().bias().orElseThrow().shape()).containsExactly(2, 36);
        assertThat(b.cell().resetAfter()).isFalse();
        assertThat(b.cell().bias().orElseThrow().shape()).containsExactly(36);
    }

    static final String KERAS1_CONFIG = """
            {"class_name": "Sequential", "keras_version": "1.2.2", "config": [
              {"class_name": "GRU", "config": {"name": "gru_1", "trainable": true, "batch_input_shape": [null, 5, 3], "input_dtype": "float32",
                "output_dim": 4, "activation": "tanh", "inner_activation": "hard_sigmoid", "return_sequences": false, "go_backwards": false,
                "stateful": false, "unroll": false, "consume_less": "cpu", "init": "glorot_uniform", "inner_init": "orthogonal",
                "W_regularizer": null, "U_regularizer": null, "b_regularizer": null, "dropout_W": 0.0, "dropout_U": 0.0, "input_dim": 3,
                "input_length": null}},
              {"class_name": "Dense", "config": {"name": "dense_1", "trainable": false, "output_dim": 2, "activation": "linear", "bias": true,
                "init": "glorot_uniform", "W_regularizer": null, "b_regularizer": null, "activity_regularizer": null, "W_constraint": null,
                "b_constraint": null, "input_dim": 4}}]}
            """;

    /** Keras 1 stores a GRU as nine per-gate arrays; joined they equal Keras 2's reset_before GRU with hard_sigmoid. */
    @Test
    void keras1GruGateArraysAreJoined(@TempDir Path tmp) throws IOException {
        Random r = new Random(3);
        int u = 4, d = 3;
        float[][] w = new float[9][];
        for (int i = 0; i < 9; i++) {
            int rows = i % 3 == 0 ? d : i % 3 == 1 ? u : 1;
            w[i] = new float[rows * u];
            for (int j = 0; j < w[i].length; j++)
                w[i][j] = (float) (0.5 * r.nextGaussian());
        }
        float[] dk = new float[u * 2], db = { 0.1f, -0.2f };
        for (int j = 0; j < dk.length; j++)
            dk[j] = (float) r.nextGaussian();
        Path config = tmp.resolve("gru.json");
        Files.writeString(config, KERAS1_CONFIG);
        Path weights = tmp.resolve("gru.h5");
        String[] names = { "W_z", "U_z", "b_z", "W_r", "U_r", "b_r", "W_h", "U_h", "b_h" };
        try (WritableHdfFile h5 = HdfFile.write(weights)) {
            h5.putAttribute("layer_names", new String[]{ "gru_1", "dense_1" });
            h5.putAttribute("keras_version", "1.2.2");
            WritableGroup g = h5.putGroup("gru_1");
            String[] wn = new String[9];
            for (int i = 0; i < 9; i++) {
                wn[i] = "gru_1_" + names[i];
                g.putDataset(wn[i], i % 3 == 2 ? w[i] : rows2d(w[i], i % 3 == 0 ? d : u, u));
            }
            g.putAttribute("weight_names", wn);
            WritableGroup dg = h5.putGroup("dense_1");
            dg.putDataset("dense_1_W", rows2d(dk, u, 2));
            dg.putDataset("dense_1_b", db);
            dg.putAttribute("weight_names", new String[]{ "dense_1_W", "dense_1_b" });
        }
        Model m = KerasImport.load(config, weights);
        GRU gru = (GRU) m.layers().get(0);
        assertThat(gru.cell().resetAfter()).isFalse();
        assertThat(gru.cell().recurrentActivation().kerasName()).isEqualTo("hard_sigmoid");
        assertThat(m.layers().get(1).trainable()).isFalse();
        // The same model built by hand from joined arrays predicts the same.
        Sequential ref = new Sequential();
        ref.add(GRU.builder(u).resetAfter(false).recurrentActivation("hard_sigmoid").inputShape(5, d).build());
        ref.add(io.seqstream.model.layers.Dense.builder(2).build());
        ref.setWeights(List.of(join(w[0], w[3], w[6], d, u), join(w[1], w[4], w[7], u, u), Tensor.wrap(concat(w[2], w[5], w[8]), 3 * u),
                Tensor.wrap(dk, u, 2), Tensor.wrap(db, 2)));
        float[] x = new float[2 * 5 * d];
        for (int i = 0; i < x.length; i++)
            x[i] = (float) r.nextGaussian();
        assertThat(m.predict(Tensor.wrap(x, 2, 5, d)).data()).containsExactly(ref.predict(Tensor.wrap(x, 2, 5, d)).data());
    }

    static float[][] rows2d(float[] v, int rows, int cols) {
        float[][] r = new float[rows][];
        for (int i = 0; i < rows; i++)
            r[i] = Arrays.copyOfRange(v, i * cols, (i + 1) * cols);
        return r;
    }

    static Tensor join(float[] a, float[] b, float[] c, int rows, int u) {
        float[] out = new float[rows * 3 * u];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(a, i * u, out, i * 3 * u, u);
            System.arraycopy(b, i * u, out, i * 3 * u + u, u);
            System.arraycopy(c, i * u, out, i * 3 * u + 2 * u, u);
        }
        return Tensor.wrap(out, rows, 3 * u);
    }

    static float[] concat(float[] a, float[] b, float[] c) {
        float[] out = Arrays.copyOf(a, a.length + b.length + c.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        System.arraycopy(c, 0, out, a.length + b.length, c.length);
        return out;
    }

    @Test
    void unsupportedOptionsNameClassOptionAndFile(@TempDir Path tmp) throws IOException {
        Path lookup = editConfig(golden("string_lookup_lstm").resolve("model.keras"), tmp.resolve("oov2.keras"),
                s -> s.replace("\"num_oov_indices\": 1", "\"num_oov_indices\": 2"));
        assertThatThrownBy(() -> KerasImport.load(lookup)).hasMessageContaining("oov2.keras").hasMessageContaining("StringLookup")
                .hasMessageContaining("num_oov_indices = 2");
        Path tfidf = editConfig(golden("string_lookup_lstm").resolve("model.keras"), tmp.resolve("tfidf.keras"),
                s -> s.replace("\"output_mode\": \"int\"", "\"output_mode\": \"tf_idf\""));
        assertThatThrownBy(() -> KerasImport.load(tfidf)).hasMessageContaining("tfidf.keras").hasMessageContaining("StringLookup")
                .hasMessageContaining("output_mode");
        Path axis = editConfig(golden("normalization_lstm").resolve("model.keras"), tmp.resolve("axis.keras"),
                s -> s.replace("\"axis\": [-1]", "\"axis\": [1]"));
        assertThatThrownBy(() -> KerasImport.load(axis)).hasMessageContaining("axis.keras").hasMessageContaining("Normalization")
                .hasMessageContaining("'axis'");
    }
}
