package io.seqstream.deploy.testing;

import io.seqstream.schemas.AvroCodec;
import io.seqstream.schemas.Prediction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads the predictions topic from the beginning as an exactly-once reader does: read_committed, no group. */
public final class PredictionReader implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;
    private final List<Prediction> all = new ArrayList<>();

    public PredictionReader(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(i -> new TopicPartition(topic, i.partition())).toList();
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
    }

    /** Polls until at least {@code count} predictions arrived, then {@code settle} longer to catch any extra (duplicates). */
    public List<Prediction> awaitAtLeast(int count, Duration timeout, Duration settle) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (all.size() < count && System.nanoTime() < deadline) {
            pollOnce();
        }
        if (all.size() < count) {
            throw new AssertionError("only " + all.size() + " of " + count + " predictions arrived within " + timeout.toSeconds()
                    + " s; missing per key: " + missingSummary(count));
        }
        long settleEnd = System.nanoTime() + settle.toNanos();
        while (System.nanoTime() < settleEnd) {
            pollOnce();
        }
        return List.copyOf(all);
    }

    /** Like {@link #awaitAtLeast} for an at-least-once topic: until {@code count} distinct predictions arrived (replays dropped). */
    public List<Prediction> awaitDistinct(int count, Duration timeout, Duration settle) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (Replays.drop(all).distinct().size() < count && System.nanoTime() < deadline) {
            pollOnce();
        }
        int distinct = Replays.drop(all).distinct().size();
        if (distinct < count) {
            throw new AssertionError("only " + distinct + " distinct of " + count + " predictions arrived within " + timeout.toSeconds()
                    + " s (" + all.size() + " with replays)");
        }
        long settleEnd = System.nanoTime() + settle.toNanos();
        while (System.nanoTime() < settleEnd) {
            pollOnce();
        }
        return List.copyOf(all);
    }

    private void pollOnce() {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            all.add(AvroCodec.decode(r.value(), Prediction.class));
        }
    }

    private String missingSummary(int expected) {
        Map<String, Integer> perKey = new HashMap<>();
        all.forEach(p -> perKey.merge(p.getKey(), 1, Integer::sum));
        return perKey + " (expected " + expected + " in all)";
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
