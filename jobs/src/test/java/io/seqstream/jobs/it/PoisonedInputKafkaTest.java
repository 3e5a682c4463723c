package io.seqstream.jobs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.seqstream.jobs.KafkaPredictionJob;
import io.seqstream.jobs.config.ConfigKeys;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.model.StepModelBackend;
import io.seqstream.model.stream.StepModel;
import io.seqstream.model.stream.Stepper;
import io.seqstream.schemas.AvroCodec;
import io.seqstream.schemas.DeadLetter;
import io.seqstream.schemas.ErrorKind;
import io.seqstream.schemas.Event;
import io.seqstream.schemas.Prediction;
import io.seqstream.testkit.EmbeddedKafka;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hostile input at volume through the whole job on Kafka: random bytes, truncated and bit-flipped valid records, a
 * declared length of a terabyte, tombstones, out-of-range tokens, feature vectors with NaN and infinity, keys of a
 * megabyte, mixed with valid events of 500 keys. Every bad record is a dead letter of its kind at its offset (a flipped
 * record that still decodes to a valid event of a key of its own is predicted instead), every valid event is predicted
 * exactly once as a clean run predicts it, the job never restarts, and the heap after GC stays bounded.
 *
 * <p>{@code -Dpoison.records=N} (default 40,000) sets the record count; {@code -Dpoison.records=1000000} is the volume
 * run of docs/RELIABILITY.md. Verification streams over the topics, so memory does not grow with N.
 */
