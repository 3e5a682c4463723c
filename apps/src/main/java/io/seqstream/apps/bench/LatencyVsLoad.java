package io.seqstream.apps.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.seqstream.apps.FlinkRest;
import io.seqstream.apps.LocalFlink;
import io.seqstream.jobs.KafkaPredictionJob;
import io.seqstream.jobs.config.ConfigKeys;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.model.StepModelBackend;
import io.seqstream.model.Sequential;
import io.seqstream.model.layers.Dense;
import io.seqstream.model.layers.Embedding;
import io.seqstream.model.layers.LSTM;
import io.seqstream.testkit.EmbeddedKafka;
import io.seqstream.testkit.KafkaTopics;
import io.seqstream.testkit.TempDirs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * {@code ./seqstream bench --latency-vs-load}: what each delivery mode costs. For at-least-once and for exactly-once
 * at each checkpoint interval: the drain maximum (end to end: the producer writes as fast as it can while the job
 * runs, so producer, broker and job share the machine as in the paced runs), then the highest rate the job keeps up
 * with live, searched down from it ({@link SustainedRate}), then paced runs at fractions of that (default 10 %, 50 %,
 * 90 %) measuring event-to-visible-prediction latency: the event time is the producer's wall clock at send, the
 * reader (read_committed) notes the wall clock when the prediction arrives. Writes the table and a chart page
 * ({@link BenchChartPage}).
 */
public final class LatencyVsLoad {
    /** A delivery mode: at-least-once, or exactly-once with a checkpoint interval. */
    record Mode(String delivery, String interval) {
        String label() {
            return delivery.equals("at-least-once")
                    ? "at-least-once (checkpoints " + interval + ")"
                    : "exactly-once, checkpoints " + interval;
        }

        /** The checkpoint interval, parsed as the job parses it. */
        Duration checkpointInterval() {
            return JobConfig.defaults().with("checkpoint.interval", interval).get(ConfigKeys.CHECKPOINT_INTERVAL);
        }
    }

    /** One paced run. */
    record Point(double load, int rate, long count, long p50, long p99, long p999) {
    }

    /**
     * A mode's maximum throughputs and its points: {@code drainPerSecond} working off a backlog, {@code maxPerSecond}
     * the highest rate it kept up with live (the loads' 100 %; {@code sustained} false when no probe kept up, and
     * it is then the lowest rate probed).
     */
    record ModeResult(Mode mode, double drainPerSecond, double maxPerSecond, boolean sustained, List<Point> points) {
    }

    /** A paced run's reader statistics and its checkpoints' summary. */
    private record PacedRun(OutputStats stats, String checkpoints) {
    }

    /** A whole benchmark run: the instance (its setup, for the table's first line) and every mode's results. */
    private record Run(LatencyVsLoad bench, List<ModeResult> results) {
    }

    private final String bootstrap;
    private final Admin admin;
    private final Path brokerDir; // where an embedded broker keeps its log
    // The topics of the job running now: deleted when it ends, so the broker's log holds one job's records at a time.
    private final List<String> topics = new ArrayList<>();
    private final Path work;
    private final Map<String, String> jobFlags;
    private final int keys, partitions, vocab, embedding, units, seconds;
    private final long maxEvents;
    private final int maxIntervals;
    private final int producerLingerMs;
    private final int keepUpMs, sustainSteps;
    private final Map<String, String> flinkEntries; // --flink: on top of the job's own Flink settings
    private int run;
    // Topic names differ between benchmark runs: an external broker keeps the topics of earlier ones.
    private final String runId = Long.toString(System.currentTimeMillis(), 36);

    private LatencyVsLoad(String bootstrap, Admin admin, Path work, LatencyVsLoadOptions o) {
        this.bootstrap = bootstrap;
        this.admin = admin;
        this.brokerDir = o.brokerDir;
        this.work = work;
        this.keys = o.keys;
        this.partitions = o.partitions;
        this.vocab = o.vocab;
        this.embedding = o.embedding;
        this.units = o.units;
        this.seconds = o.seconds;
        this.maxEvents = o.maxEvents;
        this.maxIntervals = o.maxIntervals;
        this.producerLingerMs = o.producerLingerMs;
        this.keepUpMs = o.keepUpMs;
        this.sustainSteps = o.sustainSteps;
        this.jobFlags = o.jobFlags();
        this.flinkEntries = Map.copyOf(o.flinkEntries);
    }

