package io.seqstream.apps.soak;

import com.fasterxml.jackson.databind.JsonNode;
import io.seqstream.apps.FlinkRest;
import io.seqstream.apps.LocalFlink;
import io.seqstream.apps.cli.Cli;
import io.seqstream.jobs.KafkaPredictionJob;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.model.StepModelBackend;
import io.seqstream.jobs.retrain.ModelSnapshots;
import io.seqstream.jobs.retrain.ModelsTopic;
import io.seqstream.model.Sequential;
import io.seqstream.model.io.ModelFile;
import io.seqstream.model.layers.Dense;
import io.seqstream.model.layers.Embedding;
import io.seqstream.model.layers.LSTM;
import io.seqstream.schemas.AvroCodec;
import io.seqstream.schemas.Event;
import io.seqstream.testkit.EmbeddedKafka;
import io.seqstream.testkit.SessionGenerator;
import io.seqstream.testkit.TempDirs;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./seqstream soak}: the whole pipeline for a while, to show nothing grows. One JVM runs an embedded broker
 * and the prediction job (parallelism 2, exactly-once, retraining on), and a model version is published on the models
 * topic every {@code --swap-every}. A burst first measures the throughput; the soak then feeds {@code --load} of it.
 * Every {@code --sample-every} a reading (heap after GC, RSS, threads, last checkpoint, p99 latency); at the end every
 * event must be predicted exactly once (each key's steps 1, 2, 3, ... read_committed), the job must never have
 * restarted, and each measure of the last {@code --window} must be within 10 % of the first (docs/RELIABILITY.md).
 * Exit code 0 when all holds, 1 otherwise.
 */
@Command(name = "seqstream soak", mixinStandardHelpOptions = true, sortOptions = false, optionListHeading = "%nOptions:%n", description = {
        "The whole pipeline at a fraction of its throughput, with retraining and model swaps, checking that nothing is lost,",
        "duplicated or grows (docs/RELIABILITY.md, Soak)." })
public final class SoakCommand implements Callable<Integer> {
    static final String ID = "soak";
    static final int VOCAB = SessionGenerator.VOCABULARY;

    @Option(names = "--minutes", paramLabel = "M", description = "How long to soak after the burst (default ${DEFAULT-VALUE}).", defaultValue = "30")
    double minutes;
    @Option(names = "--load", paramLabel = "F", description = "Fraction of the burst's throughput to feed (default ${DEFAULT-VALUE}).", defaultValue = "0.5")
    double load;
    @Option(names = "--keys", paramLabel = "N", description = "Keys (default ${DEFAULT-VALUE}).", defaultValue = "1000")
    int keys;
    @Option(names = "--units", paramLabel = "H", description = "LSTM units of the model (default ${DEFAULT-VALUE}).", defaultValue = "32")
    int units;
    @Option(names = "--burst", paramLabel = "N", description = "Events of the throughput burst: enough that the wait for the checkpoint "
            + "committing them is a small part (default ${DEFAULT-VALUE}).", defaultValue = "300000")
    int burst;
    @Option(names = "--swap-every", paramLabel = "S", description = "Seconds between published model versions (default ${DEFAULT-VALUE}).", defaultValue = "60")
    double swapEverySeconds;
    @Option(names = "--sample-every", paramLabel = "S", description = "Seconds between readings (default ${DEFAULT-VALUE}).", defaultValue = "10")
    double sampleEverySeconds;
    @Option(names = "--warmup", paramLabel = "M", description = "Minutes at the soak's rate before the first reading (default ${DEFAULT-VALUE}).", defaultValue = "1")
    double warmupMinutes;
    @Option(names = "--window", paramLabel = "M", description = "Minutes at the start and at the end compared for flatness (default ${DEFAULT-VALUE}).", defaultValue = "5")
    double windowMinutes;
    @Option(names = "--out", paramLabel = "FILE", description = "Also write the readings and the verdict to this Markdown file.")
    Path out;
    @Option(names = "--judge", paramLabel = "FILE", description = "Run nothing: judge the readings table of an earlier --out file with --window.")
    Path judge;

    public static void main(String[] args) {
        System.exit(Cli.commandLine(new SoakCommand()).execute(args)); // Kafka and Flink leave non-daemon threads behind
    }

    @Override
    public Integer call() throws Exception {
        if (judge != null) {
            List<SoakSample> recorded = Files.readAllLines(judge).stream().map(SoakSample::parse).flatMap(java.util.Optional::stream)
                    .toList();
            if (recorded.size() < 3) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--judge: " + judge + " holds " + recorded.size()
                        + " readings; a soak's --out file has one table row per reading");
            }
            List<Flatness.Row> rows = Flatness.compare(recorded, windowMinutes);
            log(Flatness.table(rows));
            return rows.stream().allMatch(Flatness.Row::flat) ? Cli.OK : Cli.FAILED;
        }
        if (minutes <= 0 || load <= 0 || load > 1 || keys < 1 || burst < keys || swapEverySeconds <= 0 || sampleEverySeconds <= 0
                || warmupMinutes < 0) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "need --minutes > 0, 0 < --load <= 1, --keys >= 1, --burst >= --keys, --swap-every and --sample-every > 0, --warmup >= 0");
        }
        Path work = Files.createTempDirectory("seqstream-soak");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(work.resolve("kafka"))) {
            return soak(kafka, work);
        } finally {
            TempDirs.deleteRecursively(work);
        }
    }

    private int soak(EmbeddedKafka kafka, Path work) throws Exception {
        String bs = kafka.bootstrapServers();
        kafka.createTopic(ID + "-events", 2, Map.of());
        kafka.createTopic(ID + "-predictions", 2, Map.of());
        kafka.createTopic(ID + "-dead-letters", 1, Map.of());
        kafka.createTopic(ID + "-models", 1, Map.of("cleanup.policy", "compact", "max.message.bytes", String.valueOf(16 << 20)));
        JobConfig config = JobConfig.fromArgs("--kafka.bootstrap", bs, "--kafka.group-id", ID, "--kafka.transactional-id-prefix", ID,
                "--kafka.transaction-timeout", "5m", "--topics.events", ID + "-events", "--topics.predictions", ID + "-predictions",
                "--topics.dead-letters", ID + "-dead-letters", "--topics.models", ID + "-models", "--source.start", "earliest",
                "--parallelism", "2", "--checkpoint.interval", "2s", "--state.ttl", "0",
                "--checkpoint.dir", work.resolve("checkpoints").toUri().toString(),
                "--retrain.enabled", "true", "--retrain.interval", "20s", "--retrain.window", "20s", "--retrain.epochs", "1",
                "--retrain.sample-size", "2000", "--retrain.sequence-length", "8", "--retrain.min-sequences", "50",
                "--swap.state-policy", "keep", "--watermark.out-of-orderness", "1s");
        List<Sequential> swaps = List.of(model(2), model(3));
        FlinkRest rest = new FlinkRest(FlinkRest.freePort());
        StreamExecutionEnvironment env = LocalFlink.environment(config, work, LocalFlink.withRestPort(new Configuration(), rest.port()));
        KafkaPredictionJob.build(env, StepModelBackend.of(model(1), 1), config, false);
        JobClient job = env.executeAsync("soak");
        PredictionReader reader = new PredictionReader(bs, ID + "-predictions", keys);
        Thread readerThread = new Thread(reader, "soak-reader");
        readerThread.start();
        long[] sentPerKey = new long[keys];
        List<SoakSample> samples = new ArrayList<>();
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bs);
        pp.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        int published = 0;
        long total;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
            SessionGenerator g = new SessionGenerator(5, 6);
            SessionGenerator.Cursor[] cursors = new SessionGenerator.Cursor[keys];
            long[] sent = { 0 };
            java.util.function.IntConsumer send = k -> {
                cursors[k] = cursors[k] == null ? new SessionGenerator.Cursor() : cursors[k];
                Event e = Event.newBuilder().setKey("k" + k).setEventTime(System.currentTimeMillis()).setToken(g.next(cursors[k]).token())
                        .build();
                sentPerKey[k]++;
                sent[0]++;
                producer.send(new ProducerRecord<>(ID + "-events", e.getKey().getBytes(StandardCharsets.UTF_8), AvroCodec.encode(e)));
            };
            // The burst: all at once; the time until every one is predicted (checkpoint waits included) is the throughput.
            long t0 = System.nanoTime();
            for (int i = 0; i < burst; i++) {
                send.accept(i % keys);
            }
            producer.flush();
            awaitPredicted(reader, burst, "the burst");
            double throughput = burst / ((System.nanoTime() - t0) / 1e9);
            double rate = throughput * load;
            log(String.format(Locale.ROOT, "soak: burst throughput %.0f events/s (exactly-once, checkpoint waits included); "
                    + "soaking at %.0f events/s for %.1f min", throughput, rate, minutes));

            // The first --warmup minutes at the soak's rate (JIT, first checkpoints) are not read: minute 0 follows them.
            long start = System.nanoTime();
            long measured = start + (long) (warmupMinutes * 60e9);
            long end = measured + (long) (minutes * 60e9);
            long swapEvery = (long) (swapEverySeconds * 1e9);
            long sampleEvery = (long) (sampleEverySeconds * 1e9);
            long nextSwap = start + swapEvery;
            long nextSample = measured;
            int key = 0;
            while (System.nanoTime() < end) {
                long now = System.nanoTime();
                long due = (long) ((now - start) / 1e9 * rate);
                while (sent[0] - burst < due) {
                    send.accept(key);
                    key = (key + 7) % keys;
                }
                if (now >= nextSwap) {
                    published++;
                    ModelsTopic.publish(bs, ID + "-models", new Properties(), ModelSnapshots.of(ModelFile.toBytes(swaps.get(published % 2)),
                            1_000_000L + 1_000L * published, null, 0, 1, Map.of(), "soak v" + published));
                    nextSwap += swapEvery;
                }
                if (now >= nextSample) {
                    SoakSample s = sample((now - measured) / 60e9, sent[0], reader, rest, job);
                    samples.add(s);
                    log(s.row());
                    nextSample += sampleEvery;
                }
                Thread.sleep(5);
            }
            producer.flush();
            total = sent[0];
        }
        try {
            awaitPredicted(reader, total, "every event");
            Thread.sleep(3000); // a few more checkpoints: a late duplicate would show now
            samples.add(sample(minutes, total, reader, rest, job));
            JsonNode details = rest.get("/jobs/" + job.getJobID()).orElseThrow(() -> new IllegalStateException("job details unreadable"));
            long restarting = details.path("timestamps").path("RESTARTING").asLong();
            reader.stop();
            readerThread.join();
            long gaps = reader.gapsOrRepeats();
            long predicted = reader.predicted();
            boolean stepsMatch = Arrays.equals(reader.steps(), sentPerKey);
            List<Flatness.Row> flatness = Flatness.compare(samples, windowMinutes);
            StringBuilder report = new StringBuilder();
            report.append(String.format(Locale.ROOT,
                    "%nsoak: %d events sent, %d predictions read_committed, %d lost, %d duplicated or out of "
                            + "order, per-key steps %s, %d published model versions, job status %s, %s%n%n",
                    total, predicted, Math.max(0, total - predicted),
                    gaps, stepsMatch ? "all equal to the events sent" : "DIFFER from the events sent", published,
                    details.path("state").asText(), restarting == 0 ? "never restarted" : "RESTARTED"));
            report.append(SoakSample.HEADER).append('\n');
            samples.forEach(s -> report.append(s.row()).append('\n'));
            report.append('\n').append(Flatness.table(flatness));
            log(report.toString());
            if (out != null) {
                Files.writeString(out, report.toString());
            }
            boolean ok = gaps == 0 && predicted == total && stepsMatch && restarting == 0 && flatness.stream().allMatch(Flatness.Row::flat);
            log(ok ? "soak: passed" : "soak: FAILED (see above)");
            return ok ? Cli.OK : Cli.FAILED;
        } finally {
            reader.stop();
            job.cancel().get();
        }
    }

    private Sequential model(long seed) {
        Sequential m = new Sequential("soak");
        m.add(Embedding.builder(VOCAB, 8).seed(seed).build());
        m.add(LSTM.builder(units).returnSequences(true).seed(seed + 1).build());
        m.add(Dense.builder(VOCAB).activation("softmax").seed(seed + 2).build());
        m.build(-1);
        return m;
    }

    private static SoakSample sample(double minute, long sent, PredictionReader reader, FlinkRest rest, JobClient job) throws IOException {
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
        long rss = 0;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10;
            }
        }
        int threads = ManagementFactory.getThreadMXBean().getThreadCount();
        JsonNode cp = rest.get("/jobs/" + job.getJobID() + "/checkpoints").map(c -> c.path("latest").path("completed"))
                .orElse(com.fasterxml.jackson.databind.node.MissingNode.getInstance());
        long cpKiB = cp.isMissingNode() || cp.isNull() ? -1 : cp.path("state_size").asLong() >> 10;
        long cpMs = cp.isMissingNode() || cp.isNull() ? -1 : cp.path("end_to_end_duration").asLong();
        return new SoakSample(minute, sent, reader.predicted(), heap, rss, threads, cpKiB, cpMs, reader.drainLatencies());
    }

    private static void awaitPredicted(PredictionReader reader, long n, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 5 * 60_000_000_000L;
        while (reader.predicted() < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("soak: " + what + " not predicted within 5 minutes: " + reader.predicted() + " of " + n);
            }
            Thread.sleep(100);
        }
    }

    private static void log(String s) {
        System.out.println(s);
        System.out.flush();
    }

}
