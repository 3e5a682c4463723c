package io.seqstream.bench;

import io.seqstream.model.FitOptions;
import io.seqstream.model.Sequential;
import io.seqstream.model.Tensor;
import io.seqstream.model.layers.Dense;
import io.seqstream.model.layers.Embedding;
import io.seqstream.model.layers.LSTM;
import io.seqstream.model.train.Loss;
import io.seqstream.model.train.Optimizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * model-core's {@code fit} on the retraining shape, the counterpart of {@code bench/python/keras_fit_bench.py}:
 * Embedding(40,16) -> LSTM(128, return_sequences) -> Dense(40, softmax), sparse categorical cross-entropy, Adam
 * 0.003, batch 64, 8,000 sequences x 32 steps of uniform random tokens (next-token targets), one thread.
 * Prints seconds per epoch (wall, the training thread's CPU time, and the process's CPU time, which is what the Keras
 * script's {@code time.process_time()} measures); the first epoch includes JIT warm-up, so the medians are of the later ones.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar io.seqstream.bench.FitBenchmark [--epochs 4 --units 128 --sequences 8000]
 * </pre>
 */
@Command(name = "FitBenchmark", mixinStandardHelpOptions = true, description = "model-core's fit on the retraining shape: seconds per epoch.")
public final class FitBenchmark implements Runnable {
    @Option(names = "--epochs", paramLabel = "N", description = "epochs; the first is JIT warm-up (default: ${DEFAULT-VALUE})")
    int epochs = 4;
    @Option(names = "--units", paramLabel = "H", description = "LSTM units (default: ${DEFAULT-VALUE})")
    int units = 128;
    @Option(names = "--sequences", paramLabel = "N", description = "training sequences (default: ${DEFAULT-VALUE})")
    int sequences = 8000;
    @Option(names = "--length", paramLabel = "T", description = "time steps per sequence (default: ${DEFAULT-VALUE})")
    int length = 32;
    @Option(names = "--batch", paramLabel = "B", description = "batch size (default: ${DEFAULT-VALUE})")
    int batch = 64;

    /** Median of all but the first (JIT warm-up) value. */
    static double laterMedian(List<Double> v) {
        List<Double> later = new ArrayList<>(v.subList(Math.min(1, v.size() - 1), v.size()));
        later.sort(null);
        return later.get(later.size() / 2);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new FitBenchmark()).execute(args));
    }

    @Override
    public void run() {
        if (epochs < 2 || units < 1 || sequences < 1 || length < 1 || batch < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--epochs must be at least 2 (the first is warm-up); --units, --sequences, --length and --batch at least 1");
        }
        int vocab = 40;
        Random rnd = new Random(1);
        int[][] x = new int[sequences][length];
        float[] y = new float[sequences * length];
        for (int s = 0; s < sequences; s++) {
            int prev = rnd.nextInt(vocab);
            for (int t = 0; t < length; t++) {
                x[s][t] = prev;
                prev = rnd.nextInt(vocab);
                y[s * length + t] = prev;
            }
        }
        Sequential m = new Sequential("fit-bench");
        m.add(Embedding.builder(vocab, 16).seed(1).build());
        m.add(LSTM.builder(units).returnSequences(true).seed(2).build());
        m.add(Dense.builder(vocab).activation("softmax").seed(3).build());
        m.build(-1);
        m.compile(Loss.SPARSE_CATEGORICAL_CROSSENTROPY, new Optimizer.Adam(0.003), "accuracy");
        List<Double> secs = new ArrayList<>(), cpu = new ArrayList<>(), proc = new ArrayList<>();
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long[] proc0 = { os.getProcessCpuTime() };
        java.util.regex.Pattern p = java.util.regex.Pattern.compile("Epoch \\d+/\\d+ - ([0-9.]+)s");
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long[] cpu0 = { threads.getCurrentThreadCpuTime() };
        m.fit(Tensor.ofTokens(x), Tensor.wrap(y, sequences, length),
                FitOptions.builder().epochs(epochs).batchSize(batch).seed(7).progress(line -> {
                    long now = threads.getCurrentThreadCpuTime();
                    cpu.add((now - cpu0[0]) / 1e9);
                    cpu0[0] = now;
                    long p1 = os.getProcessCpuTime();
                    proc.add((p1 - proc0[0]) / 1e9);
                    proc0[0] = p1;
                    System.out.printf(Locale.ROOT, "%s - cpu %.2fs (process %.2fs)%n", line, cpu.get(cpu.size() - 1),
                            proc.get(proc.size() - 1));
                    var mm = p.matcher(line);
                    if (mm.find())
                        secs.add(Double.parseDouble(mm.group(1)));
                }).build());
        System.out.printf(Locale.ROOT,
                "fit: LSTM(%d), %d x %d, batch %d, %s: %.2f s per epoch wall, %.2f s CPU of the training thread, %.2f s CPU of the process "
                        + "(GC and JIT threads included) (medians of epochs 2..%d)%n",
                units, sequences, length, batch,
                io.seqstream.model.ops.FastGemm.kernels().describe(), laterMedian(secs), laterMedian(cpu), laterMedian(proc), epochs);
    }
}
