package io.seqstream.apps.bench;

import io.seqstream.apps.LocalFlink;
import io.seqstream.apps.cli.Cli;
import io.seqstream.jobs.JobEnvironment;
import io.seqstream.jobs.PredictionJob;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.config.RetrainTarget;
import io.seqstream.jobs.config.ShapeChangePolicy;
import io.seqstream.jobs.event.Ingested;
import io.seqstream.jobs.event.ModelInput;
import io.seqstream.jobs.model.StepModelBackend;
import io.seqstream.jobs.retrain.ModelShape;
import io.seqstream.jobs.retrain.ModelSnapshots;
import io.seqstream.jobs.retrain.ModelUpdate;
import io.seqstream.jobs.retrain.RetrainOptions;
import io.seqstream.jobs.retrain.SnapshotCheck;
import io.seqstream.jobs.retrain.TrainingSequence;
import io.seqstream.jobs.retrain.TrainingWindow;
import io.seqstream.jobs.retrain.WindowTrainer;
import io.seqstream.model.Model;
import io.seqstream.model.Sequential;
import io.seqstream.model.io.ModelFile;
import io.seqstream.model.layers.Dense;
import io.seqstream.model.layers.Embedding;
import io.seqstream.model.layers.LSTM;
import io.seqstream.schemas.Prediction;
import io.seqstream.testkit.SessionGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code RetrainBenchmark}: the retraining figures of docs/BENCHMARKS.md, printed as Markdown tables.
 * <ol>
 *   <li>One training round ({@link WindowTrainer}: fine-tune + evaluate both models + snapshot) on a window of
 *       {@code --sequences} next-event sequences of {@code --length} steps, for Embedding(40,16) -> LSTM(H) -> Dense(40).</li>
 *   <li>What the stepping operator spends on checking a snapshot of that model (background thread) and on swapping
 *       to it (task thread), per parallel instance.</li>
 *   <li>Hot swaps in a running job (local MiniCluster, in-memory events at {@code --rate} events/s over
 *       {@code --keys} keys, network buffer timeout 1 ms, a swap every {@code --swap-every-ms}): latency of
 *       each event from its source to its prediction (sink side, System.nanoTime in one JVM), at steady state
 *       and in the {@value #DURING_MS} ms after each swap, and the events lost or duplicated (per-key step
 *       indexes), for each state policy.</li>
 * </ol>
 * Options: {@code --sequences 10000 --length 32 --units 128 --epochs 1 --rate 4000 --keys 2000 --seconds 10
 * --swap-every-ms 2000 --parts train,check,swap}.
 */
@Command(name = "seqstream retrain-bench", mixinStandardHelpOptions = true, version = "seqstream retrain-bench 0.1.0", sortOptions = false, description = {
        "The retraining figures: a training round's time, the candidate's check, and hot swaps in a running job (docs/BENCHMARKS.md)." }, optionListHeading = "%nOptions:%n")
public final class RetrainBenchmark implements Callable<Integer> {
    static final long DURING_MS = 200;
    static final long WARMUP_MS = 1000;
    // The MiniCluster runs in this JVM: its operators report here.
    static final ConcurrentLinkedQueue<Long> SWAP_NANOS = new ConcurrentLinkedQueue<>();
    static final ConcurrentLinkedQueue<long[]> OBSERVED = new ConcurrentLinkedQueue<>(); // key, step, sentNanos, latencyNanos, version

    @Option(names = "--sequences", paramLabel = "N", description = "training sequences of a round (default: ${DEFAULT-VALUE})")
    int sequences = 10_000;
    @Option(names = "--length", paramLabel = "L", description = "steps per training sequence (default: ${DEFAULT-VALUE})")
    int length = 32;
    @Option(names = "--units", paramLabel = "H", description = "LSTM units of Embedding(40,16) -> LSTM(H) -> Dense(40) (default: ${DEFAULT-VALUE})")
    int units = 128;
    @Option(names = "--epochs", paramLabel = "E", description = "training epochs (default: ${DEFAULT-VALUE})")
    int epochs = 1;
    @Option(names = "--rate", paramLabel = "R", description = "events/s of the hot-swap run (default: ${DEFAULT-VALUE})")
    int rate = 4000;
    @Option(names = "--keys", paramLabel = "K", description = "keys of the hot-swap run (default: ${DEFAULT-VALUE})")
    int keys = 2000;
    @Option(names = "--seconds", paramLabel = "S", description = "length of the hot-swap run (default: ${DEFAULT-VALUE})")
    int seconds = 10;
    @Option(names = "--swap-every-ms", paramLabel = "MS", description = "a model swap every MS milliseconds (default: ${DEFAULT-VALUE})")
    long swapEvery = 2000;
    @Option(names = "--parts", paramLabel = "LIST", split = ",", description = "what to run, of train,check,swap (default: train,check,swap)")
    Set<String> parts = Set.of("train", "check", "swap");
    @Spec
    CommandSpec spec;