    public static void main(String[] args) {
        int code = LatencyVsLoadOptions.commandLine(new LatencyVsLoadOptions()).execute(args);
        System.exit(code); // Kafka and Flink leave non-daemon threads behind
    }

    /** Runs the benchmark with checked options, prints the table and writes the files. */
    static int run(LatencyVsLoadOptions o) {
        try {
            runChecked(o);
            return 0;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("the benchmark failed: " + e.getMessage(), e);
        }
    }

    private static void runChecked(LatencyVsLoadOptions o) throws Exception {
        List<Mode> modes = new ArrayList<>();
        if (o.modes.contains("at-least-once")) {
            o.atLeastOnceIntervals.forEach(i -> modes.add(new Mode("at-least-once", i.trim())));
        }
        if (o.modes.contains("exactly-once")) {
            o.intervals.forEach(i -> modes.add(new Mode("exactly-once", i.trim())));
        }
        Path out = o.out;
        Path work = Files.createTempDirectory("seqstream-latency-");
        String loadBefore = loadAverage();
        Instant started = Instant.now();
        Run ran;
        // --kafka.bootstrap: a broker in another process (its allocation and threads then stay out of this JVM's GC).
        String external = o.jobFlags().get("kafka.bootstrap");
        try {
            if (external != null) {
                ran = runOn(external, work, o, modes);
            } else {
                Files.createDirectories(o.brokerDir);
                try (EmbeddedKafka kafka = EmbeddedKafka.start(o.brokerDir)) { // its log: a temp dir under --broker-dir
                    ran = runOn(kafka.bootstrapServers(), work, o, modes);
                }
            }
        } finally {
            TempDirs.deleteRecursively(work);
        }
        String context = String.format(Locale.ROOT, "%s, %s; load average before %s, after %s", started, machine(), loadBefore,
                loadAverage());
        String table = table(ran.results(), ran.bench().describe(), context);
        System.out.println();
        System.out.print(table);
        Files.createDirectories(out);
        Files.writeString(out.resolve("latency-vs-load.md"), table, StandardCharsets.UTF_8);
        Files.writeString(out.resolve("latency-vs-load.html"),
                BenchChartPage.html("seqstream latency vs load", ran.bench().describe() + "; " + context,
                        ran.results()),
                StandardCharsets.UTF_8);
        System.out.println("written: " + out.resolve("latency-vs-load.md") + ", " + out.resolve("latency-vs-load.html"));
    }

