package io.seqstream.jobs.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.testing.TestModels;
import io.seqstream.model.Model;
import io.seqstream.model.Provenance;
import io.seqstream.model.Tensor;
import io.seqstream.model.io.ModelFile;
import io.seqstream.model.io.Npy;
import io.seqstream.testkit.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model files of both formats load into a backend the job can step; bad files fail with the file's name. */
class ModelLoaderTest {
    @TempDir
    Path dir;

    @Test
    void aSeqstreamModelFileLoadsWithItsVersion() throws Exception {
        Model m = TestModels.tokenModel(12, 4, 6, 9);
        m.setProvenance(Provenance.of("test", Map.of()).withProperty("version", "42"));
        Path file = dir.resolve("m.seqstream");
        ModelFile.save(m, file);
        StepModelBackend b = StepModelBackend.fromConfig(JobConfig.fromArgs("--model.path", file.toString()));
        assertThat(b.version()).isEqualTo(42);
        assertThat(b.inputSpec()).isEqualTo(InputSpec.tokens(12));
        assertThat(b.stateSize()).isEqualTo(12);
        assertThat(b.outputSize()).isEqualTo(12);
        assertThat(StepModelBackend.fromConfig(JobConfig.fromArgs("--model.path", file.toString(), "--model.version", "7")).version())
                .as("model.version wins over the file").isEqualTo(7);
    }

    @Test
    void aKerasHdf5FileLoadsAndStepsLikeKeras() throws Exception {
        // fails naming the path when the shared data is missing
        Path golden = SharedData.require("golden", "keras3", "embedding_lstm_softmax", "model.h5").getParent();
        StepModelBackend b = StepModelBackend.of(ModelLoader.load(golden.resolve("model.h5")), 1);
        Npy inputs = Npy.read(golden.resolve("inputs.npy")); // int32 [keys, steps]
        long[] ids = inputs.longs();
        Tensor expected = Npy.readTensor(golden.resolve("expected.npy"));
        int keys = inputs.shape()[0], steps = inputs.shape()[1], classes = expected.dim(1);
        BatchStepper stepper = b.open(keys);
        float[][] states = new float[keys][b.stateSize()];
        float[][] out = new float[keys][classes];
        int[] tokens = new int[keys];
        for (int t = 0; t < steps; t++) { // all keys in one batch per step; Keras predicted the whole sequence at once
            for (int k = 0; k < keys; k++) {
                tokens[k] = (int) ids[k * steps + t];
            }
            stepper.stepTokens(states, tokens, keys, out);
        }
        for (int k = 0; k < keys; k++) {
            for (int c = 0; c < classes; c++) {
                assertThat((double) out[k][c]).as("key %d class %d", k, c).isCloseTo(expected.get(k, c), within(1e-5));
            }
        }
    }

    /** model.path takes what the CLI takes: a Keras 3 .keras zip (not mistaken for a seqstream zip) and a Keras .h5. */
    @Test
    void kerasAndH5FilesLoadThroughModelPath() throws Exception {
        Path golden = Path.of(System.getProperty("shared.dir", "../../shared"), "golden", "keras3-seq", "gru_reset_after");
        assertThat(golden).as("golden case (-Dshared.dir) " + golden).isDirectory();
        long[] ids = Npy.read(golden.resolve("inputs.npy")).longs();
        Tensor expected = Npy.readTensor(golden.resolve("expected.npy"));
        int keys = expected.dim(0), classes = expected.dim(1), steps = ids.length / keys;
        for (String f : new String[]{ "model.keras", "model.h5" }) {
            StepModelBackend b = StepModelBackend.fromConfig(JobConfig.fromArgs("--model.path", golden.resolve(f).toString()));
            assertThat(b.inputSpec()).isEqualTo(InputSpec.tokens(25));
            BatchStepper stepper = b.open(keys);
            float[][] states = new float[keys][b.stateSize()];
            float[][] out = new float[keys][classes];
            for (int t = 0; t < steps; t++) {
                int[] tokens = new int[keys];
                for (int k = 0; k < keys; k++)
                    tokens[k] = (int) ids[k * steps + t];
                stepper.stepTokens(states, tokens, keys, out);
            }
            for (int k = 0; k < keys; k++) {
                for (int c = 0; c < classes; c++) {
                    assertThat((double) out[k][c]).as("%s key %d class %d", f, k, c).isCloseTo(expected.get(k, c), within(1e-5));
                }
            }
        }
    }