    RetrainBenchmark() {
    }

    public static void main(String[] args) {
        System.exit(Cli.commandLine(new RetrainBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        for (String p : parts) {
            if (!List.of("train", "check", "swap").contains(p)) {
                throw new ParameterException(spec.commandLine(), "--parts: unknown part '" + p + "', valid: [train, check, swap]");
            }
        }
        Bench.atLeast(spec, "--sequences", sequences, 2);
        Bench.atLeast(spec, "--length", length, 2);
        Bench.atLeast(spec, "--units", units, 1);
        Bench.atLeast(spec, "--epochs", epochs, 1);
        Bench.atLeast(spec, "--rate", rate, 1);
        Bench.atLeast(spec, "--keys", keys, 1);
        Bench.atLeast(spec, "--seconds", seconds, 1);
        Bench.atLeast(spec, "--swap-every-ms", swapEvery, 1);
        System.out.printf(Locale.ROOT, "RetrainBenchmark: Java %s, %d cores, OMP_NUM_THREADS=%s%n%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), System.getenv("OMP_NUM_THREADS"));
        Model model = model(units, 1);
        if (parts.contains("train")) {
            train(model, sequences, length, units, epochs);
        }
        if (parts.contains("check")) {
            check(model, units);
        }
        if (parts.contains("swap")) {
            swaps(model, model(units, 2), rate, keys, seconds, swapEvery);
        }
        return Cli.OK;
    }

    static Model model(int units, long seed) {
        Sequential m = new Sequential("bench-h" + units);
        m.add(Embedding.builder(SessionGenerator.VOCABULARY, 16).seed(seed).build());
        m.add(LSTM.builder(units).returnSequences(true).seed(seed + 1).build());
        m.add(Dense.builder(SessionGenerator.VOCABULARY).activation("softmax").seed(seed + 2).build());
        m.build(-1);
        return m;
    }

    static TrainingWindow window(int count, int length, long seed) {
        List<TrainingSequence> seqs = new ArrayList<>(count);
        for (int[] s : new SessionGenerator(11, seed).sequences(count, length + 1)) {
            seqs.add(new TrainingSequence(0, 3_600_000, s, null, 0));
        }
        return TrainingWindow.of(0, 3_600_000, count, seqs);
    }

    static void train(Model model, int sequences, int length, int units, int epochs) {
        RetrainOptions o = new RetrainOptions(3_600_000, 3_600_000, RetrainTarget.NEXT_EVENT, length, 4, sequences, 2, epochs, 64, 0.003,
                0.2, 0, true, null);
        WindowTrainer trainer = new WindowTrainer(o);
        trainer.train(model, 1, window(Math.min(1000, sequences), length, 3), 2, line -> {
        }); // warm-up (JIT)
        List<Double> epochSeconds = new ArrayList<>();
        Pattern secs = Pattern.compile("Epoch \\d+/\\d+ - ([0-9.]+)s");
        TrainingWindow w = window(sequences, length, 4);
        long t0 = System.nanoTime();
        WindowTrainer.Outcome r = trainer.train(model, 1, w, 2, line -> {
            Matcher m = secs.matcher(line);
            if (m.find()) {
                epochSeconds.add(Double.parseDouble(m.group(1)));
            }
        });
        double total = (System.nanoTime() - t0) / 1e9;
        double fit = epochSeconds.stream().mapToDouble(Double::doubleValue).sum();
        System.out.println("### One retraining round (WindowTrainer: fine-tune a copy, evaluate both on the holdout, build the snapshot)");
        System.out.println();
        System.out.println(
                "| model | window | train / holdout | epochs | fit per epoch | evaluate + copy + snapshot | whole round | holdout accuracy |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        System.out.printf(Locale.ROOT,
                "| Embedding(40,16) -> LSTM(%d) -> Dense(40) | %d sequences x %d steps | %d / %d | %d | %.1f s | %.1f s | %.1f s | %.3f -> %.3f |%n%n",
                units, sequences, length, r.result().trainWindows(), r.result().holdoutWindows(), epochs,
                fit / Math.max(1, epochSeconds.size()),
                total - fit, total, r.result().before().get("accuracy"), r.result().after().get("accuracy"));
    }

    static void check(Model model, int units) {
        byte[] bytes = ModelFile.toBytes(model);
        StepModelBackend job = StepModelBackend.of(model, 1);
        SnapshotCheck check = new SnapshotCheck(job.inputSpec(), job.outputSize(), ShapeChangePolicy.RESET);
        ModelUpdate u = ModelUpdate.of(ModelSnapshots.of(bytes, 2, 1L, 0, 1, Map.of(), "bench"), "bench");
        String shape = ModelShape.signature(model);
        long[] micros = new long[50];
        long[] open = new long[50];
        for (int i = 0; i < 60; i++) {
            long t0 = System.nanoTime();
            SnapshotCheck.Result r = check.check(u, 1, shape, job.stateSize());
            long t1 = System.nanoTime();
            ((SnapshotCheck.Result.Accepted) r).backend().open(256);
            long t2 = System.nanoTime();
            if (i >= 10) {
                micros[i - 10] = (t1 - t0) / 1000;
                open[i - 10] = (t2 - t1) / 1000;
            }
        }
        Arrays.sort(micros);
        Arrays.sort(open);
        System.out.println("### Checking and applying a snapshot in the stepping operator (per parallel instance)");
        System.out.println();
        System.out.println(
                "| model | snapshot | check on the background thread (decode, sha-256, load, finite weights, compile, compare) median / max "
                        + "| swap on the task thread (open the stepper, batch 256) median |");
        System.out.println("|---|---|---|---|");
        System.out.printf(Locale.ROOT, "| LSTM(%d) | %.0f KiB | %.1f ms / %.1f ms | %.2f ms |%n%n", units, bytes.length / 1024.0,
                micros[25] / 1000.0,
                micros[49] / 1000.0, open[25] / 1000.0);
    }

    static void swaps(Model a, Model b, int rate, int keys, int seconds, long swapEvery) throws Exception {
        System.out.println("### Hot swaps in a running job (MiniCluster, parallelism 2, batch 256 / 5 ms, buffer timeout 1 ms)");
        System.out.println();
        System.out.printf(Locale.ROOT,
                "%d events/s over %d keys for %d s, a swap every %d ms (models alternating, same shapes); latency = source to "
                        + "prediction; \"after a swap\" = events sent in the %d ms after one, \"steady\" = events sent more than 500 ms from any swap "
                        + "(first %d ms skipped).%n%n",
                rate, keys, seconds, swapEvery, DURING_MS, WARMUP_MS);
        System.out.println(
                "| state policy | events | predictions | lost | duplicated | swaps | p50 steady | p99 steady | p99 after a swap | ratio | max after a swap |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        for (String policy : List.of("keep", "reset", "rewarm")) {
            swapRun(a, b, policy, rate, keys, seconds, swapEvery);
        }
        System.out.println();
    }

    static void swapRun(Model a, Model b, String policy, int rate, int keys, int seconds, long swapEvery) throws Exception {
        SWAP_NANOS.clear();
        OBSERVED.clear();
        Path tmp = Files.createTempDirectory("retrain-bench-");
        JobConfig config = JobConfig.fromArgs("--parallelism", "2", "--batch.size", "256", "--batch.timeout-ms", "5", "--top-k", "1",
                // No checkpoints: the scheduled swaps are held back by sleeping in their source, which would also hold back
                // checkpoint barriers and, with aligned checkpoints, the events (an artefact of this harness, not of Kafka sources).
                "--checkpoint.interval", "1h", "--checkpoint.dir", tmp.resolve("cp").toUri().toString(),
                "--swap.state-policy", policy, "--swap.rewarm-events", "32");
        int n = rate * seconds;
        List<Ingested> events = new ArrayList<>(n);
        SessionGenerator g = new SessionGenerator(11, 1);
        SessionGenerator.Cursor[] c = new SessionGenerator.Cursor[keys];
        for (int i = 0; i < n; i++) {
            int k = i % keys;
            c[k] = c[k] == null ? new SessionGenerator.Cursor() : c[k];
            events.add(Ingested.of(ModelInput.token("k" + k, 0, g.next(c[k]).token(), false)));
        }
        int swapCount = (int) (seconds * 1000 / swapEvery) - 1;
        List<ModelUpdate> updates = new ArrayList<>();
        for (int i = 0; i < swapCount; i++) {
            updates.add(ModelUpdate.of(ModelSnapshots.of(ModelFile.toBytes(i % 2 == 0 ? b : a), 2 + i, 1L + i, 0, 1, Map.of(), "bench"),
                    "bench"));
        }
        StreamExecutionEnvironment env = LocalFlink.environment(config, tmp);
        JobEnvironment.configure(env, config);
        env.setBufferTimeout(1);
        DataStream<Ingested> in = env.fromData(events, TypeInformation.of(Ingested.class)).setParallelism(1)
                .map(new StampAndPace(rate), TypeInformation.of(Ingested.class)).setParallelism(1);
        DataStream<ModelUpdate> models = env.fromData(updates, TypeInformation.of(ModelUpdate.class)).setParallelism(1)
                .map(new Schedule(swapEvery), TypeInformation.of(ModelUpdate.class)).setParallelism(1);
        PredictionJob.Outputs out = PredictionJob.attach(in, models, StepModelBackend.of(a, 1), config);
        out.predictions().sinkTo(new LatencySink());
        env.execute("retrain benchmark: swaps, " + policy);

        List<Long> swaps = new ArrayList<>(SWAP_NANOS);
        long first = Long.MAX_VALUE;
        for (long[] o : OBSERVED) {
            first = Math.min(first, o[2]);
        }
        List<Long> steady = new ArrayList<>();
        List<Long> during = new ArrayList<>();
        Map<Long, Set<Long>> seen = new HashMap<>();
        long duplicates = 0;
        for (long[] o : OBSERVED) {
            if (!seen.computeIfAbsent(o[0], x -> new HashSet<>()).add(o[1])) {
                duplicates++;
            }
            if (o[2] - first < WARMUP_MS * 1_000_000) {
                continue;
            }
            long nearest = Long.MAX_VALUE;
            boolean after = false;
            for (long s : swaps) {
                nearest = Math.min(nearest, Math.abs(o[2] - s));
                after |= o[2] >= s && o[2] - s <= DURING_MS * 1_000_000;
            }
            if (after) {
                during.add(o[3]);
            } else if (nearest > 500_000_000L) {
                steady.add(o[3]);
            }
        }
        long unique = seen.values().stream().mapToLong(Set::size).sum();
        long lost = n - unique;
        for (Map.Entry<Long, Set<Long>> e : seen.entrySet()) {
            long max = e.getValue().stream().mapToLong(Long::longValue).max().orElse(0);
            if (max != e.getValue().size()) {
                lost += max - e.getValue().size(); // a gap in a key's steps
            }
        }
        steady.sort(null);
        during.sort(null);
        double p99s = pct(steady, 0.99), p99d = pct(during, 0.99);
        System.out.printf(Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %.1f ms | %.1f ms | %.1f ms | %.2fx | %.1f ms |%n", policy, n,
                OBSERVED.size(),
                lost, duplicates, swaps.size(), pct(steady, 0.5), p99s, p99d, p99d / p99s,
                during.isEmpty() ? 0 : during.get(during.size() - 1) / 1e6);
    }

    static double pct(List<Long> sorted, double q) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(q * sorted.size()))) / 1e6;
    }

