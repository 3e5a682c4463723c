package io.seqstream.jobs.sink;

import io.seqstream.schemas.AvroCodec;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes a record as Avro binary ({@link AvroCodec}) to one topic. The Kafka key is the record's sequence
 * key, so all records of one key land in one partition, in order. The Kafka timestamp is the time of writing.
 */
final class AvroRecordSerializer<T extends SpecificRecord> implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final SerializableFunction<T, byte[]> key;

    AvroRecordSerializer(String topic, SerializableFunction<T, byte[]> key) {
        this.topic = topic;
        this.key = key;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        // No timestamp: the producer's clock. The event time is in the record; as the Kafka timestamp it made the broker
        // refuse every write of an event dated before 1970 or more than message.timestamp.after.max.ms ahead (the job
        // then restarts for ever), and time-based retention delete the output of replayed old events at once.
        return new ProducerRecord<>(topic, null, null, key.apply(element), AvroCodec.encode(element));
    }
}
