package io.seqstream.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Temp dirs for tests and tools: created under {@code java.io.tmpdir} (the build points it at target/), deleted whole. */
public final class TempDirs {
    private TempDirs() {
    }

    /** A new empty directory under {@code java.io.tmpdir}, its name starting with {@code prefix}. */
    public static Path create(String prefix) {
        Path base = Path.of(System.getProperty("java.io.tmpdir"));
        try {
            Files.createDirectories(base);
            return Files.createTempDirectory(base, prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp dir under " + base, e);
        }
    }

    /** Deletes {@code dir} and everything under it; nothing happens when it does not exist. */
    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        } catch (UncheckedIOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e.getCause());
        }
    }
}