    /** Runs every mode on the broker at {@code bootstrap}; each job's topics are deleted when it ends. */
    private static Run runOn(String bootstrap, Path work, LatencyVsLoadOptions o, List<Mode> modes) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            LatencyVsLoad bench = new LatencyVsLoad(bootstrap, admin, work, o);
            try {
                return new Run(bench, bench.runAll(modes, o.loads));
            } finally {
                bench.deleteTopics(); // those of a job that failed; the broker may be someone else's: leave it as found
            }
        }
    }

    private Map<String, String> baseFlags() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("kafka.bootstrap", bootstrap);
        d.put("source.start", "earliest");
        d.put("checkpoint.dir", work.resolve("checkpoints").toUri().toString());
        d.putAll(jobFlags);
        return d;
    }

    String describe() {
        JobConfig c = JobConfig.fromFlags(baseFlags());
        return String.format(Locale.ROOT,
                "Embedding(%d,%d) -> LSTM(%d) -> Dense(%d, softmax), %,d keys, %d partitions; parallelism %d, batch %d / %d ms, "
                        + "network buffer timeout %s; paced producer linger.ms %d; broker %s",
                vocab, embedding, units, vocab, keys, partitions, c.parallelism(), c.batchSize(), c.batchTimeoutMs(),
                c.get(ConfigKeys.NETWORK_BUFFER_TIMEOUT).toMillis() + " ms", producerLingerMs,
                jobFlags.containsKey("kafka.bootstrap")
                        ? "at " + bootstrap + " (another process)"
                        : "in this JVM, its log under " + brokerDir)
                // exactly-once latency follows the checkpoint storage's write latency (docs/BENCHMARKS.md)
                + "; checkpoints in " + jobFlags.getOrDefault("checkpoint.dir", "a temp dir under " + System.getProperty("java.io.tmpdir"))
                + (flinkEntries.isEmpty() ? "" : "; Flink " + new TreeMap<>(flinkEntries));
    }

    private List<ModeResult> runAll(List<Mode> modes, List<Double> loads) throws Exception {
        Sequential model = new Sequential("bench");
        model.add(Embedding.builder(vocab, embedding).seed(1).build());
        model.add(LSTM.builder(units).returnSequences(true).seed(2).build());
        model.add(Dense.builder(vocab).activation("softmax").seed(3).build());
        model.build(-1);
        StepModelBackend engine = StepModelBackend.of(model, 1);
        EventWriter writer = new EventWriter(bootstrap, keys, vocab, 42);
        // The paced runs measure latency: their producer sends each event at once unless told otherwise.
        EventWriter pacedWriter = new EventWriter(bootstrap, keys, vocab, 43, producerLingerMs);
        log("warm-up (not reported)");
        maxRun(engine, writer, modes.get(0), maxEvents);
        List<ModeResult> results = new ArrayList<>();
        for (Mode m : modes) {
            double drain = maxThroughput(engine, writer, m);
            SustainedRate.Result sustained = SustainedRate.search(drain, sustainSteps, rate -> keepsUp(engine, pacedWriter, m, rate));
            List<Point> points = new ArrayList<>();
            for (double load : loads) {
                points.add(paced(engine, pacedWriter, m, load, SustainedRate.rate(sustained.rate(), load)));
            }
            results.add(new ModeResult(m, drain, sustained.rate(), sustained.sustained(), points));
        }
        writer.close();
        pacedWriter.close();
        return results;
    }

    private JobConfig config(Mode m, String name) {
        String id = "lat-" + runId + "-" + (++run) + "-" + name;
        createTopic(id + "-events", partitions);
        createTopic(id + "-predictions", partitions);
        createTopic(id + "-dead-letters", 1);
        return JobConfig.fromFlags(baseFlags()).with("delivery", m.delivery()).with("checkpoint.interval", m.interval())
                .with("topics.events", id + "-events").with("topics.predictions", id + "-predictions")
                .with("topics.dead-letters", id + "-dead-letters").with("kafka.group-id", id).with("kafka.transactional-id-prefix", id);
    }

    private void createTopic(String name, int partitions) {
        KafkaTopics.create(admin, bootstrap, name, partitions, Map.of());
        topics.add(name);
    }

    private void deleteTopics() throws Exception {
        if (!topics.isEmpty()) {
            admin.deleteTopics(List.copyOf(topics)).all().get();
            topics.clear();
        }
    }

    /**
     * The mode's maximum throughput, events/s end to end, over a run as long as a paced run's measured part: at least
     * {@code seconds} and {@code maxIntervals} checkpoint intervals. A run of {@code maxEvents} alone (300k by default)
     * passes in 2-3 s, before a 10 s interval has ended once: its rate leaves the checkpoints' cost out and puts the
     * paced runs' "90 %" above what the mode sustains. So a short run of {@code maxEvents} comes first; where its rate
     * says it was shorter than that, a second run with enough events gives the maximum. The short run is the slower one
     * (the new job's first seconds weigh more in it: measured 6-31 % below the long run), so the second is sized for a
     * quarter more than the short run's rate, to last as long as asked.
     */
    private double maxThroughput(StepModelBackend engine, EventWriter writer, Mode m) throws Exception {
        double rate = maxRun(engine, writer, m, maxEvents);
        long events = maxEvents(maxEvents, 1.25 * rate, maxRunLength(seconds, maxIntervals, m.checkpointInterval()));
        return events > maxEvents ? maxRun(engine, writer, m, events) : rate;
    }

    /** How long a maximum-throughput run must last: {@code seconds}, and {@code intervals} checkpoint intervals. */
    static Duration maxRunLength(int seconds, int intervals, Duration checkpointInterval) {
        Duration d = checkpointInterval.multipliedBy(intervals);
        return d.compareTo(Duration.ofSeconds(seconds)) > 0 ? d : Duration.ofSeconds(seconds);
    }

    /** Events/s end to end: the producer writes {@code events} as fast as it can while the job runs. */
    private double maxRun(StepModelBackend engine, EventWriter writer, Mode m, long events) throws Exception {
        JobConfig cfg = config(m, "max");
        StreamExecutionEnvironment env = LocalFlink.environment(cfg, work, Configuration.fromMap(flinkEntries));
        KafkaPredictionJob.build(env, engine, cfg, false);
        JobClient job = awaitRunning(env.executeAsync("latency-vs-load max " + m.label()));
        OutputStats stats = OutputStats.forThroughput(bootstrap, cfg.get(ConfigKeys.TOPIC_PREDICTIONS));
        Thread reader = start(stats);
        long t0 = System.currentTimeMillis();
        writer.write(cfg.get(ConfigKeys.TOPIC_EVENTS), events);
        boolean all = stats.await(events, Duration.ofSeconds(600));
        stats.stop();
        reader.join();
        job.cancel().get();
        deleteTopics();
        if (!all) {
            throw new IllegalStateException(m.label() + ": only " + stats.count() + " of " + events + " predictions");
        }
        double rate = events * 1000.0 / (stats.lastProcessingTime() - t0);
        log(String.format(Locale.ROOT, "%-36s max %,.0f events/s (%,d events in %.1f s)", m.label(), rate, events,
                (stats.lastProcessingTime() - t0) / 1000.0));
        return rate;
    }

    /** Events of a maximum-throughput run: at least {@code min}, and enough to last {@code length} at {@code estimate}/s. */
    static long maxEvents(long min, double estimate, Duration length) {
        return Math.max(min, (long) Math.ceil(estimate * length.toMillis() / 1000.0));
    }

    /**
     * A probe of {@link SustainedRate}: a paced run at {@code rate} for {@code --seconds} and at least one checkpoint
     * interval; the job kept up when the worker's own latency (event to prediction computed, before any commit) stayed
     * within {@code --keep-up-ms} at p99. A job that falls behind by a few percent builds a backlog of seconds in that
     * time.
     */
    private boolean keepsUp(StepModelBackend engine, EventWriter writer, Mode m, int rate) throws Exception {
        long measured = Math.max(seconds, (m.checkpointInterval().toMillis() + 999) / 1000 + 1);
        PacedRun run = pacedRun(engine, writer, m, rate, measured);
        long p99 = run.stats().computed.percentile(0.99);
        boolean ok = p99 <= keepUpMs;
        log(String.format(Locale.ROOT, "%-36s probe %,d events/s: computed p99 %d ms: %s", m.label(), rate, p99,
                ok ? "kept up" : "fell behind"));
        return ok;
    }

    /** A paced run at {@code rate}: 2 s warm-up, then the measured seconds (at least three checkpoint intervals). */
    private Point paced(StepModelBackend engine, EventWriter writer, Mode m, double load, int rate) throws Exception {
        PacedRun run = pacedRun(engine, writer, m, rate, Math.max(seconds, 3 * m.checkpointInterval().toSeconds()));
        OutputStats stats = run.stats();
        Point p = new Point(load, rate, stats.visible.count(), stats.visible.percentile(0.5), stats.visible.percentile(0.99),
                stats.visible.percentile(0.999));
        log(String.format(Locale.ROOT, "%-36s %3.0f%% = %,d events/s: visible p50 %d ms, p99 %d ms, p99.9 %d ms (%,d predictions); %s",
                m.label(), load * 100, rate, p.p50(), p.p99(), p.p999(), p.count(), run.checkpoints()));
        return p;
    }

    /** 2 s warm-up at {@code rate}, then {@code measured} seconds whose predictions the reader times. */
    private PacedRun pacedRun(StepModelBackend engine, EventWriter writer, Mode m, int rate, long measured) throws Exception {
        JobConfig cfg = config(m, "paced");
        int restPort = FlinkRest.freePort();
        StreamExecutionEnvironment env = LocalFlink.environment(cfg, work,
                LocalFlink.withRestPort(Configuration.fromMap(flinkEntries), restPort));
        KafkaPredictionJob.build(env, engine, cfg, false);
        JobClient job = awaitRunning(env.executeAsync("latency-vs-load " + m.label() + " at " + rate + "/s"));
        String topic = cfg.get(ConfigKeys.TOPIC_EVENTS);
        long warm = writer.writePaced(topic, rate, 2);
        OutputStats stats = new OutputStats(bootstrap, cfg.get(ConfigKeys.TOPIC_PREDICTIONS), System.currentTimeMillis());
        Thread reader = start(stats);
        long sent = warm + writer.writePaced(topic, rate, (int) measured);
        boolean all = stats.await(sent, Duration.ofSeconds(120 + 2 * m.checkpointInterval().toSeconds()));
        stats.stop();
        reader.join();
        String checkpoints = checkpointSummary(new FlinkRest(restPort), job);
        job.cancel().get();
        deleteTopics();
        if (!all) {
            throw new IllegalStateException(m.label() + " at " + rate + "/s: only " + stats.count() + " of " + sent + " predictions");
        }
        return new PacedRun(stats, checkpoints);
    }

    /**
     * The run's checkpoints as the REST API sums them up (count, end-to-end duration p50 / p99 / max): an exactly-once
     * prediction becomes visible only when the checkpoint after it completes, so their duration is part of its latency.
     */
    static String checkpointSummary(FlinkRest rest, JobClient job) {
        return rest.get("/jobs/" + job.getJobID() + "/checkpoints").map(LatencyVsLoad::checkpointSummary).orElse("checkpoints: -");
    }

    static String checkpointSummary(JsonNode c) {
        JsonNode d = c.path("summary").path("end_to_end_duration");
        return String.format(Locale.ROOT, "checkpoints: %d completed, end to end p50 %d ms, p99 %d ms, max %d ms",
                c.path("counts").path("completed").asLong(), d.path("p50").asLong(), d.path("p99").asLong(), d.path("max").asLong());
    }

    static String table(List<ModeResult> results, String setup, String context) {
        // Against the first at-least-once run; "-" when only exactly-once ran.
        double alo = results.stream().filter(r -> r.mode().delivery().equals("at-least-once")).findFirst().map(ModeResult::maxPerSecond)
                .orElse(Double.NaN);
        StringBuilder sb = new StringBuilder();
        sb.append(setup).append('\n').append(context).append("\n\n");
        sb.append(
                "| mode | drain events/s | kept up with, events/s (= 100 %) | vs at-least-once | load | events/s | visible p50 | p99 | p99.9 |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (ModeResult r : results) {
            for (Point p : r.points()) {
                sb.append(String.format(Locale.ROOT, "| %s | %,.0f | %s%,.0f | %s | %.0f%% | %,d | %d ms | %d ms | %d ms |%n",
                        r.mode().label(),
                        r.drainPerSecond(), r.sustained() ? "" : "none; lowest probed ", r.maxPerSecond(),
                        Double.isNaN(alo) ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * r.maxPerSecond() / alo),
                        100 * p.load(), p.rate(), p.p50(), p.p99(), p.p999()));
            }
        }
        return sb.toString();
    }

    private static JobClient awaitRunning(JobClient job) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (job.getJobStatus().get() != JobStatus.RUNNING) {
            if (job.getJobStatus().get().isGloballyTerminalState() || System.nanoTime() > deadline) {
                throw new IllegalStateException("benchmark job did not start: " + job.getJobStatus().get());
            }
            Thread.sleep(20);
        }
        return job;
    }

    private static Thread start(Runnable r) {
        Thread t = new Thread(r, "latency-vs-load-reader");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " / " + f[1] + " / " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String machine() {
        String cpu = "unknown CPU";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException e) {
            // keep "unknown CPU"
        }
        return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version");
    }

    private static void log(String s) {
        System.out.println("[latency-vs-load] " + s);
    }

}
