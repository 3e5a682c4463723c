package io.seqstream.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TestkitHelpersTest {
    @Test
    void aTempDirIsCreatedAndDeletedWhole() throws Exception {
        Path dir = TempDirs.create("helpers-");
        assertThat(dir).isDirectory().startsWith(Path.of(System.getProperty("java.io.tmpdir")));
        Files.createDirectories(dir.resolve("a/b"));
        Files.writeString(dir.resolve("a/b/c.txt"), "x");
        TempDirs.deleteRecursively(dir);
        assertThat(dir).doesNotExist();
        TempDirs.deleteRecursively(dir); // gone already: nothing to do
    }

    @Test
    void aMissingSharedFileFailsNamingThePath() {
        String old = System.getProperty(SharedData.PROPERTY);
        Path dir = TempDirs.create("shared-");
        try {
            System.setProperty(SharedData.PROPERTY, dir.toString());
            assertThat(SharedData.dir()).isEqualTo(dir);
            assertThatThrownBy(() -> SharedData.require("golden", "nothing-here"))
                    .hasMessageContaining(dir.resolve("golden/nothing-here").toString());
            System.setProperty(SharedData.PROPERTY, dir.resolve("absent").toString());
            assertThatThrownBy(SharedData::dir).hasMessageContaining(dir.resolve("absent").toString());
        } finally {
            if (old == null)
                System.clearProperty(SharedData.PROPERTY);
            else
                System.setProperty(SharedData.PROPERTY, old);
            TempDirs.deleteRecursively(dir);
        }
    }
}
