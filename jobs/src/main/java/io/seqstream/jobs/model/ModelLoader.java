package io.seqstream.jobs.model;

import io.seqstream.model.Model;
import io.seqstream.model.io.ModelFile;
import io.seqstream.model.keras.KerasImport;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads a model file of either format: a seqstream model file (a zip written by model-core's
 * {@link ModelFile}) or a Keras HDF5 / {@code .keras} file through model-core's {@link KerasImport}.
 */
public final class ModelLoader {
    private ModelLoader() {
    }

    public static Model load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException("model file " + file + " does not exist or is not a file");
        }
        if (ModelFile.looksLikeModelFile(file)) {
            try {
                return ModelFile.load(file);
            } catch (RuntimeException e) {
                throw new ModelLoadException("cannot load seqstream model file " + file + ": " + e.getMessage(), e);
            }
        }
        try {
            return KerasImport.load(file);
        } catch (RuntimeException e) {
            throw new ModelLoadException("cannot import " + file + " as a Keras HDF5 file: " + e.getMessage(), e);
        }
    }
}
