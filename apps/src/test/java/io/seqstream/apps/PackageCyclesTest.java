package io.seqstream.apps;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.testkit.PackageCycles;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PackageCyclesTest {
    @Test
    void noPackageCycle() {
        assertThat(PackageCycles.cycles(PackageCycles.graph(Path.of("src/main/java"), "io.seqstream.apps"))).isEmpty();
    }
}
