package io.seqstream.apps.demo;

import io.seqstream.jobs.stats.LatencyHistogram;
import io.seqstream.schemas.AvroCodec;
import io.seqstream.schemas.Prediction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the job's output as a downstream application would (isolation.level=read_committed): counts
 * predictions and dead letters, measures event-to-prediction latency (arrival here minus the event time,
 * which the producer set to its wall clock), and scores next-event accuracy.
 */
final class PredictionMonitor implements Runnable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String predictionsTopic;
    private final AccuracyTracker tracker;
    final LatencyHistogram window = new LatencyHistogram();
    final LatencyHistogram total = new LatencyHistogram();
    private final AtomicLong predictions = new AtomicLong();
    private final AtomicLong deadLetters = new AtomicLong();
    private volatile long modelVersion = -1;
    private volatile boolean stop;

    /** Subscribes at the current end of both topics, so only this run's output counts. */
    PredictionMonitor(String bootstrap, String predictionsTopic, String deadLettersTopic, AccuracyTracker tracker) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "seqstream-demo-monitor-" + UUID.randomUUID());
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.predictionsTopic = predictionsTopic;
        this.tracker = tracker;
        List<TopicPartition> parts = new ArrayList<>();
        for (String t : List.of(predictionsTopic, deadLettersTopic)) {
            consumer.partitionsFor(t).forEach(i -> parts.add(new TopicPartition(t, i.partition())));
        }
        consumer.assign(parts);
        consumer.seekToEnd(parts);
        parts.forEach(consumer::position); // resolve the end offsets now, before the producer starts
    }

    @Override
    public void run() {
        try {
            while (!stop) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.currentTimeMillis();
                    if (!r.topic().equals(predictionsTopic)) {
                        deadLetters.incrementAndGet();
                        continue;
                    }
                    Prediction p = AvroCodec.decode(r.value(), Prediction.class);
                    long latency = now - p.getEventTime();
                    window.record(latency);
                    total.record(latency);
                    modelVersion = p.getModelVersion();
                    if (!p.getTopK().isEmpty()) {
                        tracker.predicted(p.getKey(), p.getTopK().get(0).getClassId());
                    }
                    predictions.incrementAndGet();
                }
            }
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    void stop() {
        stop = true;
    }

    long predictions() {
        return predictions.get();
    }

    long deadLetters() {
        return deadLetters.get();
    }

    long modelVersion() {
        return modelVersion;
    }
}
