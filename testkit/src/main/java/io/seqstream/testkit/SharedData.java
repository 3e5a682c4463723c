package io.seqstream.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared reference-data folder (golden Keras files, ONNX peers): {@code -Dshared.dir}, which the build sets,
 * else {@code ../shared} next to the project. A missing folder or file fails naming the path it looked for: a test
 * over shared data never passes, or skips, without the data it checks.
 */
public final class SharedData {
    /** The system property naming the folder. */
    public static final String PROPERTY = "shared.dir";

    private SharedData() {
    }

    /** The shared folder itself; fails naming the path when it is not a directory. */
    public static Path dir() {
        String prop = System.getProperty(PROPERTY);
        Path dir = prop != null ? Path.of(prop) : Path.of("..", "shared");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("shared data folder " + dir.toAbsolutePath().normalize() + " does not exist"
                    + (prop == null ? " (set -D" + PROPERTY + " to the shared folder)" : " (-D" + PROPERTY + "=" + prop + ")"));
        }
        return dir;
    }

    /** A file or folder inside the shared folder, e.g. {@code require("golden", "keras3")}; fails naming the path when missing. */
    public static Path require(String first, String... more) {
        Path p = dir().resolve(Path.of(first, more));
        if (!Files.exists(p)) {
            throw new IllegalStateException("shared data " + p.toAbsolutePath().normalize() + " does not exist");
        }
        return p;
    }
}
