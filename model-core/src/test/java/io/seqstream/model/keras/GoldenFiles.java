package io.seqstream.model.keras;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Where the shared golden data lives: {@code -Dshared.dir} (set by the build), else ../shared. */
public final class GoldenFiles {
    private GoldenFiles() {}

    public static Path sharedDir() {
        String dir = System.getProperty("shared.dir", "../shared");
        Path p = Paths.get(dir);
        if (!p.isAbsolute() && !Files.isDirectory(p)) p = Paths.get("..").resolve(dir); // run from the module dir
        return p.toAbsolutePath().normalize();
    }

    public static Path kerasH5() {
        return sharedDir().resolve("golden/keras-h5");
    }

    /** {@code -Dkeras3.dir}, default the shared Keras 3 set. */
    public static Path keras3() {
        String dir = System.getProperty("keras3.dir");
        return dir != null ? Paths.get(dir).toAbsolutePath().normalize() : sharedDir().resolve("golden/keras3");
    }
}
