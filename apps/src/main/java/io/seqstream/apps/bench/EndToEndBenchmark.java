package io.seqstream.apps.bench;

import io.seqstream.apps.LocalFlink;
import io.seqstream.jobs.KafkaPredictionJob;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.model.ModelBackend;
import io.seqstream.jobs.model.StepModelBackend;
import io.seqstream.model.Sequential;
import io.seqstream.model.layers.Dense;
import io.seqstream.model.layers.Embedding;
import io.seqstream.model.layers.LSTM;
import io.seqstream.testkit.EmbeddedKafka;
import io.seqstream.testkit.TempDirs;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * {@code ./seqstream bench}: the end-to-end benchmark of issue 4. One JVM runs an embedded Kafka broker and
 * the prediction job on a local Flink, for three engines inside the same pipeline:
 * <ul>
 *   <li>{@code seqstream}: the micro-batching operator with model-core's stepper (the job as shipped);</li>
 *   <li>{@code dl4j}: the same operator stepping each event alone through DL4J {@code rnnTimeStep};</li>
 *   <li>{@code noop}: the same operator with a model that does nothing (the pipeline's own cost);</li>
 *   <li>{@code onnx}, when the bench module is on the classpath ({@link BenchVariant}): the same operator stepping
 *       each micro-batch through ONNX Runtime's Java API.</li>
 * </ul>
 * Model: Embedding(1000,64) -> LSTM(128) -> Dense(1000, softmax), 10k keys. For each engine:
 * <ol>
 *   <li>end to end: the job runs while a producer writes the events as fast as it can; events/s from the
 *       first event sent to the last prediction computed (producer, broker and job share the machine);</li>
 *   <li>job only: the job reads a backlog written before it started; events/s between the first and the
 *       last prediction computed;</li>
 *   <li>latency at a fixed rate (event time = producer wall clock): p50/p99 of the latency computed on the
 *       worker and as seen by a read_committed reader.</li>
 * </ol>
 * Every prediction is read back with read_committed and counted. Each variant first runs an unreported
 * end-to-end warm-up (the JIT compiles the broker, Flink and Kafka code as well as the model); then
 * {@code --rounds} rounds each run every variant's end-to-end and job-only measurement, in an order that
 * rotates by round, and the table shows the medians (shared machines are noisy; the per-round figures are
 * printed too), then each variant's latency run. DL4J's runs all come after those of seqstream and noop (its
 * native runtime stays with the JVM once loaded).
 */
public final class EndToEndBenchmark {
    private final BenchOptions o;
    private final Path work;
    private final EmbeddedKafka kafka;
    private final JobConfig base;
    private int run;
    /** Job-only events/s of the seqstream variant per input format and round (--formats). */
    private final Map<String, List<Double>> formatRates = new LinkedHashMap<>();

    private EndToEndBenchmark(BenchOptions o, Path work, EmbeddedKafka kafka) {
        this.o = o;
        this.work = work;
        this.kafka = kafka;
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("kafka.bootstrap", kafka.bootstrapServers());
        defaults.put("source.start", "earliest");
        defaults.put("checkpoint.interval", "1s");
        defaults.put("checkpoint.dir", work.resolve("checkpoints").toUri().toString());
        defaults.putAll(o.jobFlags());
        this.base = JobConfig.fromFlags(defaults);
    }

    public static void main(String[] args) {
        int code = BenchOptions.commandLine(new BenchOptions()).execute(args);
        System.exit(code); // Kafka and Flink leave non-daemon threads behind
    }

    /** Runs the benchmark with checked options and prints its tables. */
    static int run(BenchOptions o) {
        try {
            Path work = Files.createTempDirectory("seqstream-bench-");
            try (EmbeddedKafka kafka = EmbeddedKafka.start(work)) {
                EndToEndBenchmark bench = new EndToEndBenchmark(o, work, kafka);
                List<BenchResult> results = bench.runAll();
                System.out.println();
                System.out.print(table(o, results));
                if (!bench.formatRates.isEmpty()) {
                    System.out.println();
                    System.out.print(formatTable(o, bench.formatRates));
                }
            } finally {
                TempDirs.deleteRecursively(work);
            }
            return 0;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("the benchmark failed: " + e.getMessage(), e);
        }
    }

    private List<BenchResult> runAll() throws Exception {
        Sequential model = new Sequential("bench");
        model.add(Embedding.builder(o.vocab(), o.embedding()).seed(1).build());
        model.add(LSTM.builder(o.units()).returnSequences(true).seed(2).build());
        model.add(Dense.builder(o.vocab()).activation("softmax").seed(3).build());
        model.build(-1);
        StepModelBackend seqstream = StepModelBackend.of(model, 1);
        Map<String, ModelBackend> engines = new LinkedHashMap<>(Map.of("seqstream", seqstream, "dl4j", new Dl4jBackend(model), "noop",
                new NoopBackend(seqstream)));
        BenchVariant.onClasspath().forEach((name, variant) -> {
            if (o.variants().contains(name))
                engines.put(name, variant.backend(model));
        });
        log("model: " + seqstream.description() + "; " + o.keys() + " keys; job: parallelism " + base.parallelism() + ", batch "
                + base.batchSize() + " / " + base.batchTimeoutMs() + " ms, " + base.delivery().configName());

        EventWriter writer = new EventWriter(kafka.bootstrapServers(), o.keys(), o.vocab(), 42);
        String backlog = topic("events", o.partitions());
        log("writing " + o.events() + " events to " + backlog + " ...");
        writer.write(backlog, o.events());
        String small = topic("events-small", o.partitions());
        writer.write(small, o.dl4jEvents());
        // DL4J's native runtime (off-heap arrays, deallocator threads, extra GC) stays with the JVM once loaded:
        // its runs come after all of the others', which are measured against each other in rotating rounds.
        List<String> variants = o.variants();
        List<String> compared = variants.stream().filter(v -> !v.equals("dl4j")).toList();
        Map<String, BenchResult> byVariant = new LinkedHashMap<>();
        byVariant.putAll(measure(compared, engines, writer, backlog, small));
        if (variants.contains("dl4j")) {
            byVariant.putAll(measure(List.of("dl4j"), engines, writer, backlog, small));
        }
        List<BenchResult> results = variants.stream().map(byVariant::get).toList();
        if (!o.formats().equals(List.of("seqstream"))) {
            compareFormats(seqstream, writer);
        }
        writer.close();
        return results;
    }

    /**
     * Warm-up runs (every variant: the JIT compiles the shared pipeline for all, not only the first), then
     * {@code --rounds} rounds of end-to-end and job-only runs, in an order that rotates by round, then each
     * variant's latency run.
     */
    private Map<String, BenchResult> measure(List<String> variants, Map<String, ModelBackend> engines, EventWriter writer, String backlog,
            String small) throws Exception {
        Map<String, List<Double>> e2e = new LinkedHashMap<>(), jobOnly = new LinkedHashMap<>(), cpu = new LinkedHashMap<>();
        if (o.warmupEvents() > 0) {
            for (String v : variants) {
                log("warm-up run of " + v + " (not reported)");
                endToEnd(v + "-warmup", engines.get(v), writer,
                        v.equals("dl4j") ? Math.min(o.warmupEvents(), o.dl4jEvents()) : o.warmupEvents());
            }
        }
        for (int round = 0; round < o.rounds(); round++) {
            log("round " + (round + 1) + " of " + o.rounds() + ": " + variants);
            for (int i = 0; i < variants.size(); i++) {
                String v = variants.get((i + round) % variants.size()); // rotate, so no variant always runs first or last
                ModelBackend engine = engines.get(v);
                long events = v.equals("dl4j") ? o.dl4jEvents() : o.events();
                e2e.computeIfAbsent(v, k -> new ArrayList<>()).add(endToEnd(v, engine, writer, events));
                double[] r = throughput(v, engine, v.equals("dl4j") ? small : backlog, events);
                jobOnly.computeIfAbsent(v, k -> new ArrayList<>()).add(r[0]);
                cpu.computeIfAbsent(v, k -> new ArrayList<>()).add(r[1]);
            }
        }
        Map<String, BenchResult> results = new LinkedHashMap<>();
        for (String v : variants) {
            ModelBackend engine = engines.get(v);
            int rate = (int) Math.max(1, Math.min(o.latencyRate(), BenchResult.median(jobOnly.get(v)) / 2));
            long[] lat = latency(v, engine, writer, rate);
            results.put(v,
                    new BenchResult(v, engine.description(), v.equals("dl4j") ? o.dl4jEvents() : o.events(), e2e.get(v), jobOnly.get(v),
                            cpu.get(v), rate, lat[0], lat[1], lat[2], lat[3]));
        }
        return results;
    }

    /**
     * Job-only throughput of the seqstream variant over backlogs of each input format (the same keys and tokens; the
     * user formats carry the token as a string event type through the lookup vocabulary, and a numeric field):
     * a warm-up run per format, then rotating rounds.
     */
    private void compareFormats(ModelBackend engine, EventWriter writer) throws Exception {
        Path vocabulary = work.resolve("bench-event-types.txt");
        Files.write(vocabulary, EventWriter.vocabularyTerms(o.vocab()));
        try (io.seqstream.testkit.LocalSchemaRegistry registry = io.seqstream.testkit.LocalSchemaRegistry.start()) {
            Map<String, String> topics = new LinkedHashMap<>();
            Map<String, Map<String, String>> settings = new LinkedHashMap<>();
            for (String f : o.formats()) {
                Map<String, String> extra = new LinkedHashMap<>();
                switch (f) {
                    case "json" -> writer.json();
                    case "avro-registry" -> {
                        writer.avroRegistry(registry.register("bench-formats-avro-registry-value", EventWriter.USER_EVENT));
                        extra.put("registry.url", registry.url());
                    }
                    default -> writer.seqstream();
                }
                if (!f.equals("seqstream")) {
                    extra.put("input.format", f);
                    extra.put("mapping.key", "key");
                    extra.put("mapping.event-time", "ts");
                    extra.put("mapping.inputs", "lookup(event_type)");
                    extra.put("mapping.vocabularies", "event_type:" + vocabulary);
                }
                String t = topic("formats-" + f, o.partitions());
                log("writing " + o.events() + " " + f + " events to " + t + " ...");
                writer.write(t, o.events());
                topics.put(f, t);
                settings.put(f, extra);
            }
            writer.seqstream();
            if (o.warmupEvents() > 0) {
                for (String f : o.formats()) {
                    log("warm-up job-only run of input format " + f + " (not reported)");
                    throughput("format-" + f + "-warmup", engine, topics.get(f), o.events(), settings.get(f));
                }
            }
            for (int round = 0; round < o.rounds(); round++) {
                for (int i = 0; i < o.formats().size(); i++) {
                    String f = o.formats().get((i + round) % o.formats().size());
                    double[] r = throughput("format-" + f, engine, topics.get(f), o.events(), settings.get(f));
                    formatRates.computeIfAbsent(f, k -> new ArrayList<>()).add(r[0]);
                }
            }
        }
    }

    static String formatTable(BenchOptions o, Map<String, List<Double>> rates) {
        StringBuilder sb = new StringBuilder();
        double base = rates.containsKey("seqstream") ? BenchResult.median(rates.get("seqstream")) : Double.NaN;
        sb.append(String.format("Input formats, seqstream variant, job only (backlog of %,d events); medians of %d round%s%n%n", o.events(),
                o.rounds(), o.rounds() == 1 ? "" : "s"));
        sb.append("| input format | job-only events/s | vs seqstream format | each round |\n|---|---:|---:|---|\n");
        for (Map.Entry<String, List<Double>> e : rates.entrySet()) {
            double m = BenchResult.median(e.getValue());
            sb.append(String.format("| %s | %,.0f | %s | %s |%n", e.getKey(), m, percent(m, base),
                    String.join(" / ", e.getValue().stream().map(v -> String.format("%,.0f", v)).toList())));
        }
        return sb.toString();
    }

    /** Events/s with the producer writing while the job runs: first event sent to last prediction computed. */
    private double endToEnd(String name, ModelBackend engine, EventWriter writer, long events) throws Exception {
        String eventsTopic = topic(name + "-e2e-events-" + (run + 1), o.partitions());
        JobConfig cfg = runConfig(name + "-e2e", eventsTopic);
        StreamExecutionEnvironment env = LocalFlink.environment(cfg, work);
        KafkaPredictionJob.build(env, engine, cfg, false);
        JobClient job = awaitRunning(env.executeAsync("bench end-to-end " + name));
        OutputStats stats = OutputStats.forThroughput(kafka.bootstrapServers(),
                cfg.get(io.seqstream.jobs.config.ConfigKeys.TOPIC_PREDICTIONS));
        Thread reader = start(stats, "bench-e2e-reader-" + name);
        long t0 = System.currentTimeMillis();
        writer.write(eventsTopic, events);
        double sendSeconds = (System.currentTimeMillis() - t0) / 1e3;
        boolean all = stats.await(events, Duration.ofSeconds(600));
        stats.stop();
        reader.join();
        job.cancel().get();
        if (!all) {
            throw new IllegalStateException(name + ": only " + stats.count() + " of " + events + " predictions were committed");
        }
        double rate = events * 1000.0 / (stats.lastProcessingTime() - t0);
        log(String.format("%-10s end to end: %,d events, %,.0f events/s (producer done after %.1f s)", name, events, rate, sendSeconds));
        return rate;
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

    /**
     * Events/s of the job alone over a backlog written before it started, and the process's CPU time per event
     * over the run (every thread: broker, job, reader; shows how much of the machine the variant needs).
     */
    private double[] throughput(String name, ModelBackend engine, String eventsTopic, long events) throws Exception {
        return throughput(name, engine, eventsTopic, events, Map.of());
    }

    private double[] throughput(String name, ModelBackend engine, String eventsTopic, long events, Map<String, String> extra)
            throws Exception {
        JobConfig cfg = runConfig(name, eventsTopic);
        for (Map.Entry<String, String> e : extra.entrySet()) {
            cfg = cfg.with(e.getKey(), e.getValue(), "benchmark input format");
        }
        OutputStats stats = OutputStats.forThroughput(kafka.bootstrapServers(),
                cfg.get(io.seqstream.jobs.config.ConfigKeys.TOPIC_PREDICTIONS));
        Thread reader = start(stats, "bench-reader-" + name);
        StreamExecutionEnvironment env = LocalFlink.environment(cfg, work);
        KafkaPredictionJob.build(env, engine, cfg, true);
        long t0 = System.nanoTime();
        long cpu0 = processCpuNanos();
        env.execute("bench " + name);
        double wall = (System.nanoTime() - t0) / 1e9;
        boolean all = stats.await(events, Duration.ofSeconds(120));
        double cpuMicros = (processCpuNanos() - cpu0) / 1e3 / events;
        stats.stop();
        reader.join();
        if (!all) {
            throw new IllegalStateException(name + ": only " + stats.count() + " of " + events + " predictions were committed");
        }
        log(String.format("%-10s job only: %,d events, %,.0f events/s (job wall time %.1f s incl. start; process CPU %.1f us/event)", name,
                events, stats.throughput(), wall, cpuMicros));
        return new double[]{ stats.throughput(), cpuMicros };
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Returns {computed p50, p99, visible p50, p99} in ms for a paced run. */
    private long[] latency(String name, ModelBackend engine, EventWriter writer, int rate) throws Exception {
        String eventsTopic = topic(name + "-live-events-" + (run + 1), o.partitions());
        JobConfig cfg = runConfig(name + "-live", eventsTopic);
        StreamExecutionEnvironment env = LocalFlink.environment(cfg, work);
        KafkaPredictionJob.build(env, engine, cfg, false);
        JobClient job = awaitRunning(env.executeAsync("bench latency " + name));
        long warmupSeconds = 2;
        long warm = writer.writePaced(eventsTopic, rate, (int) warmupSeconds);
        OutputStats stats = new OutputStats(kafka.bootstrapServers(), cfg.get(io.seqstream.jobs.config.ConfigKeys.TOPIC_PREDICTIONS),
                System.currentTimeMillis());
        Thread reader = start(stats, "bench-latency-reader-" + name);
        long sent = warm + writer.writePaced(eventsTopic, rate, o.latencySeconds());
        boolean all = stats.await(sent, Duration.ofSeconds(120));
        stats.stop();
        reader.join();
        job.cancel().get();
        if (!all) {
            throw new IllegalStateException(name + ": only " + stats.count() + " of " + sent + " predictions in the latency run");
        }
        long[] r = { stats.computed.percentile(0.5), stats.computed.percentile(0.99), stats.visible.percentile(0.5),
                stats.visible.percentile(0.99) };
        log(String.format("%-10s latency at %,d events/s: computed p50 %d ms p99 %d ms; visible (read_committed) p50 %d ms p99 %d ms",
                name, rate, r[0], r[1], r[2], r[3]));
        return r;
    }

    private JobConfig runConfig(String name, String eventsTopic) {
        String id = "bench-" + (++run) + "-" + name;
        kafka.createTopic(id + "-predictions", o.partitions(), Map.of());
        kafka.createTopic(id + "-dead-letters", 1, Map.of());
        return base.with("topics.events", eventsTopic).with("topics.predictions", id + "-predictions")
                .with("topics.dead-letters", id + "-dead-letters").with("kafka.group-id", id).with("kafka.transactional-id-prefix", id);
    }

    private String topic(String name, int partitions) {
        String t = "bench-" + name;
        kafka.createTopic(t, partitions, Map.of());
        return t;
    }

    static String table(BenchOptions o, List<BenchResult> results) {
        BenchResult noop = results.stream().filter(r -> r.variant().equals("noop")).findFirst().orElse(null);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("Embedding(%d,%d) -> LSTM(%d) -> Dense(%d, softmax), %,d keys; medians of %d round%s%n%n", o.vocab(),
                o.embedding(), o.units(), o.vocab(), o.keys(), o.rounds(), o.rounds() == 1 ? "" : "s"));
        sb.append("| variant | events | end-to-end events/s | vs no-op | job-only events/s | vs no-op | job-only CPU µs/event "
                + "| latency run rate | computed p50 / p99 | visible p50 / p99 (read_committed) |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (BenchResult r : results) {
            sb.append(String.format("| %s | %,d | %,.0f | %s | %,.0f | %s | %.1f | %,d/s | %d / %d ms | %d / %d ms |%n", r.variant(),
                    r.events(),
                    r.endToEndPerSecond(), percent(r.endToEndPerSecond(), noop == null ? Double.NaN : noop.endToEndPerSecond()),
                    r.backlogPerSecond(), percent(r.backlogPerSecond(), noop == null ? Double.NaN : noop.backlogPerSecond()),
                    r.backlogCpuMicros(), r.latencyRate(), r.computedP50(), r.computedP99(), r.visibleP50(), r.visibleP99()));
        }
        if (o.rounds() > 1) {
            sb.append("\nEach round (events/s, end to end / job only):\n\n| variant |");
            for (int i = 1; i <= o.rounds(); i++) {
                sb.append(" round ").append(i).append(" |");
            }
            sb.append("\n|---|").append("---:|".repeat(o.rounds())).append('\n');
            for (BenchResult r : results) {
                sb.append("| ").append(r.variant()).append(" |");
                for (int i = 0; i < o.rounds(); i++) {
                    sb.append(String.format(" %,.0f / %,.0f", r.endToEndRuns().get(i), r.backlogRuns().get(i)));
                    if (noop != null && r != noop) {
                        sb.append(String.format(" (%s / %s)", percent(r.endToEndRuns().get(i), noop.endToEndRuns().get(i)),
                                percent(r.backlogRuns().get(i), noop.backlogRuns().get(i))));
                    }
                    sb.append(" |");
                }
                sb.append('\n');
            }
        }
        sb.append('\n');
        for (BenchResult r : results) {
            sb.append("- ").append(r.variant()).append(": ").append(r.engine()).append('\n');
        }
        return sb.toString();
    }

    private static String percent(double v, double of) {
        return Double.isNaN(of) ? "-" : String.format("%.0f%%", 100 * v / of);
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
