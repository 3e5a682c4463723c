package io.seqstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.testkit.PackageCycles;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The job's packages depend on one another without cycles; the event type has its own package. */
class PackageCyclesTest {
    @Test
    void noPackageCycle() {
        Map<String, Set<String>> g = PackageCycles.graph(Path.of("src/main/java"), "io.seqstream.jobs");
        assertThat(g).as("packages found").containsKeys("io.seqstream.jobs.operator", "io.seqstream.jobs.retrain",
                "io.seqstream.jobs.event");
        assertThat(PackageCycles.cycles(g)).as("package cycles").isEmpty();
    }

    @Test
    void theEventTypesDependOnNoOtherPackageOfTheJob() {
        Map<String, Set<String>> g = PackageCycles.graph(Path.of("src/main/java"), "io.seqstream.jobs");
        assertThat(g.get("io.seqstream.jobs.event")).isEmpty();
        assertThat(g.get("io.seqstream.jobs.source")).doesNotContain("io.seqstream.jobs.operator");
        assertThat(g.get("io.seqstream.jobs.validate")).doesNotContain("io.seqstream.jobs.operator", "io.seqstream.jobs.source");
        assertThat(g.get("io.seqstream.jobs.retrain")).doesNotContain("io.seqstream.jobs.operator", "io.seqstream.jobs.sink",
                "io.seqstream.jobs.report");
        assertThat(g.get("io.seqstream.jobs.report")).doesNotContain("io.seqstream.jobs.operator");
    }
}
