package io.seqstream.jobs.sink;

import io.seqstream.jobs.config.ConfigKeys;
import io.seqstream.jobs.config.DeliveryMode;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.retrain.ModelSnapshots;
import io.seqstream.schemas.DeadLetter;
import io.seqstream.schemas.ModelSnapshot;
import io.seqstream.schemas.Prediction;
import java.nio.ByteBuffer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;

/**
 * The Kafka sinks of the job. Exactly-once: one Kafka transaction per checkpoint and subtask, committed when
 * the checkpoint completes; readers must use {@code isolation.level=read_committed}. At-least-once: plain
 * writes flushed on every checkpoint.
 */
public final class KafkaSinks {
    private KafkaSinks() {
    }

    public static KafkaSink<Prediction> predictions(JobConfig config) {
        return sink(config, "predictions", PredictionSerializers.fromConfig(config), false);
    }

    public static KafkaSink<DeadLetter> deadLetters(JobConfig config) {
        return sink(config, "dead-letters", new AvroRecordSerializer<>(config.get(ConfigKeys.TOPIC_DEAD_LETTERS), KafkaSinks::rawKey),
                false);
    }

    /** The trainer's snapshots to the models topic, keyed by version (compaction keeps every version). */
    public static KafkaSink<ModelSnapshot> models(JobConfig config) {
        return sink(config, "models", new AvroRecordSerializer<ModelSnapshot>(config.get(ConfigKeys.TOPIC_MODELS),
                s -> ModelSnapshots.key(s.getVersion())), true);
    }

    private static byte[] rawKey(DeadLetter d) {
        ByteBuffer k = d.getRawKey();
        if (k == null) {
            return null; // Kafka's own "no key": spread over partitions
        }
        byte[] b = new byte[k.remaining()];
        k.duplicate().get(b);
        return b;
    }

    private static <T extends SpecificRecord> KafkaSink<T> sink(JobConfig config, String idSuffix,
            KafkaRecordSerializationSchema<T> serializer, boolean largeRecords) {
        DeliveryMode mode = config.delivery();
        var b = KafkaSink.<T>builder()
                .setKafkaProducerConfig(config.kafkaClientProperties()) // first: the settings below take precedence
                .setBootstrapServers(config.bootstrap())
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(mode == DeliveryMode.EXACTLY_ONCE ? DeliveryGuarantee.EXACTLY_ONCE : DeliveryGuarantee.AT_LEAST_ONCE);
        if (largeRecords) {
            // A model snapshot can be megabytes; the topic's max.message.bytes must allow it too.
            b.setProperty("max.request.size", String.valueOf(ModelSnapshots.MAX_RECORD_BYTES));
        }
        if (mode == DeliveryMode.EXACTLY_ONCE) {
            b.setTransactionalIdPrefix(config.get(ConfigKeys.KAFKA_TRANSACTIONAL_ID_PREFIX) + "-" + idSuffix)
                    // The connector's default (1 h) is above the broker's default maximum (15 min).
                    .setProperty("transaction.timeout.ms", String.valueOf(config.get(ConfigKeys.KAFKA_TRANSACTION_TIMEOUT).toMillis()));
        } else {
            b.setProperty("linger.ms", "0"); // the low-latency mode: send at once
        }
        return b.build();
    }
}
