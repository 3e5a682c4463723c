package io.seqstream.jobs.model;

import io.seqstream.model.Model;
import io.seqstream.model.io.ModelFile;
import io.seqstream.model.io.ModelFiles;
import io.seqstream.model.keras.KerasImport;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads a model file of any format the CLI takes: a seqstream model file (a zip with {@code model.json}, written
 * by model-core's {@link ModelFile}), a Keras HDF5 file (Keras 1/2/3 {@code .h5}) or a Keras 3 {@code .keras} zip,
 * the last two through model-core's {@link KerasImport}.
 */
public final class ModelLoader {
    private ModelLoader() {
    }

    public static Model load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException("model file " + file + " does not exist or is not a file");
        }
        // A .keras file is a zip too: only a zip with model.json is a seqstream model file.
        if (ModelFiles.isSeqstreamModel(file)) {
            try {
                return ModelFile.load(file);
            } catch (RuntimeException e) {
                throw new ModelLoadException("cannot load seqstream model file " + file + ": " + e.getMessage(), e);
            }
        }
        try {
            return KerasImport.load(file);
        } catch (RuntimeException e) {
            throw new ModelLoadException("cannot import " + file + " as a Keras file (.h5 or .keras): " + e.getMessage(), e);
        }
    }
}
