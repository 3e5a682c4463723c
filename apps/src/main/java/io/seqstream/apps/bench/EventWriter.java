package io.seqstream.apps.bench;

import io.seqstream.schemas.AvroCodec;
import io.seqstream.schemas.Event;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Writes benchmark events: uniform random keys and tokens, keyed by the event key, event time = wall clock at send. */
final class EventWriter implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final byte[][] keyBytes;
    private final String[] keys;
    private final int vocab;
    private final Random rnd;

    EventWriter(String bootstrap, int keyCount, int vocab, long seed) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        p.put(ProducerConfig.ACKS_CONFIG, "1");
        producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        keys = new String[keyCount];
        keyBytes = new byte[keyCount][];
        for (int k = 0; k < keyCount; k++) {
            keys[k] = String.format("key-%06d", k);
            keyBytes[k] = keys[k].getBytes(StandardCharsets.UTF_8);
        }
        this.vocab = vocab;
        this.rnd = new Random(seed);
    }

    /** As fast as possible. */
    void write(String topic, long count) {
        for (long i = 0; i < count; i++) {
            send(topic);
        }
        producer.flush();
    }

    /** At {@code rate} events per second for {@code seconds}; returns how many were written. */
    long writePaced(String topic, int rate, int seconds) throws InterruptedException {
        long total = (long) rate * seconds;
        long start = System.nanoTime();
        for (long i = 0; i < total; i++) {
            send(topic);
            long ahead = start + (long) (i * 1e9 / rate) - System.nanoTime();
            if (ahead > 1_000_000) {
                Thread.sleep(ahead / 1_000_000);
            }
        }
        producer.flush();
        return total;
    }

    /**
     * {@code perKey} events for every key, as fast as possible: {@code perKey} passes over all keys, each pass in
     * a new random order, so a key's next event comes about one key count later (a cold state read at scale).
     */
    long writeEachKey(String topic, int perKey) {
        int[] order = new int[keys.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int pass = 0; pass < perKey; pass++) {
            for (int i = order.length - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int k : order) {
                send(topic, k);
            }
        }
        producer.flush();
        return (long) perKey * keys.length;
    }

    private void send(String topic) {
        send(topic, rnd.nextInt(keys.length));
    }

    private void send(String topic, int k) {
        Event e = new Event(keys[k], System.currentTimeMillis(), rnd.nextInt(vocab), null, null, false, Map.of());
        producer.send(new ProducerRecord<>(topic, keyBytes[k], AvroCodec.encode(e)));
    }

    @Override
    public void close() {
        producer.close();
    }
}
