package io.seqstream.bench;

import io.seqstream.model.ops.Blocking;
import io.seqstream.model.ops.Kernels;
import io.seqstream.model.ops.PackedMatrix;
import io.seqstream.model.ops.VectorKernels;
import java.util.Arrays;
import java.util.Locale;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The machine's FMA peak at the preferred species width, and the packed panel product's share of it.
 *
 * <p>Peak: a register-resident loop of 12 independent FMA chains (enough to cover 2 pipes x 4-5 cycles of
 * latency on current x86 and ARM cores; 12 accumulators + 2 operands fit 16 registers), timed over
 * rounds of ~10 ms of this thread's CPU time; the best round counts. Product: {@code [B, H] x [H, 4H]} into a pre-filled z (the LSTM
 * step's recurrent product), per blocking shape, best of rounds.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar io.seqstream.bench.PeakProbe [-XX:UseAVX=2 | -XX:MaxVectorSize=16 before -cp]
 * </pre>
 * Options (system properties): {@code probe.H=128,256}, {@code probe.B=64,256}, {@code probe.shapes=6x4,6x2}
 * (default: the shape chosen for this machine and the other candidates), {@code probe.rounds=15}.
 */
public final class PeakProbe {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static volatile float sink;

    private PeakProbe() {
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    /**
     * This thread's CPU time: on a machine shared with other work, time slices taken by other processes do not
     * count (wall time would), so probes and tables stay comparable under load.
     */
    static long cpuNanos() {
        return THREADS.getCurrentThreadCpuTime();
    }

    /** Best-of-rounds FMA throughput at the species width, GFLOP/s (one thread). */
    public static double peakGflops(int rounds) {
        long iters = 300_000;
        chains(iters / 10); // warm up / compile
        chains(iters / 10);
        double best = 0;
        for (int r = 0; r < rounds; r++) {
            long t0 = cpuNanos();
            chains(iters);
            long dt = cpuNanos() - t0;
            best = Math.max(best, 12.0 * 2 * S.length() * iters / dt);
        }
        return best;
    }

    /** 12 independent FMA chains; each step multiplies by ~1 and adds a tiny constant, so values stay finite. */
    private static void chains(long iters) {
        FloatVector m = FloatVector.broadcast(S, 0.999999f), d = FloatVector.broadcast(S, 1e-7f);
        FloatVector c0 = FloatVector.broadcast(S, 1f), c1 = c0.add(d), c2 = c1.add(d), c3 = c2.add(d), c4 = c3.add(d), c5 = c4.add(d);
        FloatVector c6 = c5.add(d), c7 = c6.add(d), c8 = c7.add(d), c9 = c8.add(d), c10 = c9.add(d), c11 = c10.add(d);
        for (long i = 0; i < iters; i++) {
            c0 = c0.fma(m, d);
            c1 = c1.fma(m, d);
            c2 = c2.fma(m, d);
            c3 = c3.fma(m, d);
            c4 = c4.fma(m, d);
            c5 = c5.fma(m, d);
            c6 = c6.fma(m, d);
            c7 = c7.fma(m, d);
            c8 = c8.fma(m, d);
            c9 = c9.fma(m, d);
            c10 = c10.fma(m, d);
            c11 = c11.fma(m, d);
        }
        sink = c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }

    /** One timed product {@code [b, h] x [h, 4h]} with given kernels, repeated to ~{@code ms} milliseconds per measurement. */
    static final class Product {
        final Kernels k;
        final int h, b;
        final PackedMatrix pm;
        final float[] a, z;
        final double flop;
        final int reps;

        Product(Kernels k, int h, int b, double ms) {
            this.k = k;
            this.h = h;
            this.b = b;
            int g = 4 * h;
            java.util.Random rnd = new java.util.Random(7);
            float[] w = new float[h * g];
            for (int i = 0; i < w.length; i++)
                w[i] = (float) rnd.nextGaussian() * 0.05f;
            pm = new PackedMatrix(w, h, g, k.panelWidth());
            a = new float[b * h];
            for (int i = 0; i < a.length; i++)
                a[i] = (float) rnd.nextGaussian();
            z = new float[b * pm.paddedCols()];
            flop = 2.0 * b * h * g;
            reps = (int) Math.max(1, ms * 1e6 * 50 / flop); // ~50 GFLOP/s assumed for the rep count
            for (int i = 0; i < 20 * reps; i++)
                run(); // compile
        }

        void run() {
            k.gemmAcc(a, 0, h, b, pm, z, 0, pm.paddedCols());
        }

        /** GFLOP/s of one measurement. */
        double measure() {
            Arrays.fill(z, 0f);
            long t0 = cpuNanos();
            for (int i = 0; i < reps; i++)
                run();
            long dt = cpuNanos() - t0;
            sink = z[0];
            return flop * reps / dt;
        }
    }

    /** Best-of-rounds GFLOP/s of {@code [b, h] x [h, 4h]} with the given kernels. */
    public static double productGflops(Kernels k, int h, int b, int rounds) {
        Product p = new Product(k, h, b, 20);
        double best = 0;
        for (int r = 0; r < rounds; r++)
            best = Math.max(best, p.measure());
        return best;
    }

    public static void main(String[] args) {
        int rounds = Integer.getInteger("probe.rounds", 30);
        int[] hs = ints(System.getProperty("probe.H", "128,256"));
        int[] bs = ints(System.getProperty("probe.B", "64,256"));
        Kernels chosen = Kernels.best();
        String shapes = System.getProperty("probe.shapes");
        java.util.List<String> list = new java.util.ArrayList<>();
        if (chosen instanceof VectorKernels vk)
            list.add(vk.blocking().rows() + "x" + vk.blocking().vectors());
        for (String s : (shapes != null ? shapes : "6x4,6x2,8x3,4x3").split(","))
            if (!list.contains(s.trim()))
                list.add(s.trim());
        java.util.List<Product> products = new java.util.ArrayList<>();
        for (int h : hs)
            for (int b : bs)
                for (String s : list)
                    products.add(new Product(VectorKernels.withBlocking(Blocking.parse(s, S.length())), h, b, 20));
        // Rotated rounds: every measurement sees the same mix of machine load; the best of each counts.
        double peak = peakGflops(3);
        double[] best = new double[products.size()];
        for (int r = 0; r < rounds; r++) {
            peak = Math.max(peak, peakGflops(1));
            for (int i = 0; i < products.size(); i++) {
                int j = (i + r) % products.size();
                best[j] = Math.max(best[j], products.get(j).measure());
            }
        }
        System.out.printf(Locale.ROOT, "species %d-bit (%d floats), %d vector registers, chosen: %s%n", S.vectorBitSize(), S.length(),
                Blocking.vectorRegisters(), chosen.describe());
        System.out.printf(Locale.ROOT, "FMA peak (12 chains, register-resident, best of %d rounds): %.1f GFLOP/s%n%n", rounds, peak);
        StringBuilder head = new StringBuilder("| H | B |");
        for (String s : list)
            head.append(" ").append(s).append(" GFLOP/s (of peak) |");
        System.out.println(head);
        System.out.println("|--:|--:|" + "--:|".repeat(list.size()));
        int i = 0;
        for (int h : hs) {
            for (int b : bs) {
                StringBuilder row = new StringBuilder("| " + h + " | " + b + " |");
                for (int s = 0; s < list.size(); s++, i++)
                    row.append(String.format(Locale.ROOT, " %.1f (%.0f%%) |", best[i], 100 * best[i] / peak));
                System.out.println(row);
            }
        }
    }

    private static int[] ints(String s) {
        return Arrays.stream(s.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    }
}
