package io.seqstream.jobs.sink;

import io.seqstream.jobs.config.ConfigKeys;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.config.OutputFormat;
import io.seqstream.jobs.decode.RegistryClient;
import io.seqstream.jobs.mapping.InputDecoders;
import io.seqstream.schemas.AvroCodec;
import io.seqstream.schemas.Prediction;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The predictions topic's encodings ({@code output.format}): Avro binary, Avro in the registry wire format
 * (the Prediction schema registered under the topic-name strategy's subject, {@code <topic>-value}, when the
 * sink opens), or JSON. The Kafka key is always the sequence key (UTF-8).
 */
public final class PredictionSerializers {
    private PredictionSerializers() {
    }

    public static KafkaRecordSerializationSchema<Prediction> fromConfig(JobConfig config) {
        String topic = config.get(ConfigKeys.TOPIC_PREDICTIONS);
        OutputFormat format = config.get(ConfigKeys.OUTPUT_FORMAT);
        return switch (format) {
            case AVRO -> new AvroRecordSerializer<>(topic, p -> AvroRecordSerializer.utf8(p.getKey()));
            case JSON -> new Json(topic);
            case AVRO_REGISTRY -> new RegistryFramed(topic, new RegistryClient(InputDecoders.registry(config)),
                    config.find(ConfigKeys.OUTPUT_REGISTRY_SUBJECT).orElse(topic + "-value"));
        };
    }

    /** One JSON object per prediction ({@link JsonRecords}). */
    static final class Json implements KafkaRecordSerializationSchema<Prediction> {
        private static final long serialVersionUID = 1L;
        private final String topic;

        Json(String topic) {
            this.topic = topic;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(Prediction p, KafkaSinkContext context, Long timestamp) {
            // No timestamp: the producer's clock, as for Avro output (AvroRecordSerializer says why).
            return new ProducerRecord<>(topic, null, null, p.getKey().getBytes(StandardCharsets.UTF_8), JsonRecords.toJson(p));
        }
    }

    /** Magic byte 0, the 4-byte registry id of the Prediction schema, the Avro body. */
    public static final class RegistryFramed implements KafkaRecordSerializationSchema<Prediction> {
        private static final long serialVersionUID = 1L;
        private final String topic;
        private final RegistryClient registry;
        private final String subject;
        private transient byte[] header;

        RegistryFramed(String topic, RegistryClient registry, String subject) {
            this.topic = topic;
            this.registry = registry;
            this.subject = subject;
        }

        @Override
        public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
            header();
        }

        private byte[] header() {
            if (header == null) {
                int id = registry.register(subject, Prediction.getClassSchema());
                header = new byte[]{ 0, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id };
            }
            return header;
        }

        /** The framed bytes of one prediction (registers the schema on first use). */
        public byte[] encode(Prediction p) {
            byte[] body = AvroCodec.encode(p);
            byte[] h = header();
            byte[] out = new byte[h.length + body.length];
            System.arraycopy(h, 0, out, 0, h.length);
            System.arraycopy(body, 0, out, h.length, body.length);
            return out;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(Prediction p, KafkaSinkContext context, Long timestamp) {
            // No timestamp: the producer's clock, as for Avro output (AvroRecordSerializer says why).
            return new ProducerRecord<>(topic, null, null, p.getKey().getBytes(StandardCharsets.UTF_8), encode(p));
        }
    }
}
