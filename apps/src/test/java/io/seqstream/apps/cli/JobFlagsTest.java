package io.seqstream.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seqstream.jobs.config.ConfigKeys;
import io.seqstream.jobs.config.JobConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** Job keys as picocli options: what is accepted, in which order, and the documented precedence. */
class JobFlagsTest {
    @TempDir
    Path dir;

    private static Map<String, String> parse(String... args) {
        CommandSpec spec = CommandSpec.create().name("t");
        JobFlags f = JobFlags.addTo(spec);
        new CommandLine(spec).parseArgs(args);
        return f.values();
    }

    @Test
    void everyJobKeyBothFormsInOrderAndTheLastOfARepeatedKeyWins() {
        Map<String, String> v = parse("--batch.size", "64", "--top-k=3", "--kafka.client.security.protocol", "SSL", "--batch.size", "128");
        assertThat(List.copyOf(v.keySet())).containsExactly("batch.size", "top-k", "kafka.client.security.protocol");
        assertThat(v).containsEntry("batch.size", "128").containsEntry("top-k", "3");
        assertThat(JobConfig.fromFlags(v).kafkaClientProperties()).containsEntry("security.protocol", "SSL");
        ConfigKeys.ALL.forEach(k -> assertThat(parse("--" + k.name(), "x")).containsEntry(k.name(), "x"));
        assertThat(parse()).isEmpty();
    }

    @Test
    void theConfigFileComesBeforeTheFlagsWhereverItIsGiven() throws Exception {
        Path file = dir.resolve("job.properties");
        Files.writeString(file, "batch.size = 3\ntop-k = 2\n");
        JobConfig c = JobConfig.fromFlags(parse("--batch.size", "7", "--config", file.toString()));
        assertThat(c.batchSize()).isEqualTo(7);
        assertThat(c.topK()).isEqualTo(2);
        // Flink configuration first, then the file, then the flags.
        JobConfig f = JobConfig.defaults().withFlinkConfiguration(Map.of("seqstream.top-k", "5", "seqstream.parallelism", "3"))
                .withFlags(parse("--config", file.toString()));
        assertThat(f.topK()).isEqualTo(2);
        assertThat(f.parallelism()).isEqualTo(3);
    }

    @Test
    void unknownKeysAndMissingValuesAreRefusedByTheParser() {
        assertThatThrownBy(() -> parse("--batch.sise", "3")).isInstanceOf(CommandLine.UnmatchedArgumentException.class)
                .hasMessageContaining("'--batch.sise'");
        assertThatThrownBy(() -> parse("--kafka.client.not.a.kafka.property", "3"))
                .hasMessageContaining("--kafka.client.not.a.kafka.property");
        assertThatThrownBy(() -> parse("--batch.size")).isInstanceOf(CommandLine.MissingParameterException.class)
                .hasMessageContaining("--batch.size");
        // Values are checked by JobConfig, naming the flag.
        assertThatThrownBy(() -> JobConfig.fromFlags(parse("--batch.size", "0"))).hasMessageContaining("'batch.size' (flag --batch.size)");
    }
}
