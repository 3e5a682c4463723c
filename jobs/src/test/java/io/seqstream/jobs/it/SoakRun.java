package io.seqstream.jobs.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.jobs.KafkaPredictionJob;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.model.StepModelBackend;
import io.seqstream.jobs.retrain.ModelsTopic;
import io.seqstream.jobs.testing.Snapshots;
import io.seqstream.jobs.testing.TestModels;
import io.seqstream.model.Model;
import io.seqstream.schemas.AvroCodec;
import io.seqstream.schemas.Event;
import io.seqstream.schemas.Prediction;
import io.seqstream.testkit.EmbeddedKafka;
import io.seqstream.testkit.SessionGenerator;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.checkpoint.CompletedCheckpointStats;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole pipeline for {@code -Dsoak.minutes=N} (default 1): the job with retraining on and a published model
 * version every minute (every third of the run when shorter), fed at half the throughput it showed on a burst first.
 * Every 10 s it records heap after GC, RSS, threads, the last checkpoint's size and duration, and the p99 latency
 * from an event's send time to its prediction reaching a read_committed consumer. At the end: every event predicted
 * exactly once (steps per key consecutive from 1), the job never restarted, and the table. The 30-minute run of
 * docs/RELIABILITY.md is {@code -Dsoak.minutes=30}; it also checks that heap, RSS and threads of the last fifth stay
 * within 10 % (plus 32 MiB / 8 threads of noise) of the first fifth.
 *
 * <p>A command, not part of {@code mvn verify} (the name matches no test pattern):
 * {@code mvn -B -o -pl jobs -am test -Dtest=SoakRun -Dsurefire.failIfNoSpecifiedTests=false -Dsoak.minutes=30}.
 */
