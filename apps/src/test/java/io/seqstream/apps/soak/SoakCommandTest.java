package io.seqstream.apps.soak;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.apps.cli.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A short soak through the command line: the pipeline with retraining and swaps, every event predicted once. */
class SoakCommandTest {
    @Test
    void aShortSoakPredictsEveryEventOnceThroughSwaps(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("soak.md");
        int code = Cli.commandLine(new SoakCommand()).execute("--minutes", "0.4", "--warmup", "0.1", "--keys", "200", "--burst", "2000",
                "--units", "8",
                "--sample-every", "3", "--swap-every", "8", "--out", report.toString());
        String text = Files.readString(report);
        // Flatness over 24 s of a shared test machine is noise: the verdict is printed, the exit code may say 1 for it alone.
        assertThat(code).isIn(Cli.OK, Cli.FAILED);
        assertThat(text).containsPattern("soak: (\\d+) events sent, \\1 predictions read_committed, 0 lost, 0 duplicated or out of order")
                .contains("per-key steps all equal to the events sent").contains("job status RUNNING, never restarted")
                .containsPattern("[2-9] published model versions").contains("| heap after GC (MiB) |");
        assertThat(text.lines().filter(l -> l.matches("\\| \\d+\\.\\d\\d \\|.*")).count()).as("readings").isGreaterThanOrEqualTo(8);
        // The recorded readings judged again: the same verdict as the run's
        int judged = Cli.commandLine(new SoakCommand()).execute("--judge", report.toString());
        assertThat(judged).isEqualTo(text.contains("GREW") ? Cli.FAILED : Cli.OK);
    }

    @Test
    void judgingAFileWithoutReadingsIsAUserError(@TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("x.md"), "no table here\n");
        assertThat(Cli.commandLine(new SoakCommand()).execute("--judge", empty.toString())).isEqualTo(Cli.USER_ERROR);
    }

    @Test
    void badOptionsAreOneLineAndExitCode2() {
        assertThat(Cli.commandLine(new SoakCommand()).execute("--load", "1.5")).isEqualTo(Cli.USER_ERROR);
        assertThat(Cli.commandLine(new SoakCommand()).execute("--keys", "100", "--burst", "10")).isEqualTo(Cli.USER_ERROR);
        assertThat(Cli.commandLine(new SoakCommand()).execute("--warmup", "-1")).isEqualTo(Cli.USER_ERROR);
    }
}
