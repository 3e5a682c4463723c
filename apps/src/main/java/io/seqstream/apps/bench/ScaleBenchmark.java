package io.seqstream.apps.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.seqstream.apps.FlinkRest;
import io.seqstream.apps.LocalFlink;
import io.seqstream.apps.cli.Cli;
import io.seqstream.apps.cli.JobFlags;
import io.seqstream.jobs.KafkaPredictionJob;
import io.seqstream.jobs.config.ConfigKeys;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.model.StepModelBackend;
import io.seqstream.model.Sequential;
import io.seqstream.model.layers.Dense;
import io.seqstream.model.layers.Embedding;
import io.seqstream.model.layers.LSTM;
import io.seqstream.testkit.EmbeddedKafka;
import io.seqstream.testkit.TempDirs;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./seqstream scale-bench}: the prediction job at growing key counts and on both state backends. One JVM
 * runs an embedded broker and, per cell (keys x backend), with every key getting exactly {@code --events-per-key}
 * events (passes over all keys in a new random order each, so a key's next event comes a key count later):
 * <ol>
 *   <li>job only: the job reads a backlog written before it started; events/s between its first and last
 *       prediction; process CPU time per event. Every cell's backlog is written first, then the job-only runs go in
 *       {@code --rounds} rotated rounds (round r starts at cell r), and the table gives each cell's median: the JIT
 *       keeps compiling for minutes, so a single first run understates whichever cell comes first;</li>
 *   <li>end to end: the job runs while the producer writes the same number of events; events/s from the first
 *       event sent to the last prediction computed. Its periodic checkpoints during the load are the
 *       incremental ones (duration, bytes uploaded); when every prediction is in, the state's size is taken
 *       (heap used after a GC minus before the job, or the RocksDB instance's files) and a FULL checkpoint is
 *       triggered through the REST API (duration, size);</li>
 *   <li>restore: a new job restores that full checkpoint; time from submission to every task running (against
 *       the same time for the fresh job of step 2: the difference is the restore); then
 *       events at a fixed rate over the same keys give the computed latency p50/p99 with the state full.</li>
 * </ol>
 */
@Command(name = "seqstream scale-bench", mixinStandardHelpOptions = true, sortOptions = false, optionListHeading = "%nOptions:%n", description = {
        "The prediction job at growing key counts on both state backends (docs/BENCHMARKS.md, State at scale).",
        "Any other --<job config key> <value> (jobs/CONFIG.md) applies to every run." })
public final class ScaleBenchmark implements Callable<Integer> {
    @Option(names = "--keys", paramLabel = "N[,N...]", split = ",", description = "Key counts (default ${DEFAULT-VALUE}).", defaultValue = "10000,100000,1000000")
    List<Integer> keyCounts;
    @Option(names = "--backends", paramLabel = "B[,B...]", split = ",", description = "State backends, of hashmap,rocksdb (default ${DEFAULT-VALUE}).", defaultValue = "hashmap,rocksdb")
    List<String> backends;
    @Option(names = "--hashmap-max-keys", paramLabel = "N", description = "Largest key count run on the heap backend (default ${DEFAULT-VALUE}).", defaultValue = "1000000")
    long hashmapMaxKeys;
    @Option(names = "--events-per-key", paramLabel = "N", description = "Events per key in each run (default ${DEFAULT-VALUE}).", defaultValue = "2")
    int eventsPerKey;
    @Option(names = "--min-events", paramLabel = "N", description = "At least this many events per run: small key counts get more events per key "
            + "(default ${DEFAULT-VALUE}).", defaultValue = "1000000")
    long minEvents;
    @Option(names = "--checkpoint-interval", paramLabel = "DURATION", description = "Checkpoint interval of every run (default ${DEFAULT-VALUE}).", defaultValue = "10s")
    String checkpointInterval;
    @Option(names = "--latency-rate", paramLabel = "R", description = "Events/s of the latency run after the restore (default ${DEFAULT-VALUE}).", defaultValue = "2000")
    int latencyRate;
    @Option(names = "--latency-seconds", paramLabel = "S", description = "Length of the latency run (default ${DEFAULT-VALUE}).", defaultValue = "10")
    int latencySeconds;
    @Option(names = "--warmup-events", paramLabel = "N", description = "Unreported warm-up run (10k keys, heap) before the cells (default ${DEFAULT-VALUE}).", defaultValue = "300000")
    long warmupEvents;
    @Option(names = "--partitions", paramLabel = "P", description = "Partitions of the benchmark topics (default ${DEFAULT-VALUE}).", defaultValue = "2")
    int partitions;
    @Option(names = "--units", paramLabel = "H", description = "LSTM units H of Embedding(1000,64) -> LSTM(H) -> Dense(1000, softmax) (default ${DEFAULT-VALUE}).", defaultValue = "128")
    int units;
    @Option(names = "--rounds", paramLabel = "R", description = "Job-only runs per cell, rotated (round r starts at cell r); the table gives "
            + "their median (default ${DEFAULT-VALUE}).", defaultValue = "1")
    int rounds;
    @Option(names = "--job-only", description = "Run only step 1 (job only) of each cell: no end to end, checkpoint, restore or latency figures.")
    boolean jobOnlySteps;
    @Option(names = "--flink", paramLabel = "KEY=VALUE", description = "A Flink configuration entry for every job of the run, repeatable (e.g. "
            + "state.backend.rocksdb.timer-service.factory=HEAP, taskmanager.memory.managed.size=2g).")
    Map<String, String> flinkEntries = new LinkedHashMap<>();
    private JobFlags jobFlags;
    @Spec
    CommandSpec spec;

    private final Map<Integer, FlinkRest> rests = new java.util.HashMap<>();
    private Path work;
    private EmbeddedKafka kafka;
    private StepModelBackend model;
    private int run;

    public static void main(String[] args) {
        System.exit(commandLine(new ScaleBenchmark()).execute(args)); // Kafka and Flink leave non-daemon threads behind
    }

    /** The command line, job keys included. */
    static CommandLine commandLine(ScaleBenchmark b) {
        CommandLine cli = Cli.commandLine(b);
        b.jobFlags = JobFlags.addTo(cli.getCommandSpec());
        return cli;
    }

    /** One cell's figures. */
    record Cell(int keys, String backend, long events, double jobOnly, double cpuMicros, double endToEnd, long computedP50,
            long computedP99,
            double checkpointBytesPerKey, double liveBytesPerKey, String liveKind, long fullCheckpointMs, long incrementalCheckpointMs,
            long incrementalCheckpointBytes, long startMs, long restoreMs, ThreadProfile threads) {
        /** A cell of a {@code --job-only} run: the other steps did not run. */
        static Cell jobOnlyOf(int keys, String backend, long events, double jobOnly, double cpuMicros, ThreadProfile threads) {
            return new Cell(keys, backend, events, jobOnly, cpuMicros, -1, -1, -1, -1, -1, "", -1, -1, -1, -1, -1, threads);
        }

        boolean complete() {
            return endToEnd >= 0;
        }
    }

    @Override
    public Integer call() throws Exception {
        for (String b : backends) {
            if (!List.of("hashmap", "rocksdb").contains(b)) {
                throw new ParameterException(spec.commandLine(),
                        "--backends: unknown state backend '" + b + "', valid: [hashmap, rocksdb]");
            }
        }
        for (int k : keyCounts) {
            Bench.atLeast(spec, "--keys", k, 1);
        }
        Bench.atLeast(spec, "--events-per-key", eventsPerKey, 1);
        Bench.atLeast(spec, "--latency-rate", latencyRate, 1);
        Bench.atLeast(spec, "--partitions", partitions, 1);
        Bench.atLeast(spec, "--units", units, 1);
        Bench.atLeast(spec, "--rounds", rounds, 1);
        JobConfig.defaults().with("checkpoint.interval", checkpointInterval, "--checkpoint-interval");
        JobConfig.fromFlags(jobFlags.values()); // a bad job flag or --config file fails here, before anything runs
        Sequential m = new Sequential("bench");
        m.add(Embedding.builder(1000, 64).seed(1).build());
        m.add(LSTM.builder(units).returnSequences(true).seed(2).build());
        m.add(Dense.builder(1000).activation("softmax").seed(3).build());
        m.build(-1);
        model = StepModelBackend.of(m, 1);
        work = Files.createTempDirectory("seqstream-scale-");
        List<Cell> cells = new ArrayList<>();
        try (EmbeddedKafka k = EmbeddedKafka.start(work)) {
            kafka = k;
            log("model: " + model.description() + "; job flags " + jobFlags.values() + "; checkpoint interval " + checkpointInterval);
            if (warmupEvents > 0) {
                log("warm-up (not reported)");
                try (EventWriter w = new EventWriter(kafka.bootstrapServers(), 10_000, 1000, 7)) {
                    String t = topic("warmup");
                    w.write(t, warmupEvents);
                    for (String backend : backends) { // each backend's code paths compiled before any cell is timed
                        jobOnly(config("warmup-" + backend, t, backend), warmupEvents);
                    }
                }
            }
            List<Backlog> backlogs = new ArrayList<>();
            for (int keys : keyCounts) {
                for (String backend : backends) {
                    if (backend.equals("hashmap") && keys > hashmapMaxKeys) {
                        log(String.format("skipped: %,d keys on hashmap (above --hashmap-max-keys %,d)", keys, hashmapMaxKeys));
                        continue;
                    }
                    backlogs.add(backlog(keys, backend));
                }
            }
            List<List<JobOnlyRun>> jobOnly = jobOnlyRounds(backlogs);
            for (int c = 0; c < backlogs.size(); c++) {
                Backlog b = backlogs.get(c);
                List<JobOnlyRun> runs = jobOnly.get(c);
                double rate = median(runs, JobOnlyRun::rate);
                double cpu = median(runs, JobOnlyRun::cpuMicros);
                ThreadProfile threads = medianRound(runs).threads();
                cells.add(jobOnlySteps
                        ? Cell.jobOnlyOf(b.keys(), b.backend(), b.events(), rate, cpu, threads)
                        : cell(b, rate, cpu, threads));
                System.out.print(table(cells));
                System.out.print(threadTable(cells));
            }
        } finally {
            TempDirs.deleteRecursively(work);
        }
        System.out.println();
        System.out.print(table(cells));
        System.out.print(threadTable(cells));
        return 0;
    }

    /** A cell's backlog topic, written once and read by every job-only round. */
    record Backlog(int keys, String backend, String name, String topic, int eventsPerKey, long events) {
    }

    private Backlog backlog(int keys, String backend) throws Exception {
        String name = keys + "-" + backend;
        int eventsPerKey = (int) Math.max(this.eventsPerKey, (minEvents + keys - 1) / keys);
        log(String.format("=== %,d keys, %s, %d events per key", keys, backend, eventsPerKey));
        try (EventWriter w = new EventWriter(kafka.bootstrapServers(), keys, 1000, 42)) {
            String topic = topic(name + "-backlog");
            long total = (long) eventsPerKey * keys;
            long events = w.writeEachKey(topic, eventsPerKey, n -> log(String.format("backlog: %,d of %,d events written", n, total)));
            return new Backlog(keys, backend, name, topic, eventsPerKey, events);
        }
    }

    /** One job-only run: events/s, process CPU µs per event, and where that CPU went. */
    record JobOnlyRun(double rate, double cpuMicros, ThreadProfile threads) {
    }

    /**
     * The job-only step of every cell, {@code --rounds} times: round r starts at cell r, so each cell runs early and
     * late in the JVM's life. Per cell, its rounds.
     */
    private List<List<JobOnlyRun>> jobOnlyRounds(List<Backlog> backlogs) throws Exception {
        List<List<JobOnlyRun>> perCell = new ArrayList<>();
        backlogs.forEach(b -> perCell.add(new ArrayList<>()));
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < backlogs.size(); i++) {
                int c = (i + r) % backlogs.size();
                Backlog b = backlogs.get(c);
                log(String.format("=== job only, round %d of %d: %,d keys, %s", r + 1, rounds, b.keys(), b.backend()));
                perCell.get(c).add(jobOnly(config(b.name() + "-job-only-" + r, b.topic(), b.backend()), b.events()));
                TempDirs.deleteRecursively(work.resolve("checkpoints"));
            }
        }
        return perCell;
    }

    /** The median of one figure of the rounds (of an even count, the mean of the middle two). */
    static double median(List<JobOnlyRun> rounds, ToDoubleFunction<JobOnlyRun> figure) {
        return BenchResult.median(rounds.stream().map(figure::applyAsDouble).toList());
    }

    /** The round of the median rate (of an even count, the slower of the middle two): its thread profile is the cell's. */
    static JobOnlyRun medianRound(List<JobOnlyRun> rounds) {
        List<JobOnlyRun> sorted = rounds.stream().sorted(Comparator.comparingDouble(JobOnlyRun::rate)).toList();
        return sorted.get((sorted.size() - 1) / 2);
    }

    /** Steps 2 and 3 of a cell, after its job-only rounds. */
    private Cell cell(Backlog b, double jobOnlyRate, double jobOnlyCpu, ThreadProfile threads) throws Exception {
        int keys = b.keys();
        String backend = b.backend();
        String name = b.name();
        long events = b.events();
        int eventsPerKey = b.eventsPerKey();
        log(String.format("=== end to end, checkpoints, restore: %,d keys, %s", keys, backend));
        // End to end, with the state it leaves measured and checkpointed in full.
        String live = topic(name + "-live");
        JobConfig cfg = config(name + "-e2e", live, backend);
        int port = freePort();
        long heapBefore = usedHeapAfterGc();
        long s0 = System.nanoTime();
        JobClient job = env(cfg, port, null).executeAsync("scale e2e " + name);
        awaitTasksRunning(job, port);
        long startMs = (System.nanoTime() - s0) / 1_000_000;
        OutputStats stats = OutputStats.forThroughput(kafka.bootstrapServers(), cfg.get(ConfigKeys.TOPIC_PREDICTIONS));
        Thread reader = start(stats, "scale-reader");
        Map<Long, JsonNode> checkpoints = new TreeMap<>();
        Thread poller = start(() -> pollCheckpoints(port, job, checkpoints), "scale-checkpoint-poller");
        long t0 = System.currentTimeMillis();
        try (EventWriter w = new EventWriter(kafka.bootstrapServers(), keys, 1000, 43)) {
            w.writeEachKey(live, eventsPerKey, n -> log(String.format("end to end: %,d of %,d events written, %,d predicted", n, events,
                    stats.count())));
        }
        if (!stats.await(events, Duration.ofMinutes(60))) {
            throw new IllegalStateException(name + ": only " + stats.count() + " of " + events + " predictions were committed");
        }
        double endToEnd = events * 1000.0 / (stats.lastProcessingTime() - t0);
        stats.stop();
        reader.join();
        poller.interrupt();
        poller.join();
        List<JsonNode> incremental = checkpoints.values().stream().filter(c -> c.path("checkpointed_size").asLong() > 0).toList();
        String liveKind;
        double liveBytes;
        if (backend.equals("hashmap")) {
            liveKind = "heap";
            liveBytes = usedHeapAfterGc() - heapBefore;
        } else {
            liveKind = "RocksDB files";
            liveBytes = rocksDbBytes();
        }
        JsonNode full = fullCheckpoint(port, job);
        String fullPath = full.path("external_path").asText();
        job.cancel().get();
        log(String.format("%s: end to end %,.0f events/s; %s %.0f B/key; full checkpoint %,d ms, %.0f B/key", name, endToEnd, liveKind,
                liveBytes / keys, full.path("end_to_end_duration").asLong(), full.path("state_size").asDouble() / keys));
        // Restore (the same job: same topics and transactional ids, so it aborts what the cancelled one left open),
        // then latency over the same keys with the state full.
        int restorePort = freePort();
        long r0 = System.nanoTime();
        JobClient restored = env(cfg, restorePort, fullPath).executeAsync("scale restore " + name);
        awaitTasksRunning(restored, restorePort);
        long restoreMs = (System.nanoTime() - r0) / 1_000_000;
        OutputStats lat = new OutputStats(kafka.bootstrapServers(), cfg.get(ConfigKeys.TOPIC_PREDICTIONS), System.currentTimeMillis());
        Thread latReader = start(lat, "scale-latency-reader");
        long sent;
        try (EventWriter w = new EventWriter(kafka.bootstrapServers(), keys, 1000, 44)) {
            sent = events + w.writePaced(live, latencyRate, latencySeconds);
        }
        if (!lat.await(sent, Duration.ofMinutes(5))) {
            throw new IllegalStateException(name + ": only " + lat.count() + " of " + sent + " predictions in the latency run");
        }
        lat.stop();
        latReader.join();
        restored.cancel().get();
        TempDirs.deleteRecursively(work.resolve("checkpoints"));
        long incMs = median(incremental.stream().map(c -> c.path("end_to_end_duration").asLong()).toList());
        long incBytes = median(incremental.stream().map(c -> c.path("checkpointed_size").asLong()).toList());
        Cell c = new Cell(keys, backend, events, jobOnlyRate, jobOnlyCpu, endToEnd, lat.computed.percentile(0.5),
                lat.computed.percentile(0.99),
                full.path("state_size").asDouble() / keys, liveBytes / keys, liveKind, full.path("end_to_end_duration").asLong(), incMs,
                incBytes,
                startMs, restoreMs, threads);
        log(name + ": " + c + " (" + incremental.size() + " checkpoints during the load)");
        return c;
    }

    /** The job alone over a backlog: events/s, process CPU µs per event, and each thread's share. */
    private JobOnlyRun jobOnly(JobConfig cfg, long events) throws Exception {
        OutputStats stats = OutputStats.forThroughput(kafka.bootstrapServers(), cfg.get(ConfigKeys.TOPIC_PREDICTIONS));
        Thread reader = start(stats, "scale-job-only-reader");
        StreamExecutionEnvironment env = LocalFlink.environment(cfg, work, flinkExtra());
        KafkaPredictionJob.build(env, model, cfg, true);
        long cpu0 = processCpuNanos();
        long pause0 = gcPauseNanos();
        ThreadCpu threadCpu = ThreadCpu.start(Duration.ofMillis(100));
        Thread progress = start(() -> progress(stats, events), "scale-job-only-progress");
        Map<String, Long> threadNanos;
        try {
            env.execute("scale job-only");
        } finally {
            threadNanos = threadCpu.stop();
            progress.interrupt();
        }
        boolean all = stats.await(events, Duration.ofMinutes(5));
        double cpu = (processCpuNanos() - cpu0) / 1e3 / events;
        ThreadProfile threads = ThreadProfile.of(threadNanos, events, gcPauseNanos() - pause0);
        stats.stop();
        reader.join();
        if (!all) {
            throw new IllegalStateException("job only: " + stats.count() + " of " + events + " predictions were committed");
        }
        log(String.format(
                "job only: %,d events, %,.0f events/s, %.1f us CPU/event; busiest job thread %s %.1f us/event, GC pauses %.1f us/event",
                events, stats.throughput(), cpu, threads.busiestLabel(), threads.busiestMicros(), threads.pauseMicros()));
        log("  busiest threads (us/event): " + ThreadProfile.busiestThreads(threadNanos, events, 10));
        return new JobOnlyRun(stats.throughput(), cpu, threads);
    }

    /** The {@code --flink} entries. */
    private Configuration flinkExtra() {
        return Configuration.fromMap(flinkEntries);
    }

    private StreamExecutionEnvironment env(JobConfig cfg, int restPort, String restoreFrom) {
        Configuration extra = LocalFlink.withRestPort(flinkExtra(), restPort);
        if (restoreFrom != null) {
            extra.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom);
        }
        StreamExecutionEnvironment env = LocalFlink.environment(cfg, work, extra);
        KafkaPredictionJob.build(env, model, cfg, false);
        return env;
    }

    private JobConfig config(String name, String eventsTopic, String backend) {
        String id = "scale-" + (++run) + "-" + name;
        kafka.createTopic(id + "-predictions", partitions, Map.of());
        kafka.createTopic(id + "-dead-letters", 1, Map.of());
        Map<String, String> f = new LinkedHashMap<>();
        f.put("kafka.bootstrap", kafka.bootstrapServers());
        f.put("source.start", "earliest");
        f.put("checkpoint.interval", checkpointInterval);
        f.put("checkpoint.dir", work.resolve("checkpoints").toUri().toString());
        f.put("state.backend", backend);
        f.put("models.watch", "false");
        f.putAll(jobFlags.values());
        f.put("topics.events", eventsTopic);
        f.put("topics.predictions", id + "-predictions");
        f.put("topics.dead-letters", id + "-dead-letters");
        f.put("kafka.group-id", id);
        f.put("kafka.transactional-id-prefix", id);
        return JobConfig.fromFlags(f);
    }

    /** Until the job and every one of its tasks run (a restoring task is INITIALIZING until its state is in). */
    private void awaitTasksRunning(JobClient job, int port) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        while (true) {
            JobStatus s = job.getJobStatus().get();
            if (s.isGloballyTerminalState() || System.nanoTime() > deadline) {
                throw new IllegalStateException("benchmark job did not start: " + s);
            }
            if (s == JobStatus.RUNNING && allTasksRunning(job, port)) {
                return;
            }
            Thread.sleep(20);
        }
    }

    private boolean allTasksRunning(JobClient job, int port) {
        JsonNode j = get(port, "/jobs/" + job.getJobID());
        if (j == null) {
            return false;
        }
        for (JsonNode v : j.path("vertices")) {
            String status = v.path("status").asText();
            if (!status.equals("RUNNING") && !status.equals("FINISHED")) { // FINISHED: the empty models source
                return false;
            }
        }
        return j.path("vertices").size() > 0;
    }

    private static int freePort() throws IOException {
        return FlinkRest.freePort();
    }

    private void pollCheckpoints(int port, JobClient job, Map<Long, JsonNode> into) {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                JsonNode c = get(port, "/jobs/" + job.getJobID() + "/checkpoints");
                if (c != null) {
                    for (JsonNode h : c.path("history")) {
                        if (h.path("status").asText().equals("COMPLETED")) {
                            synchronized (into) {
                                into.put(h.path("id").asLong(), h);
                            }
                        }
                    }
                }
                Thread.sleep(1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Triggers a FULL checkpoint and returns its statistics once completed. */
    private JsonNode fullCheckpoint(int port, JobClient job) throws Exception {
        String base = "/jobs/" + job.getJobID() + "/checkpoints";
        JsonNode trigger = post(port, base, "{\"checkpointType\":\"FULL\"}");
        String request = trigger.path("request-id").asText();
        long id = -1;
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        while (id < 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("full checkpoint did not complete");
            }
            Thread.sleep(200);
            JsonNode s = get(port, base + "/" + request);
            if (s != null && s.path("status").path("id").asText().equals("COMPLETED")) {
                if (s.path("operation").has("failure-cause")) {
                    throw new IllegalStateException("full checkpoint failed: " + s.path("operation").path("failure-cause"));
                }
                id = s.path("operation").path("checkpointId").asLong();
            }
        }
        while (true) { // its statistics reach the history a moment after the trigger completes
            JsonNode c = get(port, base);
            for (JsonNode h : c == null ? List.<JsonNode>of() : c.path("history")) {
                if (h.path("id").asLong() == id && h.path("status").asText().equals("COMPLETED")) {
                    return h;
                }
            }
            Thread.sleep(200);
        }
    }

    private JsonNode get(int port, String path) {
        return rest(port).get(path).orElse(null);
    }

    private JsonNode post(int port, String path, String body) throws IOException, InterruptedException {
        return rest(port).post(path, body);
    }

    private FlinkRest rest(int port) {
        return rests.computeIfAbsent(port, FlinkRest::new);
    }

    /** Bytes of the live RocksDB instances' files: the "db" folders of the operators under io.tmp.dirs. */
    private long rocksDbBytes() throws IOException {
        try (Stream<Path> paths = Files.walk(work)) {
            return paths
                    .filter(p -> p.toString().contains("_op_") && p.getParent() != null
                            && p.getParent().getFileName().toString().equals("db"))
                    .filter(Files::isRegularFile).mapToLong(p -> {
                        try {
                            return Files.size(p);
                        } catch (IOException e) {
                            return 0; // removed while walking (compaction)
                        }
                    }).sum();
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** A line every 30 s while a job-only run works off its backlog (at 10M keys that takes 20 minutes). */
    private static void progress(OutputStats stats, long events) {
        try {
            while (true) {
                Thread.sleep(30_000);
                log(String.format("job only: %,d of %,d predictions", stats.count(), events));
            }
        } catch (InterruptedException e) {
            // the run ended
        }
    }

    /** Time the collectors stopped the application, all collectors together. */
    private static long gcPauseNanos() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(b -> Math.max(0, b.getCollectionTime())).sum()
                * 1_000_000L;
    }

    private static long median(List<Long> xs) {
        return xs.isEmpty() ? -1 : Math.round(BenchResult.median(xs.stream().map(Long::doubleValue).toList()));
    }

    private String topic(String name) {
        String t = "scale-" + name;
        kafka.createTopic(t, partitions, Map.of());
        return t;
    }

    /** The cell the ratios are taken against: 10k keys on the heap (the issue's yardstick). */
    private static boolean isBaseline(Cell c) {
        return c.keys() == 10_000 && c.backend().equals("hashmap");
    }

    static String table(List<Cell> cells) {
        Cell base = cells.stream().filter(ScaleBenchmark::isBaseline).findFirst().orElse(null);
        StringBuilder sb = new StringBuilder(
                "\n| keys | backend | events | job-only events/s | vs 10k heap | end-to-end events/s | CPU µs/event "
                        + "| computed p50 / p99 | checkpoint B/key | live B/key | live B/key over the smallest cell | full checkpoint "
                        + "| incremental checkpoint (median) | start: fresh / restored |\n"
                        + "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Cell c : cells) {
            String vs = base == null ? "-" : String.format("%.0f%%", 100 * c.jobOnly() / base.jobOnly());
            if (!c.complete()) {
                sb.append(String.format("| %,d | %s | %,d | %,.0f | %s | - | %.1f | - | - | - | - | - | - | - |%n", c.keys(), c.backend(),
                        c.events(),
                        c.jobOnly(), vs, c.cpuMicros()));
                continue;
            }
            sb.append(String.format(
                    "| %,d | %s | %,d | %,.0f | %s | %,.0f | %.1f | %d / %d ms | %.0f | %.0f (%s) | %s | %,d ms | %s | %,d / %,d ms |%n",
                    c.keys(),
                    c.backend(), c.events(), c.jobOnly(), vs,
                    c.endToEnd(), c.cpuMicros(), c.computedP50(), c.computedP99(), c.checkpointBytesPerKey(), c.liveBytesPerKey(),
                    c.liveKind(), marginal(c, cells),
                    c.fullCheckpointMs(),
                    c.incrementalCheckpointMs() < 0
                            ? "none"
                            : String.format("%,d ms, %.1f MB", c.incrementalCheckpointMs(),
                                    c.incrementalCheckpointBytes() / 1e6),
                    c.startMs(), c.restoreMs()));
        }
        return sb.toString();
    }

    /**
     * Where each cell's CPU went (the job-only round of the median rate), µs per event by thread role, and the rate
     * with a core for each of the job's threads (the busiest one's µs plus the collector's pauses per event): what a
     * machine with more cores gives, as an upper bound (docs/BENCHMARKS.md, "What more cores give").
     */
    static String threadTable(List<Cell> cells) {
        if (cells.stream().noneMatch(c -> c.threads().available())) {
            return "\n(no CPU time per thread on this system: /proc/self/task is Linux's)\n";
        }
        Cell base = cells.stream().filter(c -> isBaseline(c) && c.threads().available()).findFirst().orElse(null);
        StringBuilder sb = new StringBuilder(
                "\nCPU µs per event by thread (job only, the round of the median rate), and the rate with a core "
                        + "for each of the job's threads:\n\n| keys | backend |");
        for (ThreadRole r : ThreadRole.values()) {
            sb.append(' ').append(r.label()).append(" |");
        }
        sb.append(" GC pauses | busiest thread of the job | a core per job thread: events/s | vs 10k heap |\n|---:|---|");
        sb.append("---:|".repeat(ThreadRole.values().length + 1)).append("---|---:|---:|\n");
        for (Cell c : cells) {
            ThreadProfile t = c.threads();
            if (!t.available()) {
                continue;
            }
            sb.append(String.format("| %,d | %s |", c.keys(), c.backend()));
            for (ThreadRole r : ThreadRole.values()) {
                sb.append(String.format(" %.1f |", t.micros(r)));
            }
            String vs = base == null ? "-" : String.format("%.0f%%", 100 * t.ownCoreRate() / base.threads().ownCoreRate());
            sb.append(String.format(" %.1f | %s: %.1f | %,.0f | %s |%n", t.pauseMicros(), t.busiestLabel(), t.busiestMicros(),
                    t.ownCoreRate(),
                    vs));
        }
        return sb.toString();
    }

    /**
     * Live bytes per key added over the run's smallest complete cell of the same backend: (live(c) - live(small)) /
     * (keys(c) - keys(small)). What the job holds whatever its key count (Kafka clients' buffers, the model, Flink's
     * own structures) cancels out; "-" for the smallest cell itself.
     */
    static String marginal(Cell c, List<Cell> cells) {
        Cell small = cells.stream().filter(o -> o.complete() && o.backend().equals(c.backend()) && o.keys() < c.keys())
                .min(Comparator.comparingInt(Cell::keys)).orElse(null);
        if (small == null) {
            return "-";
        }
        double added = c.liveBytesPerKey() * c.keys() - small.liveBytesPerKey() * small.keys();
        return String.format("%.0f", added / (c.keys() - small.keys()));
    }

    private static Thread start(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void log(String s) {
        System.out.println(s);
        System.out.flush();
    }
}
