package io.seqstream.jobs.retrain;

import io.seqstream.schemas.AvroCodec;
import io.seqstream.schemas.Event;
import io.seqstream.schemas.ModelSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Plain Kafka clients for the models command: read a topic from the beginning to its end, publish a snapshot. */
public final class ModelsTopic {
    static final Duration READ_TIMEOUT = Duration.ofSeconds(120);

    private ModelsTopic() {
    }

    /** Every committed record of {@code topic}, from the beginning to the end offsets at the start. Empty if the topic does not exist. */
    public static void readAll(String bootstrap, String topic, Properties extra, Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        Properties p = new Properties();
        p.putAll(extra);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(ModelSnapshots.MAX_RECORD_BYTES));
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            Map<String, List<org.apache.kafka.common.PartitionInfo>> topics = c.listTopics(Duration.ofSeconds(30));
            if (!topics.containsKey(topic)) {
                return;
            }
            List<TopicPartition> parts = topics.get(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (!parts.stream().allMatch(tp -> c.position(tp) >= end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("timed out reading " + topic + " at " + bootstrap + " (end offsets " + end + ")");
                }
                c.poll(Duration.ofMillis(200)).forEach(sink);
            }
        }
    }

    /** The snapshots on the models topic in offset order, each with whether it passes the checksum. */
    public static List<ModelSnapshot> snapshots(String bootstrap, String topic, Properties extra, List<String> problems) {
        List<ModelSnapshot> out = new ArrayList<>();
        readAll(bootstrap, topic, extra, r -> {
            if (r.value() == null) {
                return; // a tombstone: a deleted version
            }
            try {
                out.add(ModelSnapshots.decode(r.value()));
            } catch (RuntimeException e) {
                problems.add(topic + "/" + r.partition() + "@" + r.offset() + ": not a ModelSnapshot: " + e.getMessage());
            }
        });
        return out;
    }

    /** Events of an events topic (Avro), per record; undecodable records are counted in {@code problems}. */
    public static List<Event> events(String bootstrap, String topic, Properties extra, List<String> problems) {
        List<Event> out = new ArrayList<>();
        readAll(bootstrap, topic, extra, r -> {
            try {
                out.add(AvroCodec.decode(r.value(), Event.class));
            } catch (RuntimeException e) {
                problems.add(topic + "/" + r.partition() + "@" + r.offset() + ": " + e.getMessage());
            }
        });
        return out;
    }

    /** Writes one snapshot, keyed by its version (acks=all, idempotent), and waits for it. */
    public static void publish(String bootstrap, String topic, Properties extra, ModelSnapshot s) {
        Properties p = new Properties();
        p.putAll(extra);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(ModelSnapshots.MAX_RECORD_BYTES));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, ModelSnapshots.key(s.getVersion()), AvroCodec.encode(s))).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing v" + s.getVersion(), e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("cannot publish v" + s.getVersion() + " to " + topic + " at " + bootstrap + ": " + e.getCause(),
                    e);
        }
    }
}
