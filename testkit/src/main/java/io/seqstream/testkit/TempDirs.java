package io.seqstream.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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

    /**
     * Deletes {@code dir} and everything under it; nothing happens when it does not exist. A path that vanishes while
     * this walks (Flink removes its own folders, the distributed cache and blob stores, as a job ends) is no error:
     * it walks again, up to ten times.
     */
    public static void deleteRecursively(Path dir) {
        for (int attempt = 1; Files.exists(dir); attempt++) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(p);
                }
            } catch (NoSuchFileException e) {
                vanished(dir, attempt, e);
            } catch (UncheckedIOException e) {
                if (!(e.getCause() instanceof NoSuchFileException n)) {
                    throw new UncheckedIOException("cannot delete " + dir, e.getCause());
                }
                vanished(dir, attempt, n);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete " + dir, e);
            }
        }
    }

    private static void vanished(Path dir, int attempt, NoSuchFileException e) {
        if (attempt >= 10) {
            throw new UncheckedIOException("cannot delete " + dir + ": its content kept changing", e);
        }
    }
}
