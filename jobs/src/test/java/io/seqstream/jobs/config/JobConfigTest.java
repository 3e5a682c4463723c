package io.seqstream.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaultsAreValidAndTyped() {
        JobConfig c = JobConfig.defaults();
        assertThat(c.batchSize()).isEqualTo(256);
        assertThat(c.batchTimeoutMs()).isEqualTo(5);
        assertThat(c.stateTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(c.delivery()).isEqualTo(DeliveryMode.EXACTLY_ONCE);
        assertThat(c.get(ConfigKeys.STATE_BACKEND)).isEqualTo(StateBackendKind.HASHMAP);
        assertThat(c.find(ConfigKeys.MODEL_PATH)).isEmpty();
        assertThatThrownBy(() -> c.get(ConfigKeys.MODEL_PATH)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'model.path' is required").hasMessageContaining("--model.path");
    }

    @Test
    void aFileIsReadAndFlagsOverrideIt() throws IOException {
        Path file = dir.resolve("job.properties");
        Files.writeString(file, """
                # a comment
                kafka.bootstrap = broker:9092
                batch.size = 64
                state.ttl = 30m
                delivery = at-least-once
                kafka.client.security.protocol = SSL
                """);
        JobConfig c = JobConfig.fromArgs("--batch.size", "128", "--config", file.toString(), "--state.backend=rocksdb");
        assertThat(c.bootstrap()).isEqualTo("broker:9092");
        assertThat(c.batchSize()).as("the flag wins over the file, wherever --config stands").isEqualTo(128);
        assertThat(c.stateTtl()).isEqualTo(Duration.ofMinutes(30));
        assertThat(c.delivery()).isEqualTo(DeliveryMode.AT_LEAST_ONCE);
        assertThat(c.get(ConfigKeys.STATE_BACKEND)).isEqualTo(StateBackendKind.ROCKSDB);
        assertThat(c.kafkaClientProperties()).containsEntry("security.protocol", "SSL");
        assertThat(c.describe()).contains("batch.size=128").contains("kafka.client.security.protocol=***").doesNotContain("SSL");
    }

    /** One precedence: defaults, then seqstream.* of the Flink configuration, then the file, then the flags. */
    @Test
    void flinkConfigurationEntriesThenTheFileThenFlags() throws IOException {
        Path file = dir.resolve("job.properties");
        Files.writeString(file, "batch.size = 64\ntop-k = 3\n");
        java.util.Map<String, String> flink = java.util.Map.of(
                "seqstream.batch.size", "32", "seqstream.top-k", "2", "seqstream.state.ttl", "5m",
                "seqstream.kafka.client.security.protocol", "SSL",
                "taskmanager.numberOfTaskSlots", "2", "parallelism.default", "4"); // Flink's own: ignored
        JobConfig c = JobConfig.fromFlinkAndArgs(flink, "--config", file.toString(), "--top-k", "1");
        assertThat(c.stateTtl()).as("only in the Flink configuration").isEqualTo(Duration.ofMinutes(5));
        assertThat(c.batchSize()).as("the file wins over the Flink configuration").isEqualTo(64);
        assertThat(c.get(ConfigKeys.TOP_K)).as("the flag wins over both").isEqualTo(1);
        assertThat(c.kafkaClientProperties()).containsEntry("security.protocol", "SSL");
        assertThat(c.isSet(ConfigKeys.PARALLELISM)).as("parallelism.default is Flink's, not the job's").isFalse();
        assertThat(JobConfig.fromFlinkAndArgs(flink).batchSize()).isEqualTo(32);
        assertThatThrownBy(() -> JobConfig.fromFlinkAndArgs(java.util.Map.of("seqstream.batch.sise", "3")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'batch.sise'")
                .hasMessageContaining("Flink configuration seqstream.batch.sise");
        assertThatThrownBy(() -> JobConfig.fromFlinkAndArgs(java.util.Map.of("seqstream.batch.size", "0")))
                .hasMessageContaining("Flink configuration seqstream.batch.size");
    }

    @Test
    void unknownKeysAndBadValuesNameTheKeyAndWhereItCameFrom() throws IOException {
        assertThatThrownBy(() -> JobConfig.fromArgs("--batch.sise", "3")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown config key 'batch.sise'").hasMessageContaining("flag --batch.sise")
                .hasMessageContaining("batch.size");
        assertThatThrownBy(() -> JobConfig.fromArgs("--batch.size", "0")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'batch.size'").hasMessageContaining("between 1 and 65536");
        assertThatThrownBy(() -> JobConfig.fromArgs("--delivery", "maybe")).hasMessageContaining("[exactly-once, at-least-once]");
        assertThatThrownBy(() -> JobConfig.fromArgs("--state.ttl", "10 minutes")).hasMessageContaining("'state.ttl'")
                .hasMessageContaining("not a duration");
        assertThatThrownBy(() -> JobConfig.fromArgs("--swap.state-policy", "maybe")).hasMessageContaining("[keep, reset, rewarm]");
        assertThatThrownBy(() -> JobConfig.fromArgs("--retrain.holdout", "1")).hasMessageContaining("'retrain.holdout'")
                .hasMessageContaining("strictly between 0.0 and 1.0");
        assertThatThrownBy(() -> JobConfig.fromArgs("--retrain.learning-rate", "NaN")).hasMessageContaining("'retrain.learning-rate'");
        assertThat(JobConfig.fromArgs("--retrain.enabled", "true").get(ConfigKeys.RETRAIN_ENABLED)).isTrue();
        assertThatThrownBy(() -> JobConfig.fromArgs("--batch.size")).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> JobConfig.fromArgs("stray")).hasMessageContaining("unexpected argument 'stray'");
        Path file = dir.resolve("bad.properties");
        Files.writeString(file, "top-k = many\n");
        assertThatThrownBy(() -> JobConfig.load(file)).hasMessageContaining("'top-k'").hasMessageContaining("config file " + file);
    }

    @Test
    void durationsReadAndPrint() {
        assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("2d")).isEqualTo(Duration.ofDays(2));
        assertThat(Durations.parse("0")).isZero();
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.format(Duration.ofHours(2))).isEqualTo("2h");
    }

    /** jobs/CONFIG.md documents every key, with its default, and nothing else. */
    @Test
    void configMdDocumentsEveryKey() throws IOException {
        String doc = Files.readString(Path.of("CONFIG.md"));
        Matcher m = Pattern.compile("^\\| `([a-z.-]+)` \\| `?([^|`]*)`? \\|", Pattern.MULTILINE).matcher(doc);
        java.util.Map<String, String> documented = new java.util.LinkedHashMap<>();
        while (m.find()) {
            documented.put(m.group(1), m.group(2).trim());
        }
        for (ConfigKey<?> k : ConfigKeys.ALL) {
            assertThat(documented).as("CONFIG.md row for %s", k.name()).containsKey(k.name());
            assertThat(documented.get(k.name())).as("default of %s in CONFIG.md", k.name()).isEqualTo(k.defaultValue().orElse("(none)"));
        }
        assertThat(documented.keySet()).containsExactlyElementsOf(ConfigKeys.ALL.stream().map(ConfigKey::name).toList());
    }
}
