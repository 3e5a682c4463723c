package io.seqstream.apps.demo;

import io.seqstream.schemas.AvroCodec;
import io.seqstream.schemas.Event;
import io.seqstream.testkit.SessionGenerator;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes the demo's event stream: many keys, each running {@link SessionGenerator} sessions, interleaved at
 * random, at a target rate. Event time is the wall clock at send, so the monitor can measure
 * event-to-prediction latency. Records are keyed by the event key (a key's events stay in order in one
 * partition). Now and then a bad record (garbage bytes, or a token outside the vocabulary) shows the
 * dead-letter path.
 */
final class DemoProducer implements Runnable {
    private final String bootstrap;
    private final String topic;
    private final int keys;
    private final long maxEvents;
    private final int rate;
    private final int badEvery;
    private final SessionGenerator generator;
    private final AccuracyTracker tracker;
    private final Random rnd;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong badSent = new AtomicLong();
    private final boolean json;
    private volatile boolean stop;
    private volatile Throwable failure;

    DemoProducer(String bootstrap, String topic, int keys, long maxEvents, int rate, int badEvery, long structureSeed, long seed,
            AccuracyTracker tracker, boolean json) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.keys = keys;
        this.maxEvents = maxEvents;
        this.rate = rate;
        this.badEvery = badEvery;
        this.generator = new SessionGenerator(structureSeed, seed);
        this.tracker = tracker;
        this.rnd = new Random(seed);
        this.json = json;
    }

    @Override
    public void run() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "2");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "seqstream-demo-producer");
        SessionGenerator.Cursor[] cursors = new SessionGenerator.Cursor[keys];
        String[] names = new String[keys];
        for (int k = 0; k < keys; k++) {
            cursors[k] = new SessionGenerator.Cursor();
            names[k] = String.format("user-%05d", k);
        }
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            long n = 0;
            long[] lastTime = new long[keys];
            while (!stop && (maxEvents <= 0 || n < maxEvents)) {
                n++;
                if (badEvery > 0 && n % badEvery == 0) {
                    producer.send(badRecord(n));
                    badSent.incrementAndGet();
                } else {
                    int k = rnd.nextInt(keys);
                    SessionGenerator.Step s = generator.next(cursors[k]);
                    tracker.sent(names[k], s.token(), s.sessionStart());
                    long now = System.currentTimeMillis();
                    byte[] value;
                    if (json) {
                        value = jsonEvent(names[k], now, s, n, lastTime[k] == 0 ? 0 : (now - lastTime[k]) / 1000.0);
                    } else {
                        value = AvroCodec.encode(new Event(names[k], now, s.token(), null, null, s.sessionStart(), Map.of()));
                    }
                    lastTime[k] = now;
                    producer.send(new ProducerRecord<>(topic, names[k].getBytes(StandardCharsets.UTF_8), value));
                }
                sent.set(n);
                if (rate > 0) {
                    pace(start, n);
                }
            }
            producer.flush();
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    /** An event as a shop writes it: string event type, numeric fields, an id. */
    private byte[] jsonEvent(String user, long ts, SessionGenerator.Step s, long n, double secondsSinceLast) {
        double amount = DemoModel.amount(s.token(), rnd);
        return ("{\"user\":\"" + user + "\",\"ts\":" + ts + ",\"event_type\":\"" + DemoEventTypes.name(s.token())
                + "\",\"session_start\":" + s.sessionStart() + ",\"amount\":" + amount + ",\"seconds_since_last\":" + secondsSinceLast
                + ",\"event_id\":\"e" + n + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private ProducerRecord<byte[], byte[]> badRecord(long n) {
        byte[] key = "bad-input".getBytes(StandardCharsets.UTF_8);
        if (json) {
            // A wrong type (an array as the event type) or a record that is not JSON.
            byte[] v = (n / badEvery) % 2 == 0
                    ? "not json".getBytes(StandardCharsets.UTF_8)
                    : ("{\"user\":\"bad-input\",\"ts\":" + System.currentTimeMillis() + ",\"event_type\":[\"checkout\"]}")
                            .getBytes(StandardCharsets.UTF_8);
            return new ProducerRecord<>(topic, key, v);
        }
        byte[] value = (n / badEvery) % 2 == 0
                ? "{\"not\": \"avro\"}".getBytes(StandardCharsets.UTF_8)
                : AvroCodec.encode(new Event("bad-input", System.currentTimeMillis(), SessionGenerator.VOCABULARY + 5, null, null,
                        false, Map.of()));
        return new ProducerRecord<>(topic, key, value);
    }

    // Sleep whenever more than 1 ms ahead of the target rate.
    private void pace(long start, long n) {
        long due = start + (long) (n * 1e9 / rate);
        long ahead = due - System.nanoTime();
        if (ahead > 1_000_000) {
            try {
                Thread.sleep(ahead / 1_000_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop = true;
            }
        }
    }

    void stop() {
        stop = true;
    }

    /** Records written so far (events and bad records). */
    long sent() {
        return sent.get();
    }

    long badSent() {
        return badSent.get();
    }

    java.util.Optional<Throwable> failure() {
        return java.util.Optional.ofNullable(failure);
    }
}
