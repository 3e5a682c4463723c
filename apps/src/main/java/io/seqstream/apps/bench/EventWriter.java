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

/**
 * Writes benchmark events: uniform random keys and tokens, keyed by the event key, event time = wall clock at send.
 * In the job's own format ({@code Event}) or, for the input-format comparison, as a user's event with the token as a
 * string event type ({@code "t17"}) and a numeric field: JSON, or Avro in the registry wire format.
 */
final class EventWriter implements AutoCloseable {
    /** The user event schema of the avro-registry format. */
    static final org.apache.avro.Schema USER_EVENT = new org.apache.avro.Schema.Parser().parse("""
            {"type": "record", "name": "BenchEvent", "namespace": "io.seqstream.bench", "fields": [
              {"name": "key", "type": "string"}, {"name": "ts", "type": "long"},
              {"name": "event_type", "type": "string"}, {"name": "amount", "type": "double"}]}""");

    private final KafkaProducer<byte[], byte[]> producer;
    private final byte[][] keyBytes;
    private final String[] keys;
    private final int vocab;
    private final Random rnd;
    private final String[] typeNames;
    private io.seqstream.jobs.decode.InputFormat format = io.seqstream.jobs.decode.InputFormat.SEQSTREAM;
    private byte[] registryHeader;
    private final org.apache.avro.generic.GenericDatumWriter<org.apache.avro.generic.GenericRecord> avroWriter = new org.apache.avro.generic.GenericDatumWriter<>(
            USER_EVENT);
    private org.apache.avro.io.BinaryEncoder encoder;

    EventWriter(String bootstrap, int keyCount, int vocab, long seed) {
        this(bootstrap, keyCount, vocab, seed, 5);
    }

    /** {@code lingerMs}: how long the producer may hold a record to batch it (5 ms for throughput, 0 to send at once). */
    EventWriter(String bootstrap, int keyCount, int vocab, long seed, int lingerMs) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, String.valueOf(lingerMs));
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
        typeNames = new String[vocab];
        for (int t = 0; t < vocab; t++) {
            typeNames[t] = typeName(t);
        }
    }

    static String typeName(int token) {
        return "t" + token;
    }

    /** The lookup vocabulary of the user formats: t1..t(V-1), so "t17" looks up to 17 and "t0" is the OOV index 0. */
    static java.util.List<String> vocabularyTerms(int vocab) {
        java.util.List<String> terms = new java.util.ArrayList<>();
        for (int t = 1; t < vocab; t++) {
            terms.add(typeName(t));
        }
        return terms;
    }

    /** Writes the job's Event records from now on. */
    void seqstream() {
        format = io.seqstream.jobs.decode.InputFormat.SEQSTREAM;
    }

    /** Writes JSON user events from now on. */
    void json() {
        format = io.seqstream.jobs.decode.InputFormat.JSON;
    }

    /** Writes registry-framed Avro user events, writer schema id {@code schemaId}, from now on. */
    void avroRegistry(int schemaId) {
        format = io.seqstream.jobs.decode.InputFormat.AVRO_REGISTRY;
        registryHeader = new byte[]{ 0, (byte) (schemaId >>> 24), (byte) (schemaId >>> 16), (byte) (schemaId >>> 8), (byte) schemaId };
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
        return writeEachKey(topic, perKey, n -> {
        });
    }

    /** As {@link #writeEachKey(String, int)}, telling {@code progress} the events written after every million. */
    long writeEachKey(String topic, int perKey, java.util.function.LongConsumer progress) {
        long written = 0;
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
                if (++written % 1_000_000 == 0) {
                    progress.accept(written);
                }
            }
        }
        producer.flush();
        return (long) perKey * keys.length;
    }

    private void send(String topic) {
        send(topic, rnd.nextInt(keys.length));
    }

    private void send(String topic, int k) {
        int token = rnd.nextInt(vocab);
        long now = System.currentTimeMillis();
        byte[] value = switch (format) {
            case SEQSTREAM -> AvroCodec.encode(new Event(keys[k], now, token, null, null, false, Map.of()));
            case JSON -> ("{\"key\":\"" + keys[k] + "\",\"ts\":" + now + ",\"event_type\":\"" + typeNames[token] + "\",\"amount\":"
                    + (rnd.nextInt(100_000) / 100.0) + "}").getBytes(StandardCharsets.UTF_8);
            case AVRO_REGISTRY -> registryAvro(keys[k], now, typeNames[token], rnd.nextInt(100_000) / 100.0);
            case AVRO -> throw new IllegalStateException("plain avro is not benchmarked");
        };
        producer.send(new ProducerRecord<>(topic, keyBytes[k], value));
    }

    private byte[] registryAvro(String key, long ts, String type, double amount) {
        org.apache.avro.generic.GenericRecord r = new org.apache.avro.generic.GenericData.Record(USER_EVENT);
        r.put(0, key);
        r.put(1, ts);
        r.put(2, type);
        r.put(3, amount);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(64);
        out.writeBytes(registryHeader);
        encoder = org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, encoder);
        try {
            avroWriter.write(r, encoder);
            encoder.flush();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        producer.close();
    }
}
