package io.seqstream.model.ops;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * Register blocking of the packed panel product: a micro-kernel keeps {@code rows x vectors} accumulators in
 * vector registers while it walks {@code kc} steps of the inner dimension. Chosen from the vector species
 * length and the machine's vector register count, so that accumulators + one panel row + a broadcast fit:
 * 6 x 4 (24 + 4 + 1) with 32 registers (AVX-512, NEON, SVE), 4 x 3 (12 + 3 + 1) with 16 (AVX2, AVX). With 16
 * registers 4 x 3 beat 6 x 2 by 8-21 % per step on a quiet Zen 4 at 256 bits (7 loads per 12 FMAs instead of
 * 8, and batches of 8 and 64 rows split into whole blocks); docs/BENCHMARKS.md has the figures.
 *
 * <p>System properties (for tests and experiments): {@code seqstream.kernels.blocking=RxV[:KC]} forces a
 * shape (one of {@link #SHAPES}), {@code seqstream.kernels.registers=16|32} overrides the detected count.
 */
public record Blocking(int rows, int vectors, int kc) {
    /** The shapes that have micro-kernels ({@link PanelKernels}): rows x vectors. */
    public static final Set<String> SHAPES = Set.of("6x4", "4x4", "8x3", "4x3", "6x2", "4x2");

    public Blocking {
        if (!SHAPES.contains(rows + "x" + vectors)) {
            throw new IllegalArgumentException("no micro-kernel of " + rows + " rows x " + vectors + " vectors; shapes: " + SHAPES);
        }
        if (kc < 1)
            throw new IllegalArgumentException("inner block must be positive, got " + kc);
    }

    /** Accumulators the micro-kernel keeps live. */
    public int accumulators() {
        return rows * vectors;
    }

    /** Panel width in floats for a species of {@code lanes} floats. */
    public int panelWidth(int lanes) {
        return vectors * lanes;
    }

    @Override
    public String toString() {
        return rows + "x" + vectors + ":" + kc;
    }

    /** The shape for this machine (or the one the system properties force) at a species of {@code lanes} floats. */
    public static Blocking choose(int lanes) {
        String forced = System.getProperty("seqstream.kernels.blocking");
        if (forced != null && !forced.isBlank())
            return parse(forced, lanes);
        return forRegisters(lanes, vectorRegisters());
    }

    /**
     * The shape for {@code registers} vector registers of {@code lanes} floats: the most accumulators that leave
     * room for a panel row and a broadcast; the inner block keeps a panel slice of {@code kc x vectors} vectors
     * within 32 KiB (an L1), a power of two between 32 and 512 steps.
     */
    public static Blocking forRegisters(int lanes, int registers) {
        return registers >= 32 ? new Blocking(6, 4, innerBlock(lanes, 4)) : new Blocking(4, 3, innerBlock(lanes, 3));
    }

    static int innerBlock(int lanes, int vectors) {
        int steps = Math.max(32, Math.min(512, 32768 / (vectors * lanes * Float.BYTES)));
        return Integer.highestOneBit(steps);
    }

    /** {@code RxV} or {@code RxV:KC}. */
    public static Blocking parse(String s, int lanes) {
        String[] f = s.trim().toLowerCase(Locale.ROOT).split("[x:]");
        try {
            int r = Integer.parseInt(f[0]), v = Integer.parseInt(f[1]);
            int kc = f.length > 2 ? Integer.parseInt(f[2]) : innerBlock(lanes, v);
            return new Blocking(r, v, kc);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("seqstream.kernels.blocking='" + s + "': expected RxV or RxV:KC with RxV one of " + SHAPES,
                    e);
        }
    }

    /**
     * Vector registers the JIT can allocate: 32 on AArch64 (NEON/SVE) and on x86 when HotSpot uses AVX-512
     * (UseAVX >= 3, which also gives 128/256-bit code xmm/ymm16-31) on a CPU with avx512f; 16 otherwise on x86.
     */
    public static int vectorRegisters() {
        Integer forced = Integer.getInteger("seqstream.kernels.registers");
        if (forced != null) {
            if (forced != 16 && forced != 32)
                throw new IllegalArgumentException("seqstream.kernels.registers must be 16 or 32, got " + forced);
            return forced;
        }
        String arch = System.getProperty("os.arch", "");
        if (arch.equals("aarch64") || arch.equals("arm64"))
            return 32;
        int useAvx = hotSpotUseAvx();
        boolean avx512 = cpuFlags().contains("avx512f");
        if (useAvx >= 0)
            return useAvx >= 3 && avx512 ? 32 : 16;
        return avx512 ? 32 : 16;
    }

    /** HotSpot's UseAVX flag, -1 when not on HotSpot (or not on x86). */
    static int hotSpotUseAvx() {
        try {
            var bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return Integer.parseInt(bean.getVMOption("UseAVX").getValue());
        } catch (RuntimeException | LinkageError e) {
            return -1;
        }
    }

    /** The first CPU's flags from /proc/cpuinfo; empty where there is none. */
    static Set<String> cpuFlags() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags"))
                    return Set.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+"));
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return Set.of();
    }
}
