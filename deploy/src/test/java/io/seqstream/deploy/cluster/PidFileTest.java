package io.seqstream.deploy.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PidFileTest {
    @TempDir
    Path dir;
    private Process sleeper;

    @AfterEach
    void killSleeper() {
        if (sleeper != null) {
            sleeper.destroyForcibly();
        }
    }

    @Test
    void stopsTheRecordedProcess() throws Exception {
        sleeper = new ProcessBuilder("sleep", "60").start();
        PidFile f = new PidFile(dir.resolve("sleeper.pid"));
        f.write(sleeper.toHandle());
        assertThat(f.processName()).isEqualTo("sleeper");
        assertThat(f.pid()).hasValue(sleeper.pid());
        assertThat(f.liveProcess()).isPresent();
        assertThat(f.stop(Duration.ofSeconds(5))).isTrue();
        assertThat(sleeper.isAlive()).isFalse();
        assertThat(Files.exists(f.path())).isFalse();
    }

    @Test
    void neverTouchesAProcessThatIsNotTheOneStarted() throws Exception {
        // Same pid, another start time: the OS gave the pid to another process since (as after a reboot).
        sleeper = new ProcessBuilder("sleep", "60").start();
        long started = sleeper.toHandle().info().startInstant().orElseThrow().toEpochMilli();
        Path file = dir.resolve("other.pid");
        Files.writeString(file, sleeper.pid() + " " + (started - Duration.ofHours(1).toMillis()) + "\n");
        PidFile f = new PidFile(file);
        assertThat(f.liveProcess()).isEmpty();
        assertThat(f.stop(Duration.ofSeconds(1))).isFalse();
        assertThat(f.kill()).isFalse();
        assertThat(sleeper.isAlive()).isTrue();
    }

    @Test
    void missingOrGarbledFilesNameNoProcess() throws Exception {
        assertThat(new PidFile(dir.resolve("none.pid")).liveProcess()).isEmpty();
        Path garbled = dir.resolve("garbled.pid");
        Files.writeString(garbled, "not a pid");
        assertThat(new PidFile(garbled).pid()).isEmpty();
        assertThat(new PidFile(garbled).stop(Duration.ofSeconds(1))).isFalse();
        // A pid file without a start time cannot prove the process is ours.
        Path noStart = dir.resolve("nostart.pid");
        Files.writeString(noStart, ProcessHandle.current().pid() + "\n");
        assertThat(new PidFile(noStart).liveProcess()).isEmpty();
    }
}