    /** Paces the events to a rate and stamps each with System.nanoTime() (as its event time) when it leaves the source. */
    static final class StampAndPace implements MapFunction<Ingested, Ingested> {
        private static final long serialVersionUID = 1L;
        private final int rate;
        private transient long start;
        private transient long count;

        StampAndPace(int rate) {
            this.rate = rate;
        }

        @Override
        public Ingested map(Ingested e) throws InterruptedException {
            if (count == 0) {
                start = System.nanoTime();
            }
            long due = start + (long) (count++ * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 200_000) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            long now = System.nanoTime();
            e.input.eventTime = now;
            e.timestamp = now;
            return e;
        }
    }

    /** Holds the i-th model update until i+1 swap intervals after the first, and notes when it left. */
    static final class Schedule implements MapFunction<ModelUpdate, ModelUpdate> {
        private static final long serialVersionUID = 1L;
        private final long everyMs;
        private transient long start;
        private transient int i;

        Schedule(long everyMs) {
            this.everyMs = everyMs;
        }

        @Override
        public ModelUpdate map(ModelUpdate u) throws InterruptedException {
            if (i == 0) {
                start = System.nanoTime();
            }
            long due = start + (++i) * everyMs * 1_000_000;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            SWAP_NANOS.add(System.nanoTime());
            return u;
        }
    }

    /** Notes each prediction's key, step, send time and latency. */
    static final class LatencySink implements Sink<Prediction> {
        private static final long serialVersionUID = 1L;

        @Override
        public SinkWriter<Prediction> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(Prediction p, Context ctx) {
                    long now = System.nanoTime();
                    OBSERVED.add(new long[]{ Long.parseLong(p.getKey().substring(1)), p.getStep(), p.getEventTime(), now - p.getEventTime(),
                            p.getModelVersion() });
                }

                @Override
                public void flush(boolean endOfInput) {
                }

                @Override
                public void close() {
                }
            };
        }
    }
}
