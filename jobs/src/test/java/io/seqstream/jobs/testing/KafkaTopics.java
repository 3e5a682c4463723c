package io.seqstream.jobs.testing;

import io.seqstream.schemas.AvroCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Byte-level Kafka clients for tests: write records, read a whole topic as read_committed and decode it. */
public final class KafkaTopics {
    private KafkaTopics() {
    }

    /** Writes the records (acks=all) and returns where each landed, in order. */
    public static List<RecordMetadata> write(String bootstrap, List<ProducerRecord<byte[], byte[]>> records) {
        return write(bootstrap, new Properties(), records);
    }

    /** Like {@link #write(String, List)} with extra client properties (e.g. security settings). */
    public static List<RecordMetadata> write(String bootstrap, Properties extra, List<ProducerRecord<byte[], byte[]>> records) {
        Properties p = new Properties();
        p.putAll(extra);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> futures = new ArrayList<>();
            for (ProducerRecord<byte[], byte[]> r : records) {
                futures.add(producer.send(r));
            }
            producer.flush();
            List<RecordMetadata> result = new ArrayList<>();
            for (Future<RecordMetadata> f : futures) {
                result.add(f.get());
            }
            return result;
        } catch (Exception e) {
            throw new IllegalStateException("writing to " + bootstrap + " failed", e);
        }
    }

    /** Every committed record of the topic, from the beginning to the current end (the last stable offset). */
    public static List<ConsumerRecord<byte[], byte[]>> readCommitted(String bootstrap, String topic) {
        return readCommitted(bootstrap, new Properties(), topic);
    }

    /** Like {@link #readCommitted(String, String)} with extra client properties (e.g. security settings). */
    public static List<ConsumerRecord<byte[], byte[]>> readCommitted(String bootstrap, Properties extra, String topic) {
        Properties p = new Properties();
        p.putAll(extra);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("timed out reading " + topic + ": " + records.size() + " records, end offsets " + end);
                }
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
            return records;
        }
    }

    public static <T extends SpecificRecord> List<T> readCommitted(String bootstrap, String topic, Class<T> type) {
        return readCommitted(bootstrap, topic).stream().map(r -> AvroCodec.decode(r.value(), type)).toList();
    }

    public static <T extends SpecificRecord> List<T> readCommitted(String bootstrap, Properties extra, String topic, Class<T> type) {
        return readCommitted(bootstrap, extra, topic).stream().map(r -> AvroCodec.decode(r.value(), type)).toList();
    }
}
