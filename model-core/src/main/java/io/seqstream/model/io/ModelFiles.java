package io.seqstream.model.io;

import io.seqstream.model.Model;
import io.seqstream.model.keras.KerasImport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipFile;

/**
 * Opens any model file seqstream takes: a seqstream model file, a Keras HDF5 file ({@code .h5}, Keras 1/2/3) or a
 * Keras 3 {@code .keras} zip, told apart by content, not by name. The CLI and the job load models through here.
 */
public final class ModelFiles {
    private ModelFiles() {
    }

    public static Model load(Path file) {
        if (!Files.isRegularFile(file))
            throw new ModelFileException(file + ": no such file");
        return isSeqstreamModel(file) ? ModelFile.load(file) : KerasImport.load(file);
    }

    /** A zip with a {@code model.json} entry; a {@code .keras} zip has {@code config.json} instead. */
    public static boolean isSeqstreamModel(Path file) {
        if (!ModelFile.looksLikeModelFile(file))
            return false;
        try (ZipFile zip = new ZipFile(file.toFile())) {
            return zip.getEntry("model.json") != null;
        } catch (IOException e) {
            return false; // not a readable zip: let the Keras reader say what is wrong with it
        }
    }
}
