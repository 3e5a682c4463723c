package io.seqstream.apps.model;

import io.seqstream.model.Model;
import io.seqstream.model.io.ModelFile;
import io.seqstream.model.keras.KerasImport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipFile;

/** Opens any model file the CLI takes: a seqstream model file, a Keras HDF5 file or a Keras 3 {@code .keras} zip. */
final class ModelFiles {
    private ModelFiles() {}

    static Model load(Path file) {
        if (!Files.isRegularFile(file)) throw new UserException(file + ": no such file");
        return isSeqstreamModel(file) ? ModelFile.load(file) : KerasImport.load(file);
    }

    /** A zip with a {@code model.json} entry; a {@code .keras} zip has {@code config.json} instead. */
    static boolean isSeqstreamModel(Path file) {
        if (!ModelFile.looksLikeModelFile(file)) return false;
        try (ZipFile zip = new ZipFile(file.toFile())) {
            return zip.getEntry("model.json") != null;
        } catch (IOException e) {
            return false; // not a readable zip: let the Keras reader say what is wrong with it
        }
    }
}
