package io.seqstream.deploy.testing;

import io.seqstream.schemas.AvroCodec;
import io.seqstream.schemas.Event;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends token events for a fixed set of keys (Kafka key = event key, so a key's events stay in order in one
 * partition) and remembers each key's whole sequence. Event times are unique per key: they identify each
 * event's prediction.
 */
public final class EventSender implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final int vocab;
    private final Random random;
    private final Map<String, KeySequence> sequences = new LinkedHashMap<>();
    private long clock; // the wall clock, made unique: latency metrics see real event-to-prediction times
    private int sent;

    public EventSender(String bootstrap, String topic, int keys, int vocab, long seed) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        this.topic = topic;
        this.vocab = vocab;
        this.random = new Random(seed);
        for (int k = 0; k < keys; k++) {
            String key = "key-" + k;
            sequences.put(key, new KeySequence(key));
        }
    }

    /** One event for every key (a reset for {@code resetKey}, null for none), flushed. */
    public synchronized void sendRound(String resetKey) {
        for (KeySequence s : sequences.values()) {
            Event e = Event.newBuilder().setKey(s.key()).setEventTime(clock = Math.max(clock + 1, System.currentTimeMillis()))
                    .setToken(random.nextInt(vocab))
                    .setReset(s.key().equals(resetKey)).build();
            s.add(e);
            producer.send(new ProducerRecord<>(topic, s.key(), AvroCodec.encode(e)));
            sent++;
        }
        try {
            producer.flush();
        } catch (RuntimeException e) {
            throw new IllegalStateException("sending events failed", e);
        }
    }

    public synchronized int sent() {
        return sent;
    }

    public Map<String, KeySequence> sequences() {
        return sequences;
    }

    @Override
    public void close() {
        producer.close();
    }
}
