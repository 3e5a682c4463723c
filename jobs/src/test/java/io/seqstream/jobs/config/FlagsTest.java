package io.seqstream.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The job jar's argument parser ({@code PredictionJobMain} on a cluster). */
class FlagsTest {
    @Test
    void bothFormsInOrderAndTheLastOfARepeatedFlagWins() {
        var f = Flags.parse("--batch.size", "64", "--config=job.properties", "--top-k", "3", "--batch.size=128", "--model.path", "a=b");
        assertThat(List.copyOf(f.keySet())).containsExactly("batch.size", "config", "top-k", "model.path");
        assertThat(f).containsEntry("batch.size", "128").containsEntry("config", "job.properties").containsEntry("top-k", "3")
                .containsEntry("model.path", "a=b");
        assertThat(Flags.parse()).isEmpty();
        assertThat(Flags.parse("--x=")).containsEntry("x", "");
    }

    @Test
    void aMissingValueAndAStrayArgumentAreErrorsNamingThem() {
        assertThatThrownBy(() -> Flags.parse("--batch.size")).isInstanceOf(ConfigException.class)
                .hasMessage("option --batch.size needs a value");
        assertThatThrownBy(() -> Flags.parse("--batch.size", "--top-k", "1")).hasMessage("option --batch.size needs a value");
        assertThatThrownBy(() -> Flags.parse("stray")).hasMessageContaining("unexpected argument 'stray'");
        assertThatThrownBy(() -> Flags.parse("--")).hasMessageContaining("unexpected argument '--'");
        assertThatThrownBy(() -> Flags.parse("-x", "1")).hasMessageContaining("unexpected argument '-x'");
    }
}
