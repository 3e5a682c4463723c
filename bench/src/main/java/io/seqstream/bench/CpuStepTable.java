package io.seqstream.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The step benchmark's engines timed by the stepping thread's CPU time, in one JVM, for a machine shared with
 * other work. JMH times wall clock: under a load of tens of runnable threads per core the forks' JIT compilers
 * starve, and a time slice lost to another process counts as the engine's. Here each measurement runs steps
 * until the thread has used {@code bench.cpu.ms} (50) of CPU and takes CPU nanoseconds per event; the engines
 * of a cell are measured in rotated order for {@code bench.rounds} (9) rounds and the median counts. Every
 * engine computes on the calling thread (ONNX Runtime with one intra-op and one inter-op thread runs on the
 * caller; ND4J with {@code OMP_NUM_THREADS=1}), so its CPU time is its work.
 *
 * <pre>
 * OMP_NUM_THREADS=1 java --add-modules jdk.incubator.vector [-XX:UseAVX=2 | -XX:MaxVectorSize=16] \
 *   -cp bench/target/benchmarks.jar io.seqstream.bench.CpuStepTable
 * </pre>
 * Properties: {@code bench.engines=stepper,onnx,sgemm}, {@code bench.H=128,256}, {@code bench.B=1,8,64,256},
 * {@code bench.rounds}, {@code bench.cpu.ms}, {@code bench.warmup.cpu.ms} (per engine and cell, 400; the first
 * cell of each engine gets 4x, for the JIT).
 */
public final class CpuStepTable {
    private CpuStepTable() {
    }

    public static void main(String[] args) throws Exception {
        List<String> engines = List.of(System.getProperty("bench.engines", "stepper,onnx,sgemm").split(","));
        int[] hs = ints(System.getProperty("bench.H", "128,256"));
        int[] bs = ints(System.getProperty("bench.B", "1,8,64,256"));
        int rounds = Integer.getInteger("bench.rounds", 9);
        long cpuNs = Long.getLong("bench.cpu.ms", 50) * 1_000_000L;
        long warmNs = Long.getLong("bench.warmup.cpu.ms", 400) * 1_000_000L;
        io.seqstream.model.ops.Kernels k = io.seqstream.model.ops.Kernels.best();
        double peak = PeakProbe.peakGflops(30);
        System.out.printf(Locale.ROOT, "CpuStepTable: Java %s, kernels %s, FMA peak %.1f GFLOP/s (thread CPU time), load %s%n%n",
                System.getProperty("java.version"),
                k.describe(), peak, load());
        StringBuilder head = new StringBuilder("| H | B |");
        for (String e : engines)
            head.append(' ').append(e).append(" µs/event (of peak) |");
        if (engines.contains("stepper") && engines.contains("onnx"))
            head.append(" stepper/onnx |");
        if (engines.contains("stepper") && engines.contains("sgemm"))
            head.append(" stepper/sgemm |");
        head.append(" stepper's product alone (of peak) |");
        System.out.println(head);
        System.out.println("|--:|--:|" + "--:|".repeat((int) head.chars().filter(c -> c == '|').count() - 3));
        java.util.Set<String> warmed = new java.util.HashSet<>();
        for (int h : hs) {
            for (int b : bs) {
                Map<String, Engine> eng = new LinkedHashMap<>();
                Map<String, int[][]> rings = new LinkedHashMap<>();
                Map<String, double[]> per = new LinkedHashMap<>();
                for (String e : engines) {
                    eng.put(e, Engine.create(e, h, b));
                    int[][] ring = new int[Math.max(16, StepBenchmark.RING_TOKENS / b)][b];
                    Random rnd = new Random(42L + h * 31L + b);
                    for (int[] r : ring)
                        for (int i = 0; i < b; i++)
                            r[i] = rnd.nextInt(PeerModel.VOCAB);
                    rings.put(e, ring);
                    per.put(e, new double[rounds]);
                    runFor(eng.get(e), ring, warmed.add(e) ? 4 * warmNs : warmNs);
                }
                for (int r = 0; r < rounds; r++) {
                    for (int i = 0; i < engines.size(); i++) {
                        String e = engines.get((i + r) % engines.size());
                        long[] res = runFor(eng.get(e), rings.get(e), cpuNs);
                        per.get(e)[r] = res[0] / 1e3 / res[1] / b; // µs per event
                    }
                }
                StringBuilder row = new StringBuilder("| " + h + " | " + b + " |");
                Map<String, Double> med = new LinkedHashMap<>();
                for (String e : engines) {
                    double m = median(per.get(e));
                    med.put(e, m);
                    double gf = BenchTable.flopsPerEvent(e, h) / (m * 1e3);
                    row.append(String.format(Locale.ROOT, " %s (%.0f%%) |", BenchTable.fmt(m), 100 * gf / peak));
                }
                if (med.containsKey("stepper") && med.containsKey("onnx"))
                    row.append(String.format(Locale.ROOT, " %.2fx |", med.get("stepper") / med.get("onnx")));
                if (med.containsKey("stepper") && med.containsKey("sgemm"))
                    row.append(String.format(Locale.ROOT, " %.2fx |", med.get("stepper") / med.get("sgemm")));
                if (b >= 64) {
                    double gf = PeakProbe.productGflops(k, h, b, 20);
                    row.append(String.format(Locale.ROOT, " %.1f GFLOP/s (%.0f%%) |", gf, 100 * gf / peak));
                } else {
                    row.append(" - |");
                }
                System.out.println(row);
                for (Engine e : eng.values())
                    e.close();
            }
        }
        System.out.printf(Locale.ROOT,
                "%nMedians of %d rotated rounds of %d ms thread CPU time each; (of peak) = the engine's matrix work per event "
                        + "(BenchTable.flopsPerEvent) over its time, against the FMA peak; load at the end: %s%n",
                rounds, cpuNs / 1_000_000, load());
    }

    /** Steps until {@code ns} of this thread's CPU time are used; returns {CPU ns, calls}. */
    static long[] runFor(Engine e, int[][] ring, long ns) {
        long t0 = PeakProbe.cpuNanos(), calls = 0;
        int next = 0;
        long t;
        do {
            for (int i = 0; i < 4; i++) {
                e.step(ring[next]);
                if (++next == ring.length)
                    next = 0;
                calls++;
            }
            t = PeakProbe.cpuNanos() - t0;
        } while (t < ns);
        return new long[]{ t, calls };
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static String load() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "n/a";
        }
    }

    private static int[] ints(String s) {
        return Arrays.stream(s.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    }
}
