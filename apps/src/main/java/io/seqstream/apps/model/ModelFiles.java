package io.seqstream.apps.model;

import io.seqstream.model.Model;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens any model file the CLI takes (see {@link io.seqstream.model.io.ModelFiles}). */
final class ModelFiles {
    private ModelFiles() {
    }

    static Model load(Path file) {
        if (!Files.isRegularFile(file))
            throw new UserException(file + ": no such file");
        return io.seqstream.model.io.ModelFiles.load(file);
    }
}
