package io.seqstream.jobs.model;

import io.seqstream.jobs.io.FlinkFiles;
import io.seqstream.model.Model;
import io.seqstream.model.io.ModelFile;
import io.seqstream.model.io.ModelFiles;
import io.seqstream.model.keras.KerasImport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads a model file of any format the CLI takes: a seqstream model file (a zip with {@code model.json}, written
 * by model-core's {@link ModelFile}), a Keras HDF5 file (Keras 1/2/3 {@code .h5}) or a Keras 3 {@code .keras} zip,
 * the last two through model-core's {@link KerasImport}. {@link #load(String)} takes a path or a Flink file system
 * URI ({@code file://}, {@code s3://}, ...) and reads it through {@link FlinkFiles}.
 */
public final class ModelLoader {
    private ModelLoader() {
    }

    /** The model at {@code location}: a path or a Flink file system URI, read through Flink's FileSystem. */
    public static Model load(String location) {
        byte[] bytes;
        try {
            bytes = FlinkFiles.read(location);
        } catch (java.io.FileNotFoundException e) {
            throw new ModelLoadException("model file " + location + " does not exist", e);
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException("cannot read model file " + location + ": " + e.getMessage(), e);
        }
        // The importers read by path (HDF5 needs random access): a local copy with the same file name suffix.
        String name = location.substring(location.lastIndexOf('/') + 1);
        String suffix = name.lastIndexOf('.') > 0 ? name.substring(name.lastIndexOf('.')) : ".model";
        Path tmp = null;
        try {
            tmp = Files.createTempFile("seqstream-model-", suffix);
            Files.write(tmp, bytes);
            return load(tmp);
        } catch (ModelLoadException e) {
            throw new ModelLoadException(e.getMessage().replace(tmp.toString(), location), e.getCause());
        } catch (IOException e) {
            throw new ModelLoadException("cannot copy " + location + " to a local file: " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    // a temp file left behind
                }
            }
        }
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
