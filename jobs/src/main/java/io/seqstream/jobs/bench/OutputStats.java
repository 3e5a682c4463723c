package io.seqstream.jobs.bench;

import io.seqstream.jobs.stats.LatencyHistogram;
import io.seqstream.schemas.AvroCodec;
import io.seqstream.schemas.Prediction;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a predictions topic with read_committed from the beginning and keeps only statistics: count, the
 * span of processing times (throughput), and event-to-prediction latencies, both as computed on the worker
 * ({@code processingTime - eventTime}) and as seen by this reader ({@code now - eventTime}).
 */
final class OutputStats implements Runnable {
    private final String bootstrap;
    private final String topic;
    private final long measureFrom; // events with an earlier eventTime are warm-up: counted, not timed
    final LatencyHistogram computed = new LatencyHistogram();
    final LatencyHistogram visible = new LatencyHistogram();
    private final AtomicLong count = new AtomicLong();
    private volatile long minProcessingTime = Long.MAX_VALUE;
    private volatile long maxProcessingTime = Long.MIN_VALUE;
    private volatile boolean stop;

    OutputStats(String bootstrap, String topic, long measureFrom) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.measureFrom = measureFrom;
    }

    @Override
    public void run() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            while (!stop) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.currentTimeMillis();
                    Prediction pr = AvroCodec.decode(r.value(), Prediction.class);
                    long pt = pr.getProcessingTime();
                    minProcessingTime = Math.min(minProcessingTime, pt);
                    maxProcessingTime = Math.max(maxProcessingTime, pt);
                    if (pr.getEventTime() >= measureFrom) {
                        computed.record(pt - pr.getEventTime());
                        visible.record(now - pr.getEventTime());
                    }
                    count.incrementAndGet();
                }
            }
        }
    }

    long count() {
        return count.get();
    }

    /** Processing time of the last prediction read. */
    long lastProcessingTime() {
        return maxProcessingTime;
    }

    /** Predictions per second between the first and the last prediction computed. */
    double throughput() {
        long span = maxProcessingTime - minProcessingTime;
        return span <= 0 ? Double.NaN : count.get() * 1000.0 / span;
    }

    void stop() {
        stop = true;
    }

    /** Waits until {@code expected} predictions were read; false on timeout. */
    boolean await(long expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count.get() < expected) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }
}