class SoakRun {
    static final double MINUTES = Double.parseDouble(System.getProperty("soak.minutes", "1"));
    static final int KEYS = 1000;
    static final int VOCAB = SessionGenerator.VOCABULARY;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).setConfiguration(PredictionJobKafkaTest.flinkConfig()).build());

    record Sample(double minute, long sent, long predicted, long heapMiB, long rssMiB, int threads, long checkpointKiB,
            long checkpointMs, long p99Ms) {
    }

    @Test
    @Timeout(value = 240, unit = java.util.concurrent.TimeUnit.MINUTES)
    void thePipelineRunsFlatWithRetrainingAndSwaps(@InjectMiniCluster MiniCluster cluster) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(Path.of(PredictionJobKafkaTest.TMP))) {
            String bs = kafka.bootstrapServers();
            String id = "soak";
            kafka.createTopic(id + "-events", 2, Map.of());
            kafka.createTopic(id + "-predictions", 2, Map.of());
            kafka.createTopic(id + "-dead-letters", 1, Map.of());
            kafka.createTopic(id + "-models", 1, Map.of("cleanup.policy", "compact", "max.message.bytes", String.valueOf(16 << 20)));
            JobConfig config = JobConfig.fromArgs("--kafka.bootstrap", bs, "--kafka.group-id", id, "--kafka.transactional-id-prefix", id,
                    "--kafka.transaction-timeout", "5m", "--topics.events", id + "-events", "--topics.predictions", id + "-predictions",
                    "--topics.dead-letters", id + "-dead-letters", "--topics.models", id + "-models", "--source.start", "earliest",
                    "--parallelism", "2", "--checkpoint.interval", "2s", "--state.ttl", "0",
                    "--checkpoint.dir", Path.of(PredictionJobKafkaTest.TMP, "checkpoints-soak").toUri().toString(),
                    "--retrain.enabled", "true", "--retrain.interval", "20s", "--retrain.window", "20s", "--retrain.epochs", "1",
                    "--retrain.sample-size", "2000", "--retrain.sequence-length", "8", "--retrain.min-sequences", "50",
                    "--swap.state-policy", "keep", "--watermark.out-of-orderness", "1s");
            Model a = TestModels.tokenModel(VOCAB, 8, 16, 1);
            List<Model> swaps = List.of(TestModels.tokenModel(VOCAB, 8, 16, 2), TestModels.tokenModel(VOCAB, 8, 16, 3));

            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            KafkaPredictionJob.build(env, StepModelBackend.of(a, 1), config, false);
            JobClient job = env.executeAsync("soak");
            long[] sentPerKey = new long[KEYS];
            long[] stepOfKey = new long[KEYS];
            AtomicLong predicted = new AtomicLong();
            AtomicLong problems = new AtomicLong();
            List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean reading = new AtomicBoolean(true);
            Thread reader = new Thread(() -> read(bs, id + "-predictions", reading, stepOfKey, predicted, problems, latencies),
                    "soak-reader");
            reader.start();
            Properties pp = new Properties();
            pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bs);
            pp.put(ProducerConfig.LINGER_MS_CONFIG, "5");
            List<Sample> samples = new ArrayList<>();
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
                SessionGenerator g = new SessionGenerator(5, 6);
                SessionGenerator.Cursor[] cursors = new SessionGenerator.Cursor[KEYS];
                long[] sent = { 0 };
                java.util.function.IntConsumer send = k -> {
                    cursors[k] = cursors[k] == null ? new SessionGenerator.Cursor() : cursors[k];
                    Event e = Event.newBuilder().setKey("k" + k).setEventTime(System.currentTimeMillis())
                            .setToken(g.next(cursors[k]).token()).build();
                    sentPerKey[k]++;
                    sent[0]++;
                    producer.send(new ProducerRecord<>(id + "-events", e.getKey().getBytes(StandardCharsets.UTF_8), AvroCodec.encode(e)));
                };
                // Burst: 20,000 events at once; the time until all are predicted gives the throughput.
                long t0 = System.nanoTime();
                for (int i = 0; i < 20_000; i++) {
                    send.accept(i % KEYS);
                }
                producer.flush();
                await(() -> predicted.get() >= 20_000, Duration.ofMinutes(5), "the burst predicted");
                double throughput = 20_000 / ((System.nanoTime() - t0) / 1e9);
                double rate = throughput / 2;
                System.out.printf(Locale.ROOT,
                        "soak: burst throughput %.0f events/s (with checkpoint waits); soaking at %.0f events/s for %.1f min%n",
                        throughput, rate, MINUTES);

                long start = System.nanoTime();
                long end = start + (long) (MINUTES * 60e9);
                long swapEvery = (long) (Math.min(60, MINUTES * 60 / 3) * 1e9);
                long nextSwap = start + swapEvery;
                long nextSample = start;
                int swapIndex = 0;
                int key = 0;
                while (System.nanoTime() < end) {
                    long now = System.nanoTime();
                    long due = (long) ((now - start) / 1e9 * rate);
                    while (sent[0] - 20_000 < due) {
                        send.accept(key);
                        key = (key + 7) % KEYS;
                    }
                    if (now >= nextSwap) {
                        ModelsTopic.publish(bs, id + "-models", new Properties(),
                                Snapshots.snapshot(swaps.get(swapIndex % 2), 1_000_000L + 1_000L * ++swapIndex));
                        nextSwap += swapEvery;
                    }
                    if (now >= nextSample) {
                        samples.add(sample((now - start) / 60e9, sent[0], predicted.get(), cluster, job, latencies));
                        nextSample += 10_000_000_000L;
                    }
                    Thread.sleep(5);
                }
                producer.flush();
                long total = sent[0];
                await(() -> predicted.get() >= total, Duration.ofMinutes(5), "every event predicted");
                Thread.sleep(3000); // more checkpoints: a duplicate would show now
                samples.add(sample(MINUTES, total, predicted.get(), cluster, job, latencies));
                var graph = cluster.getExecutionGraph(job.getJobID()).get();
                assertThat(graph.getState()).isEqualTo(JobStatus.RUNNING);
                assertThat(graph.getStatusTimestamp(JobStatus.RESTARTING)).as("the job never restarted").isZero();
                reading.set(false);
                reader.join();
                assertThat(problems.get()).as("gaps or duplicates").isZero();
                assertThat(predicted.get()).as("predictions").isEqualTo(total);
                assertThat(stepOfKey).as("steps per key").containsExactly(sentPerKey);
                System.out.println("soak: " + total + " events, " + predicted.get() + " predictions, 0 lost, 0 duplicated, "
                        + swapIndex + " published versions");
            } finally {
                reading.set(false);
                job.cancel().get();
            }
            System.out.println("| minute | events sent | predicted | heap after GC (MiB) | RSS (MiB) | threads | checkpoint (KiB) "
                    + "| checkpoint (ms) | p99 latency (ms) |");
            System.out.println("|---|---|---|---|---|---|---|---|---|");
            samples.forEach(s -> System.out.printf(Locale.ROOT, "| %.2f | %d | %d | %d | %d | %d | %d | %d | %d |%n", s.minute(), s.sent(),
                    s.predicted(), s.heapMiB(), s.rssMiB(), s.threads(), s.checkpointKiB(), s.checkpointMs(), s.p99Ms()));
            if (MINUTES >= 10) {
                int fifth = Math.max(1, samples.size() / 5);
                List<Sample> first = samples.subList(1, 1 + fifth), last = samples.subList(samples.size() - 1 - fifth, samples.size() - 1);
                assertFlat("heap after GC", first.stream().mapToLong(Sample::heapMiB).max().orElseThrow(),
                        last.stream().mapToLong(Sample::heapMiB).max().orElseThrow(), 32);
                assertFlat("RSS", first.stream().mapToLong(Sample::rssMiB).max().orElseThrow(),
                        last.stream().mapToLong(Sample::rssMiB).max().orElseThrow(), 32);
                assertFlat("threads", first.stream().mapToLong(Sample::threads).max().orElseThrow(),
                        last.stream().mapToLong(Sample::threads).max().orElseThrow(), 8);
            }
        }
    }

    static void assertFlat(String what, long first, long last, long noise) {
        assertThat(last).as("%s of the last fifth vs the first fifth (%d)", what, first).isLessThanOrEqualTo((long) (first * 1.1) + noise);
    }

    static Sample sample(double minute, long sent, long predicted, MiniCluster cluster, JobClient job, List<Long> latencies)
            throws Exception {
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
        long rss = 0;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10;
            }
        }
        int threads = ManagementFactory.getThreadMXBean().getThreadCount();
        CompletedCheckpointStats cp = cluster.getExecutionGraph(job.getJobID()).get().getCheckpointStatsSnapshot().getHistory()
                .getLatestCompletedCheckpoint();
        long[] l;
        synchronized (latencies) {
            l = latencies.stream().mapToLong(Long::longValue).toArray();
            latencies.clear();
        }
        Arrays.sort(l);
        long p99 = l.length == 0 ? -1 : l[Math.min(l.length - 1, (int) Math.ceil(l.length * 0.99) - 1)];
        return new Sample(minute, sent, predicted, heap, rss, threads, cp == null ? -1 : cp.getStateSize() >> 10,
                cp == null ? -1 : cp.getEndToEndDuration(), p99);
    }

    /** read_committed, as predictions come: per key the steps must run 1, 2, 3, ...; latency = receive time - event time. */
    static void read(String bootstrap, String topic, AtomicBoolean running, long[] stepOfKey, AtomicLong predicted, AtomicLong problems,
            List<Long> latencies) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
            c.assign(parts);
            c.seekToBeginning(parts);
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                    long now = System.currentTimeMillis();
                    Prediction x = AvroCodec.decode(r.value(), Prediction.class);
                    int k = Integer.parseInt(x.getKey().substring(1));
                    if (x.getStep() != stepOfKey[k] + 1) {
                        problems.incrementAndGet();
                    }
                    stepOfKey[k] = x.getStep();
                    latencies.add(now - x.getEventTime());
                    predicted.incrementAndGet();
                }
            }
        }
    }

    static void await(java.util.function.BooleanSupplier c, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!c.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out waiting for %s", what).isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
