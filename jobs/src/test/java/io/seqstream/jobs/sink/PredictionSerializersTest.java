package io.seqstream.jobs.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.jobs.decode.RegistryClient;
import io.seqstream.jobs.decode.RegistrySettings;
import io.seqstream.schemas.Prediction;
import io.seqstream.schemas.TopClass;
import io.seqstream.testkit.LocalSchemaRegistry;
import java.util.List;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.junit.jupiter.api.Test;

/**
 * The JSON and registry-framed prediction formats leave the Kafka timestamp to the producer, like the Avro one: an
 * event-dated timestamp (events replayed from long ago, or test events of 2023) makes the broker's time-based
 * retention delete the committed predictions at its next check, and a pre-1970 or far-future one is refused.
 */
class PredictionSerializersTest {
    static final Prediction P = Prediction.newBuilder().setKey("k").setEventTime(1_700_000_000_000L).setModelVersion(1L).setStep(1L)
            .setTopK(List.of(new TopClass(1, 0.5f))).setProcessingTime(4L).build();

    static void leavesTheTimestampToTheProducer(KafkaRecordSerializationSchema<Prediction> s) {
        assertThat(s.serialize(P, null, 1_700_000_000_000L).timestamp()).isNull();
        assertThat(s.serialize(P, null, -1_700_000_000_001L).timestamp()).isNull();
        assertThat(s.serialize(P, null, 4_000_000_000_000L).timestamp()).isNull();
        assertThat(s.serialize(P, null, null).timestamp()).isNull();
        assertThat(s.serialize(P, null, 1_700_000_000_000L).key()).isEqualTo(new byte[]{ 'k' });
    }

    @Test
    void jsonPredictionsLeaveTheKafkaTimestampToTheProducer() {
        leavesTheTimestampToTheProducer(new PredictionSerializers.Json("t"));
    }

    @Test
    void registryFramedPredictionsLeaveTheKafkaTimestampToTheProducer() {
        try (LocalSchemaRegistry registry = LocalSchemaRegistry.start()) {
            leavesTheTimestampToTheProducer(
                    new PredictionSerializers.RegistryFramed("t", new RegistryClient(RegistrySettings.of(registry.url())), "t-value"));
        }
    }
}
