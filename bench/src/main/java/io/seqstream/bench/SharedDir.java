package io.seqstream.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the shared folder holding {@code peers/onnx}: {@code -Dshared.dir}, else walking up from the current dir. */
public final class SharedDir {
    private SharedDir() {
    }

    public static Path resolve() {
        String prop = System.getProperty("shared.dir");
        if (prop != null && !prop.isBlank()) {
            Path p = Path.of(prop).toAbsolutePath().normalize();
            if (!Files.isDirectory(p.resolve("peers/onnx"))) {
                throw new IllegalStateException("-Dshared.dir=" + prop + " has no peers/onnx folder");
            }
            return p;
        }
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            for (Path c : new Path[]{ d.resolve("shared"), d.resolveSibling("shared") }) {
                if (c != null && Files.isDirectory(c.resolve("peers/onnx")))
                    return c.normalize();
            }
        }
        throw new IllegalStateException("no shared/peers/onnx found above " + dir + "; pass -Dshared.dir=/path/to/shared");
    }

    /** {@code <shared>/peers/onnx/H<units>}. */
    public static Path peer(int units) {
        Path p = resolve().resolve("peers/onnx/H" + units);
        if (!Files.isDirectory(p))
            throw new IllegalStateException("no ONNX peer for H=" + units + ": " + p + " is missing");
        return p;
    }
}
