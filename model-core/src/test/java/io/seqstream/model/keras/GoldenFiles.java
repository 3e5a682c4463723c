package io.seqstream.model.keras;

import io.seqstream.testkit.SharedData;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Where the shared golden data lives: {@link SharedData} ({@code -Dshared.dir}, set by the build). */
public final class GoldenFiles {
    private GoldenFiles() {
    }

    public static Path sharedDir() {
        return SharedData.dir();
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
