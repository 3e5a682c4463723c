package io.seqstream.bench;

import io.seqstream.model.Tensor;
import io.seqstream.model.io.Npy;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * One step for B keys of: the LSTM peer (Embedding(1000,64) -> LSTM(H) -> Dense(10, softmax)), the GRU peer
 * (same with GRU(H, reset_after=True)) and the two-input model (the LSTM peer's tokens plus 3 features per
 * event, concatenated before the LSTM), on seqstream's stepper and, for the LSTM and GRU, ONNX Runtime with
 * the same weights. Score: microseconds per call (B events). The GRU engines are checked against the peer's
 * reference run (ONNX Runtime from Python) before measuring.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = { "--add-modules", "jdk.incubator.vector", "-Xms1g", "-Xmx2g" })
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SequenceStepBenchmark {
    @Param({ "128", "256" })
    public int H;

    @Param({ "1", "64", "256" })
    public int B;

    @Param({ "lstm-stepper", "lstm-onnx", "gru-stepper", "gru-onnx", "two-input-stepper" })
    public String variant;

    private Engine eng;
    private int[][] ring;
    private int next;

    @Setup(Level.Trial)
    public void setup() {
        eng = switch (variant) {
            case "lstm-stepper" -> new StepperEngine(H, B, false);
            case "lstm-onnx" -> new OnnxEngine(H, B, false);
            case "gru-stepper" -> new ModelStepperEngine(variant, SequenceModels.gru(H), B);
            case "gru-onnx" -> new GruOnnxEngine(H, B);
            case "two-input-stepper" -> new ModelStepperEngine(variant, SequenceModels.twoInputs(H), B);
            default -> throw new IllegalArgumentException("unknown variant " + variant);
        };
        if (variant.startsWith("gru"))
            checkAgainstReference();
        int batches = Math.max(16, StepBenchmark.RING_TOKENS / B);
        ring = new int[batches][B];
        Random rnd = new Random(42L + H * 31L + B);
        for (int[] r : ring)
            for (int i = 0; i < B; i++)
                r[i] = rnd.nextInt(PeerModel.VOCAB);
        next = 0;
    }

    /** Six steps of four keys against the reference probabilities, then fresh states. */
    private void checkAgainstReference() {
        try {
            var dir = SequenceModels.gruPeer(H);
            long[] tokens = Npy.read(dir.resolve("ref_tokens.npy")).longs();
            Tensor probs = Npy.read(dir.resolve("ref_probs.npy")).toTensor();
            Engine check = variant.equals("gru-onnx") ? new GruOnnxEngine(H, 4) : new ModelStepperEngine("check", SequenceModels.gru(H), 4);
            for (int t = 0; t < 6; t++) {
                int[] tok = new int[4];
                for (int k = 0; k < 4; k++)
                    tok[k] = (int) tokens[t * 4 + k];
                check.step(tok);
                for (int k = 0; k < 4; k++) {
                    for (int c = 0; c < PeerModel.CLASSES; c++) {
                        float e = probs.data()[(t * 4 + k) * PeerModel.CLASSES + c], a = check.outputs()[k][c];
                        if (Math.abs(e - a) > 1e-5f)
                            throw new IllegalStateException(variant + " step " + t + " key " + k + ": " + a + " vs reference " + e);
                    }
                }
            }
            check.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
