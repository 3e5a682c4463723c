package io.seqstream.bench;

import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One step of Embedding(1000,64) -> LSTM(H) -> Dense(10, softmax) for B keys, state carried outside the
 * model, per engine (see {@link Engine#create}). The score is microseconds per CALL (B events);
 * {@link BenchTable} divides by B.
 *
 * <p>Each invocation takes the next batch of tokens from a pre-generated ring of random tokens (at least
 * 16384 tokens, so embedding / token-table rows are not all hot in cache); the B keys' states persist
 * across invocations. Run with {@code OMP_NUM_THREADS=1} in the environment (ND4J/OpenBLAS threads).
 *
 * <p>For a shared machine: with {@code -Dbench.quiet=0.25} each iteration (warm-up and measurement) first
 * waits until other processes used at most 0.25 cores over the last {@code bench.quiet.window.ms} (300),
 * at most {@code bench.quiet.maxwait.ms} (4000) per iteration and {@code bench.quiet.budget.ms} (10000)
 * per fork; with {@code -Dbench.iterlog=file.csv} each iteration appends
 * {@code H,B,engine,iteration,others_cores,waited_ms} (others' CPU during the iteration, in cores).
 * The waiting happens outside JMH's timed window.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = { "--add-modules", "jdk.incubator.vector", "-Xms1g", "-Xmx2g",
        "--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens", "java.base/java.lang=ALL-UNNAMED" })
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class StepBenchmark {
    /** Tokens in the ring, at least. */
    static final int RING_TOKENS = 16384;

    @Param({ "128", "256" })
    public int H;

    @Param({ "1", "8", "64", "256" })
    public int B;

    @Param({ "stepper", "onnx", "dl4j", "sgemm" })
    public String engine;

    static final double QUIET_CORES = Double.parseDouble(System.getProperty("bench.quiet", "0"));
    static final long QUIET_WINDOW_MS = Long.getLong("bench.quiet.window.ms", 300);
    static final long QUIET_MAX_WAIT_MS = Long.getLong("bench.quiet.maxwait.ms", 4000);
    static final long QUIET_BUDGET_MS = Long.getLong("bench.quiet.budget.ms", 10000);
    static final String ITER_LOG = System.getProperty("bench.iterlog");

    private Engine eng;
    private int[][] ring;
    private int next;
    private int iteration;
    private long waitedTotal;
    private long waited;
    private Quiet iterationStart;

    @Setup(Level.Trial)
    public void setup() {
        eng = Engine.create(engine, H, B);
        if (eng instanceof StepperEngine st)
            System.err.println("stepper kernels: " + st.model().describeKernels()); // the fork's own width
        int batches = Math.max(16, RING_TOKENS / B);
        ring = new int[batches][B];
        Random rnd = new Random(42L + H * 31L + B);
        for (int[] r : ring)
            for (int i = 0; i < B; i++)
                r[i] = rnd.nextInt(PeerModel.VOCAB);
        next = 0;
        if (!"sgemm".equals(engine)) {
            eng.step(ring[0]);
            float s = 0;
            for (float p : eng.outputs()[0])
                s += p;
            if (Math.abs(s - 1f) > 1e-3f)
                throw new IllegalStateException(engine + ": probabilities sum to " + s);
        }
    }

    @Setup(Level.Iteration)
    public void beforeIteration() {
        long budget = Math.max(0, QUIET_BUDGET_MS - waitedTotal);
        waited = Quiet.await(QUIET_CORES, QUIET_WINDOW_MS, Math.min(QUIET_MAX_WAIT_MS, budget));
        waitedTotal += waited;
        iterationStart = Quiet.sample();
    }

    @TearDown(Level.Iteration)
    public void afterIteration() {
        double others = Quiet.sample().othersSince(iterationStart);
        iteration++;
        if (ITER_LOG != null)
            Quiet.log(Path.of(ITER_LOG), H + "," + B + "," + engine + "," + iteration + "," + Quiet.fmt(others) + "," + waited);
    }

    @Benchmark
    public Object step() {
        int[] tokens = ring[next];
        if (++next == ring.length)
            next = 0;
        eng.step(tokens);
        return tokens;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        eng.close();
    }
}
