package io.seqstream.apps.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.model.Model;
import io.seqstream.model.Tensor;
import io.seqstream.model.io.ModelFile;
import io.seqstream.model.keras.GoldenFiles;
import io.seqstream.model.keras.KerasImport;
import io.seqstream.model.keras.NpyTensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code model export} and {@code model predict} with {@code .npy} inputs, run in-process. */
class ExportAndNpyCliTest {
    @TempDir
    Path tmp;

    static Path case3seq(String c) {
        Path d = GoldenFiles.sharedDir().resolve("golden/keras3-seq").resolve(c);
        assertThat(d).as("golden case " + d).isDirectory();
        return d;
    }

    @Test
    void predictTakesOneNpyPerInput() throws Exception {
        Path c = case3seq("per_step_token_and_features");
        ModelCliTest.Run r = ModelCliTest.run("predict", c.resolve("model.keras").toString(), "--input",
                c.resolve("inputs_0.npy").toString(),
                "--input", c.resolve("inputs_1.npy").toString());
        r.assertOk();
        Tensor expected = NpyTensors.read(c.resolve("expected.npy"));
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(expected.dim(0));
        for (int i = 0; i < lines.size(); i++) {
            String[] v = lines.get(i).split(",");
            for (int j = 0; j < v.length; j++)
                assertThat(Float.parseFloat(v[j])).isCloseTo(expected.data()[i * v.length + j], org.assertj.core.data.Offset.offset(1e-5f));
        }
        ModelCliTest.run("predict", c.resolve("model.keras").toString(), "--input", c.resolve("inputs_0.npy").toString())
                .assertUserError("2 input(s)", "one .npy file per input, got 1");
        ModelCliTest.run("predict", c.resolve("model.keras").toString(), "--input", c.resolve("inputs_1.npy").toString(),
                "--input", c.resolve("inputs_0.npy").toString()).assertUserError("inputs_1.npy", "does not fit input 'event_type'");
    }

    @Test
    void exportWritesKerasFilesThatImportBack() throws Exception {
        Path c = case3seq("stacked_gru_lstm");
        Path saved = tmp.resolve("model.zip");
        ModelCliTest.run("import", c.resolve("model.h5").toString(), "-o", saved.toString()).assertOk();
        for (String out : new String[]{ "back.keras", "back.h5" }) {
            ModelCliTest.Run r = ModelCliTest.run("export", saved.toString(), "-o", tmp.resolve(out).toString());
            r.assertOk();
            assertThat(r.out()).contains("exported").contains(out);
            Model orig = ModelFile.load(saved), back = KerasImport.load(tmp.resolve(out));
            Tensor x = NpyTensors.read(c.resolve("inputs.npy"));
            assertThat(back.predict(x).data()).containsExactly(orig.predict(x).data());
        }
        ModelCliTest.run("export", saved.toString(), "-o", tmp.resolve("x.onnx").toString()).assertUserError("x.onnx", ".keras or .h5");
        assertThat(Files.exists(tmp.resolve("x.onnx"))).isFalse();
    }
}
