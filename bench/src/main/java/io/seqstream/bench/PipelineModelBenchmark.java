package io.seqstream.bench;

import io.seqstream.model.Sequential;
import io.seqstream.model.layers.Dense;
import io.seqstream.model.layers.Embedding;
import io.seqstream.model.layers.LSTM;
import io.seqstream.model.ops.Kernels;
import io.seqstream.model.stream.StepModel;
import io.seqstream.model.stream.Stepper;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The model of the end-to-end benchmark ({@code ./seqstream bench}), Embedding(1000,64) -> LSTM(128) -> head,
 * stepped for 256 keys per invocation in calls of B keys, piece by piece, so the model's own cost per event
 * can be set against the pipeline's (docs/BENCHMARKS.md):
 * <ul>
 *   <li>{@code none}: no head (the LSTM step alone);</li>
 *   <li>{@code linear}: Dense(1000) without activation;</li>
 *   <li>{@code softmax}: Dense(1000, softmax), the benchmark's model;</li>
 *   <li>{@code softmax-top5}: the same plus the top 5 classes of each output row, as the job computes them.</li>
 * </ul>
 * The score is microseconds per EVENT (256 events per invocation).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar org.openjdk.jmh.Main PipelineModelBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = { "--add-modules", "jdk.incubator.vector", "-Xms1g", "-Xmx2g" })
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PipelineModelBenchmark {
    static final int EVENTS = 256;
    static final int VOCAB = 1000;

    @Param({ "none", "linear", "softmax", "softmax-top5" })
    public String head;

    @Param({ "64", "256" })
    public int B;

    private Stepper stepper;
    private Kernels kernels;
    private float[][] states;
    private float[][] outputs;
    private float[][] stateRows;
    private int[] tokens;
    private int[] ring;
    private int next;
    private int[] top;
    private int outputSize;

    @Setup
    public void setUp() {
        Sequential model = new Sequential("bench");
        model.add(Embedding.builder(VOCAB, 64).seed(1).build());
        model.add(LSTM.builder(128).returnSequences(true).seed(2).build());
        if (!head.equals("none")) {
            model.add(Dense.builder(VOCAB).activation(head.equals("linear") ? "linear" : "softmax").seed(3).build());
        }
        model.build(-1);
        StepModel sm = StepModel.compile(model);
        stepper = sm.newStepper(B);
        kernels = Kernels.best();
        outputSize = sm.outputSize();
        states = new float[EVENTS][sm.stateSize()];
        outputs = new float[B][outputSize];
        stateRows = new float[B][];
        tokens = new int[B];
        ring = new SplittableRandom(7).ints(16384, 0, VOCAB).toArray();
        top = new int[5];
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void step(Blackhole bh) {
        boolean topK = head.equals("softmax-top5");
        for (int from = 0; from < EVENTS; from += B) {
            for (int i = 0; i < B; i++) {
                stateRows[i] = states[from + i];
                tokens[i] = ring[next];
                next = (next + 1) & (ring.length - 1);
            }
            stepper.stepTokens(stateRows, tokens, B, outputs);
            if (topK) {
                for (int i = 0; i < B; i++) {
                    kernels.topK(outputs[i], outputSize, top.length, top);
                    bh.consume(top[0]);
                }
            }
        }
        bh.consume(outputs[0][0]);
    }
}
