package io.seqstream.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.testkit.EmbeddedKafka;
import io.seqstream.testkit.KafkaTestClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Proves the whole in-process stack (Flink MiniCluster + Kafka connector + embedded KRaft broker) is exactly-once
 * across a failure: a bounded KafkaSource feeds an EXACTLY_ONCE KafkaSink through a map that fails once, after a
 * checkpoint completed and after records past it were written. Flink restarts from that checkpoint and replays
 * them; a read_committed reader still sees every record exactly once, because the failed attempt's transaction is
 * aborted. With an at-least-once sink the replayed records show up twice (checked by hand: the test then fails).
 */
class FlinkKafkaExactlyOnceTest {

    private static final String TMP = System.getProperty("java.io.tmpdir");
    private static final int RECORDS = 200;

    /** The failure: once per JVM run of the test, shared by the map's instances (the MiniCluster runs in this JVM). */
    static final AtomicBoolean FAILED = new AtomicBoolean();
    static final AtomicInteger ATTEMPTS = new AtomicInteger();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .setConfiguration(flinkConfig())
                    .build());

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start(Path.of(TMP));
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @Timeout(180)
    void aFailureAfterACheckpointLeavesNoDuplicateAndNoGap() throws Exception {
        String bootstrap = kafka.bootstrapServers();
        kafka.createTopic("flink-in", 2, Map.of());
        kafka.createTopic("flink-out", 2, Map.of());
        List<String> input = IntStream.range(0, RECORDS).mapToObj(i -> "event-" + i).toList();
        KafkaTestClients.write(bootstrap, "flink-in", input);

        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(500, CheckpointingMode.EXACTLY_ONCE);

        KafkaSource<String> source = KafkaSource.<String>builder()
                .setBootstrapServers(bootstrap)
                .setTopics("flink-in")
                .setGroupId("flink-kafka-exactly-once-test")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setBounded(OffsetsInitializer.latest())
                .setValueOnlyDeserializer(new SimpleStringSchema())
                .setProperty("isolation.level", "read_committed")
                .build();
        KafkaSink<String> sink = KafkaSink.<String>builder()
                .setBootstrapServers(bootstrap)
                .setRecordSerializer(KafkaRecordSerializationSchema.<String>builder()
                        .setTopic("flink-out")
                        .setValueSerializationSchema(new SimpleStringSchema())
                        .build())
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix("flink-kafka-exactly-once-test")
                // The connector's default (1 h) exceeds the broker's transaction.max.timeout.ms.
                .setProperty("transaction.timeout.ms", "60000")
                .build();

        FAILED.set(false);
        ATTEMPTS.set(0);
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "kafka-in")
                .map(new FailOnceAfterACheckpoint())
                .sinkTo(sink);
        env.execute("embedded-kafka exactly-once round trip with a failure");

        assertThat(FAILED).as("the map failed once after a completed checkpoint").isTrue();
        assertThat(ATTEMPTS.get()).as("map instances opened: 2, and the failed one again").isGreaterThanOrEqualTo(3);
        List<String> output = KafkaTestClients.readCommitted(bootstrap, "flink-out").stream()
                .map(ConsumerRecord::value)
                .toList();
        Map<String, Long> counts = output.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(counts.entrySet()).as("records committed more than once").noneMatch(e -> e.getValue() > 1);
        assertThat(output).containsExactlyInAnyOrderElementsOf(input.stream().map(String::toUpperCase).toList());
    }

    /**
     * Upper-cases, slowly (so checkpoints complete while records flow), and throws once: at the 5th record after
     * the first completed checkpoint of its instance. By then records past that checkpoint's barrier went to the
     * sink (and, at-least-once, to the broker), so the restart replays records that were already written.
     */
    static final class FailOnceAfterACheckpoint extends RichMapFunction<String, String> implements CheckpointListener {
        private transient int sinceCheckpoint;

        @Override
        public void open(OpenContext context) {
            ATTEMPTS.incrementAndGet();
            sinceCheckpoint = -1; // no checkpoint completed yet in this instance
        }

        @Override
        public String map(String value) throws Exception {
            Thread.sleep(20);
            if (sinceCheckpoint >= 0 && ++sinceCheckpoint >= 5 && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure after a completed checkpoint");
            }
            return value.toUpperCase();
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            if (sinceCheckpoint == -1) {
                sinceCheckpoint = 0;
            }
        }
    }

    /** Keeps Flink's temp files in the build dir and its REST endpoint on loopback with a free port. */
    private static Configuration flinkConfig() {
        Configuration conf = new Configuration();
        conf.set(CoreOptions.TMP_DIRS, TMP);
        conf.set(WebOptions.UPLOAD_DIR, TMP);
        conf.set(WebOptions.TMP_DIR, TMP);
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.BIND_PORT, "0");
        return conf;
    }
}
