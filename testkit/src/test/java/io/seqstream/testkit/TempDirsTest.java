package io.seqstream.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deleting a temp dir whole, also while something else removes parts of it. */
class TempDirsTest {
    @TempDir
    Path tmp;

    @Test
    void removesTheWholeTree() throws Exception {
        Path dir = tmp.resolve("work");
        Files.createDirectories(dir.resolve("a/b/c"));
        Files.writeString(dir.resolve("a/b/c/f.txt"), "x");
        Files.writeString(dir.resolve("a/g.txt"), "y");
        TempDirs.deleteRecursively(dir);
        assertThat(dir).doesNotExist();
        assertThat(tmp).exists();
    }

    @Test
    void aFolderThatIsAlreadyGoneIsNoError() {
        TempDirs.deleteRecursively(tmp.resolve("never-there"));
        assertThat(tmp.resolve("never-there")).doesNotExist();
    }

    @Test
    void filesVanishingWhileItWalksAreNoError() throws Exception {
        // another thread removes parts of the tree while it is deleted, as Flink does with its own folders
        Path dir = tmp.resolve("work");
        for (int i = 0; i < 200; i++) {
            Files.createDirectories(dir.resolve("d" + i + "/e"));
            Files.writeString(dir.resolve("d" + i + "/e/f"), "z");
        }
        Thread other = new Thread(() -> {
            for (int i = 199; i >= 0; i--) {
                try {
                    Files.deleteIfExists(dir.resolve("d" + i + "/e/f"));
                    Files.deleteIfExists(dir.resolve("d" + i + "/e"));
                } catch (Exception e) {
                    // the walk removed it first
                }
            }
        });
        other.start();
        TempDirs.deleteRecursively(dir);
        other.join();
        assertThat(dir).doesNotExist();
    }
}
