package io.seqstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CliArgsTest {
    private static final Set<String> VALUES = Set.of("jar", "parallelism");
    private static final Set<String> SWITCHES = Set.of("wait");

    @Test
    void optionsSwitchesPositionalsAndPassThrough() {
        CliArgs a = CliArgs.parse(new String[]{ "run", "--jar", "a.jar", "--wait", "--parallelism=3", "--", "--config", "x" },
                VALUES, SWITCHES);
        assertThat(a.positionals()).containsExactly("run");
        assertThat(a.value("jar")).hasValue("a.jar");
        assertThat(a.intValue("parallelism", 1)).isEqualTo(3);
        assertThat(a.has("wait")).isTrue();
        assertThat(a.passThrough()).containsExactly("--config", "x");
    }

    @Test
    void lastValueWinsAndRepeatedValuesAreKept() {
        CliArgs a = CliArgs.parse(new String[]{ "--jar", "a", "--jar", "b" }, VALUES, SWITCHES);
        assertThat(a.value("jar")).hasValue("b");
        assertThat(a.values("jar")).isEqualTo(List.of("a", "b"));
    }

    @Test
    void unknownOptionsAndMissingValuesAreErrors() {
        assertThatThrownBy(() -> CliArgs.parse(new String[]{ "--nope" }, VALUES, SWITCHES)).hasMessageContaining("unknown option --nope");
        assertThatThrownBy(() -> CliArgs.parse(new String[]{ "--jar" }, VALUES, SWITCHES)).hasMessageContaining("--jar needs a value");
        CliArgs a = CliArgs.parse(new String[]{ "--parallelism", "two" }, VALUES, SWITCHES);
        assertThatThrownBy(() -> a.intValue("parallelism", 1)).hasMessageContaining("whole number");
        assertThatThrownBy(() -> a.positional(0, "the job id")).hasMessageContaining("missing the job id");
    }
}
