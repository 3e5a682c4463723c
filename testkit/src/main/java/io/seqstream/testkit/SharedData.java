package io.seqstream.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared reference-data folder (golden Keras files, ONNX peers): {@code -Dshared.dir}, which the build sets,
 * else the first {@code shared} folder found beside the current directory or one of its parents. A missing folder
 * or file fails naming the path it looked for: a test over shared data never passes, or skips, without the data
 * it checks.
 */
public final class SharedData {
    /** The system property naming the folder. */
    public static final String PROPERTY = "shared.dir";

    private SharedData() {
    }

    /** The shared folder itself; fails naming the path(s) looked at when it is not there. */
    public static Path dir() {
        String prop = System.getProperty(PROPERTY);
        if (prop != null) {
            Path dir = Path.of(prop).toAbsolutePath().normalize();
            if (!Files.isDirectory(dir)) {
                throw new IllegalStateException("shared data folder " + dir + " does not exist (-D" + PROPERTY + "=" + prop + ")");
            }
            return dir;
        }
        Path cwd = Path.of("").toAbsolutePath();
        for (Path d = cwd; d != null; d = d.getParent()) {
            Path c = d.resolve("shared");
            if (Files.isDirectory(c)) {
                return c.normalize();
            }
        }
        throw new IllegalStateException("no shared data folder: no 'shared' folder in " + cwd + " or above it (set -D" + PROPERTY
                + " to the shared folder)");
    }

    /** A file or folder inside the shared folder, e.g. {@code require("golden", "keras3")}; fails naming the path when missing. */
    public static Path require(String first, String... more) {
        Path p = dir().resolve(Path.of(first, more)).normalize();
        if (!Files.exists(p)) {
            throw new IllegalStateException("shared data " + p + " does not exist");
        }
        return p;
    }
}
