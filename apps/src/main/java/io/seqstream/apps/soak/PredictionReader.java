package io.seqstream.apps.soak;

import io.seqstream.schemas.AvroCodec;
import io.seqstream.schemas.Prediction;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the predictions topic as a downstream consumer would (read_committed) and checks each key's steps run 1, 2,
 * 3, ... with no gap and no repeat; keeps the latency of each prediction (receive time minus the event's time) until
 * {@link #drainLatencies()}. Keys are {@code k<index>}.
 */
final class PredictionReader implements Runnable {
    private final String bootstrap;
    private final String topic;
    private final long[] stepOfKey;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong predicted = new AtomicLong();
    private final AtomicLong gapsOrRepeats = new AtomicLong();
    private final Object lock = new Object();
    private long[] latencies = new long[1 << 16];
    private int latencyCount;

    PredictionReader(String bootstrap, String topic, int keys) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.stepOfKey = new long[keys];
    }

    @Override
    public void run() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                    long now = System.currentTimeMillis();
                    Prediction x = AvroCodec.decode(r.value(), Prediction.class);
                    int k = Integer.parseInt(x.getKey().substring(1));
                    synchronized (lock) {
                        if (x.getStep() != stepOfKey[k] + 1) {
                            gapsOrRepeats.incrementAndGet();
                        }
                        stepOfKey[k] = x.getStep();
                        if (latencyCount == latencies.length) {
                            latencies = Arrays.copyOf(latencies, latencyCount * 2);
                        }
                        latencies[latencyCount++] = now - x.getEventTime();
                    }
                    predicted.incrementAndGet();
                }
            }
        }
    }

    void stop() {
        running.set(false);
    }

    long predicted() {
        return predicted.get();
    }

    long gapsOrRepeats() {
        return gapsOrRepeats.get();
    }

    /** The last step read per key. */
    long[] steps() {
        synchronized (lock) {
            return stepOfKey.clone();
        }
    }

    /** The p99 of the latencies read since the last call, in ms; -1 if none. */
    long drainLatencies() {
        long[] l;
        synchronized (lock) {
            l = Arrays.copyOf(latencies, latencyCount);
            latencyCount = 0;
        }
        if (l.length == 0) {
            return -1;
        }
        Arrays.sort(l);
        return l[Math.min(l.length - 1, (int) Math.ceil(l.length * 0.99) - 1)];
    }

}
