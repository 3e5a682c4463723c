package io.seqstream.apps.bench;

import io.seqstream.jobs.stats.LatencyHistogram;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a predictions topic with read_committed from the beginning and keeps only statistics: count, the
 * span of processing times (throughput), and event-to-prediction latencies, both as computed on the worker
 * ({@code processingTime - eventTime}) and as seen by this reader ({@code now - eventTime}).
 *
 * <p>For throughput alone ({@link #forThroughput}) it counts every record but decodes only the first record of
 * each partition and the last of each partition in every poll: the reader shares the machine with the job, and
 * decoding a million predictions would take CPU from what it measures. Within a partition the processing
 * times grow with the offset at parallelism 1 (one writer per partition, in emission order); with more writers
 * per partition the span can miss the last micro-batch's few milliseconds.
 */
final class OutputStats implements Runnable {
    private final String bootstrap;
    private final String topic;
    private final long measureFrom; // events with an earlier eventTime are warm-up: counted, not timed
    private final boolean everyRecord; // decode every record (latencies), or only the partitions' ends (throughput)
    final LatencyHistogram computed = new LatencyHistogram();
    final LatencyHistogram visible = new LatencyHistogram();
    private final AtomicLong count = new AtomicLong();
    private volatile long minProcessingTime = Long.MAX_VALUE;
    private volatile long maxProcessingTime = Long.MIN_VALUE;
    private volatile boolean stop;
    private final PredictionTimes times = new PredictionTimes(); // only the reader thread uses it

    /** Latencies of the predictions of events from {@code measureFrom} on (and the throughput). */
    OutputStats(String bootstrap, String topic, long measureFrom) {
        this(bootstrap, topic, measureFrom, true);
    }

    private OutputStats(String bootstrap, String topic, long measureFrom, boolean everyRecord) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.measureFrom = measureFrom;
        this.everyRecord = everyRecord;
    }

    /** Count and throughput only. */
    static OutputStats forThroughput(String bootstrap, String topic) {
        return new OutputStats(bootstrap, topic, Long.MAX_VALUE, false);
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
            Set<Integer> seen = new HashSet<>();
            while (!stop) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                if (!everyRecord) {
                    for (TopicPartition tp : records.partitions()) {
                        List<ConsumerRecord<byte[], byte[]>> rs = records.records(tp);
                        if (seen.add(tp.partition())) {
                            processingTime(rs.get(0));
                        }
                        processingTime(rs.get(rs.size() - 1));
                        count.addAndGet(rs.size());
                    }
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    long now = System.currentTimeMillis();
                    PredictionTimes pr = processingTime(r);
                    if (pr.eventTime() >= measureFrom) {
                        computed.record(pr.processingTime() - pr.eventTime());
                        visible.record(now - pr.eventTime());
                    }
                    count.incrementAndGet();
                }
            }
        }
    }

    private PredictionTimes processingTime(ConsumerRecord<byte[], byte[]> r) {
        PredictionTimes pr = times;
        pr.read(r.value());
        long pt = pr.processingTime();
        minProcessingTime = Math.min(minProcessingTime, pt);
        maxProcessingTime = Math.max(maxProcessingTime, pt);
        return pr;
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
