package io.seqstream.jobs.kafka;

import io.seqstream.testkit.EmbeddedKafka;
import io.seqstream.testkit.KafkaTestClients;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestOptions;
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

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proves the whole in-process stack (Flink MiniCluster + Kafka connector + embedded KRaft broker):
 * a bounded KafkaSource feeds an EXACTLY_ONCE KafkaSink, and a read_committed reader sees every
 * record exactly once.
 */
class FlinkKafkaExactlyOnceTest {

    private static final String TMP = System.getProperty("java.io.tmpdir");
    private static final int RECORDS = 100;

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
    @Timeout(90)
    void boundedSourceToExactlyOnceSink() throws Exception {
        String bootstrap = kafka.bootstrapServers();
        kafka.createTopic("flink-in", 2, Map.of());
        kafka.createTopic("flink-out", 2, Map.of());
        List<String> input = IntStream.range(0, RECORDS).mapToObj(i -> "event-" + i).toList();
        KafkaTestClients.write(bootstrap, "flink-in", input);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(200, CheckpointingMode.EXACTLY_ONCE);

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

        env.fromSource(source, WatermarkStrategy.noWatermarks(), "kafka-in")
                .map(String::toUpperCase)
                .sinkTo(sink);
        env.execute("embedded-kafka exactly-once round trip");

        List<String> output = KafkaTestClients.readCommitted(bootstrap, "flink-out").stream()
                .map(ConsumerRecord::value)
                .toList();
        assertThat(output).containsExactlyInAnyOrderElementsOf(input.stream().map(String::toUpperCase).toList());
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
