package io.seqstream.jobs.model;

import io.seqstream.model.Model;
import io.seqstream.model.io.ModelFile;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads a model file of any format the CLI takes: a seqstream model file (a zip with {@code model.json}, written
 * by model-core's {@link ModelFile}), a Keras HDF5 file (Keras 1/2/3 {@code .h5}) or a Keras 3 {@code .keras} zip,
 * the last two through {@code io.seqstream.model.keras.KerasImport}.
 *
 * <p>The Keras importer is called reflectively: it lives in model-core and may be absent from a build,
 * in which case only seqstream files load and an HDF5 file gets an error that says so.
 */
public final class ModelLoader {
    static final String KERAS_IMPORT_CLASS = "io.seqstream.model.keras.KerasImport";

    private ModelLoader() {
    }

    public static Model load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException("model file " + file + " does not exist or is not a file");
        }
        // A .keras file is a zip too: only a zip with model.json is a seqstream model file.
        if (io.seqstream.model.io.ModelFiles.isSeqstreamModel(file)) {
            try {
                return ModelFile.load(file);
            } catch (RuntimeException e) {
                throw new ModelLoadException("cannot load seqstream model file " + file + ": " + e.getMessage(), e);
            }
        }
        return loadKeras(file);
    }

    private static Model loadKeras(Path file) {
        Method load;
        try {
            load = Class.forName(KERAS_IMPORT_CLASS).getMethod("load", Path.class);
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            throw new ModelLoadException(file + " is not a seqstream model file (zip), and this build has no Keras import ("
                    + KERAS_IMPORT_CLASS + ".load(Path)) to read it as a Keras HDF5 file", e);
        }
        try {
            return (Model) load.invoke(null, file);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new ModelLoadException("cannot import " + file + " as a Keras file (.h5 or .keras): " + cause.getMessage(), cause);
        } catch (IllegalAccessException e) {
            throw new ModelLoadException("cannot call " + KERAS_IMPORT_CLASS + ".load for " + file, e);
        }
    }
}
