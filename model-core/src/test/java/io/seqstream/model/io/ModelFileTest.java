package io.seqstream.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seqstream.model.Input;
import io.seqstream.model.KerasTensor;
import io.seqstream.model.Model;
import io.seqstream.model.Provenance;
import io.seqstream.model.Sequential;
import io.seqstream.model.Tensor;
import io.seqstream.model.layers.Concatenate;
import io.seqstream.model.layers.Dense;
import io.seqstream.model.layers.Embedding;
import io.seqstream.model.layers.LSTM;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {
    static final int[][] TOKENS = { { 1, 2, 3, 4, 5 }, { 9, 8, 7, 6, 5 } };

    static Sequential model() {
        Sequential m = new Sequential("saved");
        m.add(Embedding.builder(12, 6).seed(1).build());
        m.add(LSTM.builder(8).returnSequences(true).seed(2).build());
        m.add(Dense.builder(4).activation("softmax").seed(3).build());
        m.build(-1);
        m.setProvenance(
                new Provenance("unit test data", Instant.parse("2026-11-28T00:00:00Z"), Map.of("loss", 0.5), Map.of("version", "7")));
        return m;
    }

    @Test
    void roundTripKeepsPredictionsAndProvenance(@TempDir Path tmp) {
        Sequential m = model();
        Path f = tmp.resolve("m.zip");
        ModelFile.save(m, f);
        Model back = ModelFile.load(f);
        assertThat(back.predict(Tensor.ofTokens(TOKENS)).data()).containsExactly(m.predict(Tensor.ofTokens(TOKENS)).data());
        assertThat(back.provenance()).isEqualTo(m.provenance());
        assertThat(back.summary()).isEqualTo(m.summary());
    }

    @Test
    void functionalRoundTrip(@TempDir Path tmp) {
        KerasTensor a = Input.of(4), b = Input.of(4);
        Dense shared = Dense.builder(3).activation("tanh").seed(1).build();
        Model m = new Model("two", List.of(a, b), List.of(Concatenate.create(-1).apply(shared.apply(a), shared.apply(b))));
        Path f = tmp.resolve("f.zip");
        ModelFile.save(m, f);
        Model back = ModelFile.load(f);
        List<Tensor> x = List.of(Tensor.wrap(new float[]{ 1, 2, 3, 4 }, 1, 4), Tensor.wrap(new float[]{ -1, 0, 2, 1 }, 1, 4));
        assertThat(back.predict(x).get(0).data()).containsExactly(m.predict(x).get(0).data());
        assertThat(back.trainableWeights()).hasSize(2); // still one shared Dense
    }

    /** A fresh JVM loads the file and prints the same predictions, bit for bit. */
    @Test
    void freshJvmGivesIdenticalPredictions(@TempDir Path tmp) throws Exception {
        Sequential m = model();
        Path f = tmp.resolve("m.zip");
        ModelFile.save(m, f);
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), PrintPredictions.class.getName(), f.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        String expected = PrintPredictions.format(m.predict(Tensor.ofTokens(TOKENS)));
        assertThat(out.lines().filter(l -> l.startsWith("P ")).findFirst()).contains(expected);
    }

    @Test
    void corruptAndForeignFilesFailClearly(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("m.zip");
        ModelFile.save(model(), f);
        byte[] bytes = Files.readAllBytes(f);

        Path truncated = tmp.resolve("truncated.zip");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> ModelFile.load(truncated)).isInstanceOf(ModelFileException.class).hasMessageContaining("truncated.zip");

        Path garbage = tmp.resolve("garbage.bin");
        Files.write(garbage, "not a model at all".getBytes());
        assertThatThrownBy(() -> ModelFile.load(garbage)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("garbage.bin").hasMessageContaining("not a seqstream model file");

        Path flipped = tmp.resolve("flipped.zip");
        Files.write(flipped, rewrite(bytes, (name, data) -> {
            if (name.equals("weights.bin"))
                data[data.length / 2] ^= 0x40;
            return data;
        }));
        assertThatThrownBy(() -> ModelFile.load(flipped)).isInstanceOf(ModelFileException.class).hasMessageContaining("checksum");
    }

    @Test
    void newerFormatIsRefusedWithUpgradeHint(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("m.zip");
        ModelFile.save(model(), f);
        Path newer = tmp.resolve("newer.zip");
        Files.write(newer, rewrite(Files.readAllBytes(f), (name, data) -> {
            if (!name.equals("model.json"))
                return data;
            try {
                ObjectNode root = (ObjectNode) new ObjectMapper().readTree(data);
                root.put("format_version", ModelFile.CURRENT_FORMAT + 1);
                return new ObjectMapper().writeValueAsBytes(root);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }));
        assertThatThrownBy(() -> ModelFile.load(newer)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("format " + (ModelFile.CURRENT_FORMAT + 1)).hasMessageContaining("newer seqstream");
    }

    /**
     * A file written by format version 1 is kept under test resources with the predictions it gave then;
     * it must stay loadable and give the same numbers as the code changes.
     */
    @Test
    void storedVersion1FileStaysReadable() throws IOException {
        Model m;
        try (InputStream in = getClass().getResourceAsStream("/model-files/v1-embedding-lstm.zip")) {
            assertThat(in).as("stored model file").isNotNull();
            m = ModelFile.read(in, "v1-embedding-lstm.zip");
        }
        float[] expected;
        try (InputStream in = getClass().getResourceAsStream("/model-files/v1-embedding-lstm.expected.txt")) {
            String[] parts = new String(in.readAllBytes()).trim().split(",");
            expected = new float[parts.length];
            for (int i = 0; i < parts.length; i++)
                expected[i] = Float.parseFloat(parts[i]);
        }
        float[] actual = m.predict(Tensor.ofTokens(TOKENS)).data();
        assertThat(actual).hasSize(expected.length);
        for (int i = 0; i < actual.length; i++)
            assertThat(actual[i]).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(m.provenance().description()).isEqualTo("unit test data");
    }

    interface Edit {
        byte[] apply(String name, byte[] data);
    }

    static byte[] rewrite(byte[] zip, Edit edit) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ZipInputStream in = new ZipInputStream(new java.io.ByteArrayInputStream(zip));
                ZipOutputStream out = new ZipOutputStream(bos)) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                byte[] data = edit.apply(e.getName(), in.readAllBytes());
                out.putNextEntry(new ZipEntry(e.getName()));
                out.write(data);
                out.closeEntry();
            }
        }
        return bos.toByteArray();
    }

    /** Writes the stored v1 resources; run by hand only when a new format version is released. */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Sequential m = model();
        ModelFile.save(m, dir.resolve("v1-embedding-lstm.zip"));
        Files.writeString(dir.resolve("v1-embedding-lstm.expected.txt"), PrintPredictions.csv(m.predict(Tensor.ofTokens(TOKENS))));
    }
}