    /** Keras' two-input golden model (token + features per step) steps per key like Keras' predict, from .keras and .h5. */
    @Test
    void aKerasModelWithATokenAndAFeatureInputPerStepMatchesKeras() throws Exception {
        Path golden = Path.of(System.getProperty("shared.dir", "../../shared"), "golden", "keras3-seq", "per_step_token_and_features");
        assertThat(golden).as("golden case (-Dshared.dir) " + golden).isDirectory();
        long[] ids = Npy.read(golden.resolve("inputs_0.npy")).longs();
        Tensor feats = Npy.readTensor(golden.resolve("inputs_1.npy"));
        Tensor expected = Npy.readTensor(golden.resolve("expected.npy"));
        int keys = expected.dim(0), classes = expected.dim(1), steps = ids.length / keys, f = feats.dim(2);
        for (String file : new String[]{ "model.keras", "model.h5" }) {
            StepModelBackend b = StepModelBackend.fromConfig(JobConfig.fromArgs("--model.path", golden.resolve(file).toString()));
            assertThat(b.inputSpecs()).containsExactly(InputSpec.tokens(25), InputSpec.features(f));
            assertThat(b.inputNames()).containsExactly("event_type", "numeric");
            assertThatThrownBy(b::inputSpec).isInstanceOf(ModelLoadException.class).hasMessageContaining("takes 2 inputs per event")
                    .hasMessageContaining("event_type (token ids in [0, 25))")
                    .hasMessageContaining("numeric (feature vectors of length 3)");
            BatchStepper stepper = b.open(keys);
            float[][] states = new float[keys][b.stateSize()];
            float[][] out = new float[keys][classes];
            for (int t = 0; t < steps; t++) {
                int[][] tokens = new int[keys][];
                float[][] numbers = new float[keys][f];
                for (int k = 0; k < keys; k++) {
                    tokens[k] = new int[]{ (int) ids[k * steps + t] };
                    System.arraycopy(feats.data(), (k * steps + t) * f, numbers[k], 0, f);
                }
                stepper.stepInputs(states, tokens, numbers, keys, out);
            }
            for (int k = 0; k < keys; k++) {
                for (int c = 0; c < classes; c++) {
                    assertThat((double) out[k][c]).as("%s key %d class %d", file, k, c).isCloseTo(expected.get(k, c), within(1e-5));
                }
            }
        }
    }

    @Test
    void badFilesAreRefusedWithTheirName() throws Exception {
        Path missing = dir.resolve("missing.h5");
        assertThatThrownBy(() -> ModelLoader.load(missing)).isInstanceOf(ModelLoadException.class).hasMessageContaining("missing.h5");
        Path junk = dir.resolve("junk.h5");
        Files.writeString(junk, "not a model");
        assertThatThrownBy(() -> ModelLoader.load(junk)).isInstanceOf(ModelLoadException.class).hasMessageContaining("junk.h5");
        Path badZip = dir.resolve("bad.seqstream");
        Files.write(badZip, new byte[]{ 'P', 'K', 3, 4, 0, 0 });
        assertThatThrownBy(() -> ModelLoader.load(badZip)).isInstanceOf(ModelLoadException.class).hasMessageContaining("bad.seqstream");
    }

    @Test
    void aModelWithoutRecurrentStateIsRefusedWhenTheJobIsBuilt() {
        io.seqstream.model.Sequential dense = new io.seqstream.model.Sequential("dense");
        dense.add(io.seqstream.model.layers.Dense.builder(3).inputShape(-1, 4).build());
        assertThatThrownBy(() -> StepModelBackend.of(dense, 1)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("cannot run per key").hasMessageContaining("no recurrent layer");
    }
}