class PoisonedInputKafkaTest {
    static final int RECORDS = Integer.getInteger("poison.records", 40_000);
    static final int KEYS = 500;
    static final int VOCAB = PredictionJobKafkaTest.VOCAB;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).setConfiguration(PredictionJobKafkaTest.flinkConfig()).build());

    static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start(Path.of(PredictionJobKafkaTest.TMP));
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    enum Poison {
        RANDOM, TRUNCATED, FLIPPED, HUGE_LENGTH, TOMBSTONE, TOKEN_RANGE, NON_FINITE, MEGABYTE_KEY
    }

    static ErrorKind expected(Poison p) {
        return switch (p) {
            case RANDOM, TRUNCATED, TOMBSTONE -> ErrorKind.UNDECODABLE;
            case HUGE_LENGTH, MEGABYTE_KEY -> ErrorKind.OVERSIZED;
            case TOKEN_RANGE -> ErrorKind.TOKEN_OUT_OF_RANGE;
            case NON_FINITE -> ErrorKind.MISSING_PAYLOAD; // a token model: a feature vector is the wrong payload, NaN or not
            case FLIPPED -> null; // any kind, or a valid event of a key of its own
        };
    }

    static Event clean(int key, int t, Random rnd) {
        return Event.newBuilder().setKey("user-" + key).setEventTime(1_700_000_000_000L + t).setToken(rnd.nextInt(VOCAB)).build();
    }

    static byte[] poisonValue(Poison p, long i, Random rnd) {
        Event base = Event.newBuilder().setKey("bad-" + i).setEventTime(1_700_000_000_000L).setToken(rnd.nextInt(VOCAB)).build();
        byte[] valid = AvroCodec.encode(base);
        switch (p) {
            case RANDOM : {
                byte[] b = new byte[1 + rnd.nextInt(300)];
                rnd.nextBytes(b);
                b[0] = 0x01; // the key's length is -1: never decodes
                return b;
            }
            case TRUNCATED :
                return Arrays.copyOf(valid, rnd.nextInt(valid.length));
            case FLIPPED : {
                byte[] b = valid.clone();
                int bit = rnd.nextInt(b.length * 8);
                b[bit / 8] ^= (byte) (1 << (bit % 8));
                return b;
            }
            case HUGE_LENGTH : // key length 2^40 bytes in a 9-byte record
                return new byte[]{ (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x40, 0, 0, 0 };
            case TOMBSTONE :
                return null;
            case TOKEN_RANGE :
                return AvroCodec.encode(
                        Event.newBuilder(base).setToken(rnd.nextBoolean() ? -1 - rnd.nextInt(5) : VOCAB + rnd.nextInt(1000)).build());
            case NON_FINITE :
                return AvroCodec.encode(Event.newBuilder(base).setToken(null)
                        .setFeatures(List.of(1f, rnd.nextBoolean() ? Float.NaN : Float.POSITIVE_INFINITY)).build());
            case MEGABYTE_KEY : {
                char[] key = new char[1_000_000];
                Arrays.fill(key, 'k');
                return AvroCodec.encode(Event.newBuilder(base).setKey(new String(key)).build());
            }
            default :
                throw new IllegalStateException();
        }
    }

    /** Heap in use right after a full GC: the live set of this JVM (broker, job and test), not garbage. */
    static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Test
    @Timeout(3600)
    void everyBadRecordIsADeadLetterOfItsKindAndEveryValidEventIsPredictedOnce(@InjectMiniCluster MiniCluster cluster) throws Exception {
        String id = "poison-" + RECORDS;
        kafka.createTopic(id + "-events", 2, Map.of("max.message.bytes", String.valueOf(2 << 20)));
        kafka.createTopic(id + "-predictions", 2, Map.of());
        kafka.createTopic(id + "-dead-letters", 1, Map.of());
        JobConfig config = JobConfig.fromArgs("--kafka.bootstrap", kafka.bootstrapServers(), "--kafka.group-id", id,
                "--kafka.transactional-id-prefix", id, "--kafka.transaction-timeout", "5m", "--topics.events", id + "-events",
                "--topics.predictions", id + "-predictions", "--topics.dead-letters", id + "-dead-letters", "--models.watch", "false",
                "--source.start", "earliest", "--parallelism", "2", "--batch.size", "256", "--checkpoint.interval", "1s",
                "--checkpoint.dir", Path.of(PredictionJobKafkaTest.TMP, "checkpoints-" + id).toUri().toString(), "--top-k", "3",
                "--output.full-vector", "true", "--dead-letters.max-raw-bytes", "4096");

        // Write: 70% valid events of KEYS keys (in order per key), 30% poison, round robin over the kinds.
        Random rnd = new Random(18);
        Map<String, ErrorKind> expectedDead = new ConcurrentHashMap<>(); // "partition@offset" -> kind
        Map<String, Boolean> flipped = new ConcurrentHashMap<>();
        int[] eventsOfKey = new int[KEYS];
        Map<Poison, Integer> poisonCount = new HashMap<>();
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        pp.put(ProducerConfig.ACKS_CONFIG, "all");
        pp.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        pp.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(2 << 20));
        String topic = id + "-events";
        int poisonKinds = Poison.values().length;
        long megabyteEvery = Math.max(2_000, RECORDS / 50);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
            long poisonIndex = 0;
            for (long i = 0; i < RECORDS; i++) {
                if (rnd.nextInt(10) < 7) {
                    int k = rnd.nextInt(KEYS);
                    Event e = clean(k, eventsOfKey[k]++, rnd);
                    producer.send(new ProducerRecord<>(topic, e.getKey().getBytes(StandardCharsets.UTF_8), AvroCodec.encode(e)));
                } else {
                    Poison p = i % megabyteEvery == 0 ? Poison.MEGABYTE_KEY : Poison.values()[(int) (poisonIndex++ % (poisonKinds - 1))];
                    poisonCount.merge(p, 1, Integer::sum);
                    byte[] key = new byte[rnd.nextInt(16)];
                    rnd.nextBytes(key);
                    producer.send(new ProducerRecord<>(topic, key, poisonValue(p, i, rnd)), (md, ex) -> {
                        if (ex == null) {
                            String at = md.partition() + "@" + md.offset();
                            if (p == Poison.FLIPPED) {
                                flipped.put(at, true);
                            } else {
                                expectedDead.put(at, expected(p));
                            }
                        }
                    });
                }
            }
            producer.flush();
        }
        int clean = Arrays.stream(eventsOfKey).sum();
        assertThat(expectedDead.size() + flipped.size() + clean).as("every record written").isEqualTo(RECORDS);
        assertThat(poisonCount.keySet()).containsExactlyInAnyOrder(Poison.values());

        // Run the bounded job while sampling the heap after GC.
        AtomicBoolean running = new AtomicBoolean(true);
        List<Long> heap = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread sampler = new Thread(() -> {
            while (running.get()) {
                heap.add(heapAfterGc());
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        long t0 = System.nanoTime();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        KafkaPredictionJob.build(env, StepModelBackend.of(PredictionJobKafkaTest.MODEL, 3), config, true);
        JobExecutionResult result = env.execute("poisoned input, " + RECORDS + " records");
        double seconds = (System.nanoTime() - t0) / 1e9;
        running.set(false);
        sampler.join();
        var graph = cluster.getArchivedExecutionGraph(result.getJobID()).get();
        assertThat(graph.getState()).isEqualTo(JobStatus.FINISHED);
        assertThat(graph.getStatusTimestamp(JobStatus.RESTARTING)).as("the job never restarted").isZero();

        // Dead letters: each expected one at its offset with its kind; flipped records: a dead letter or a prediction.
        AtomicLong flippedDead = new AtomicLong();
        Map<ErrorKind, Integer> kinds = new HashMap<>();
        stream(id + "-dead-letters", r -> {
            DeadLetter d = AvroCodec.decode(r.value(), DeadLetter.class);
            String at = d.getPartition() + "@" + d.getOffset();
            kinds.merge(d.getErrorKind(), 1, Integer::sum);
            ErrorKind want = expectedDead.remove(at);
            if (want != null) {
                assertThat(d.getErrorKind()).as("dead letter at %s: %s", at, d.getMessage()).isEqualTo(want);
            } else {
                assertThat(flipped.remove(at)).as("a dead letter at %s that was not a bad record: %s", at, d.getMessage()).isNotNull();
                flippedDead.incrementAndGet();
            }
            assertThat(d.getMessage().length()).as("message length").isLessThan(2_000);
        });
        assertThat(expectedDead).as("bad records without a dead letter").isEmpty();

        // Predictions: per key in order, stepped along with a reference stepper (memory independent of the count).
        StepModel ref = StepModel.compileScalar(PredictionJobKafkaTest.MODEL);
        Stepper stepper = ref.newStepper(1);
        float[][] state = new float[KEYS][];
        int[] seen = new int[KEYS];
        Random replay = new Random(18);
        int[][] tokens = replayTokens(replay, eventsOfKey);
        AtomicLong otherKeys = new AtomicLong();
        float[][] out = { new float[ref.outputSize()] };
        stream(id + "-predictions", r -> {
            Prediction p = AvroCodec.decode(r.value(), Prediction.class);
            if (!p.getKey().startsWith("user-")) {
                otherKeys.incrementAndGet(); // a flipped record that still decoded, as a key of its own
                return;
            }
            int k = Integer.parseInt(p.getKey().substring(5));
            int t = seen[k]++;
            assertThat(p.getStep()).as("step of %s", p.getKey()).isEqualTo(t + 1);
            if (state[k] == null) {
                state[k] = ref.newState();
            }
            stepper.stepTokens(new float[][]{ state[k] }, new int[]{ tokens[k][t] }, 1, out);
            for (int j = 0; j < out[0].length; j++) {
                assertThat((double) p.getOutput().get(j)).as("%s step %d class %d", p.getKey(), t + 1, j).isCloseTo(out[0][j],
                        within(1e-5));
            }
        });
        assertThat(seen).as("every valid event predicted once").containsExactly(eventsOfKey);
        assertThat(otherKeys.get()).as("every flipped record without a dead letter is predicted, once").isEqualTo(flipped.size());

        long maxHeap = heap.stream().mapToLong(Long::longValue).max().orElse(0);
        System.out.printf("poisoned input: %d records (%d valid, %s) in %.1f s, %.0f records/s; dead letters by kind %s; "
                + "flipped: %d dead, %d decoded; heap after GC: first %d MiB, max %d MiB, last %d MiB (%d samples)%n",
                RECORDS, clean, poisonCount, seconds, RECORDS / seconds, kinds, flippedDead.get(), otherKeys.get(),
                heap.isEmpty() ? 0 : heap.get(0) >> 20, maxHeap >> 20, heap.isEmpty() ? 0 : heap.get(heap.size() - 1) >> 20, heap.size());
        assertThat(maxHeap).as("heap after GC").isLessThan(Runtime.getRuntime().maxMemory() / 2);
    }

    /** The tokens the writer drew, per key, by replaying its random sequence. */
    static int[][] replayTokens(Random rnd, int[] eventsOfKey) {
        int[][] tokens = new int[KEYS][];
        for (int k = 0; k < KEYS; k++) {
            tokens[k] = new int[eventsOfKey[k]];
        }
        int[] n = new int[KEYS];
        int poisonKinds = Poison.values().length;
        long megabyteEvery = Math.max(2_000, RECORDS / 50);
        long poisonIndex = 0;
        for (long i = 0; i < RECORDS; i++) {
            if (rnd.nextInt(10) < 7) {
                int k = rnd.nextInt(KEYS);
                tokens[k][n[k]++] = clean(k, 0, rnd).getToken();
            } else {
                Poison p = i % megabyteEvery == 0 ? Poison.MEGABYTE_KEY : Poison.values()[(int) (poisonIndex++ % (poisonKinds - 1))];
                rnd.nextBytes(new byte[rnd.nextInt(16)]);
                poisonValue(p, i, rnd);
            }
        }
        return tokens;
    }

    static void stream(String topic, java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> each) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (!parts.stream().allMatch(tp -> c.position(tp) >= end.get(tp))) {
                assertThat(System.nanoTime()).as("reading %s", topic).isLessThan(deadline);
                c.poll(Duration.ofMillis(200)).forEach(each);
            }
        }
    }
}
