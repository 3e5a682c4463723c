package io.seqstream.jobs.sink;

import io.seqstream.schemas.AvroCodec;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes a record as Avro binary ({@link AvroCodec}) to one topic. The Kafka key is the record's sequence
 * key, so all records of one key land in one partition, in order.
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
        return new ProducerRecord<>(topic, null, timestamp, key.apply(element), AvroCodec.encode(element));
    }
}
