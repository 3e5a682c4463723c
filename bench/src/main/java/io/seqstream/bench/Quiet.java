package io.seqstream.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * CPU used by OTHER processes on this machine (Linux /proc), so a benchmark on a shared box can wait for a
 * quiet moment before each iteration and record how disturbed each iteration was.
 *
 * <p>Others' CPU = all busy jiffies in /proc/stat minus this JVM's (/proc/self/stat utime+stime), in cores
 * (1.0 = one core fully busy) over a wall-clock window. On non-Linux systems every reading is NaN and
 * {@link #await} returns at once.
 */
final class Quiet {
    private static final double HZ = 100.0; // USER_HZ on Linux
    private static final boolean LINUX = Files.isReadable(Path.of("/proc/stat")) && Files.isReadable(Path.of("/proc/self/stat"));

    private final long busy;
    private final long self;
    private final long nanos;

    private Quiet(long busy, long self, long nanos) {
        this.busy = busy;
        this.self = self;
        this.nanos = nanos;
    }

    static Quiet sample() {
        if (!LINUX)
            return new Quiet(0, 0, System.nanoTime());
        try {
            String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0); // cpu user nice system idle iowait irq softirq steal ...
            String[] f = cpu.trim().split("\\s+");
            long busy = 0;
            for (int i : new int[]{ 1, 2, 3, 6, 7, 8 })
                if (i < f.length)
                    busy += Long.parseLong(f[i]);
            String st = Files.readString(Path.of("/proc/self/stat"));
            String[] s = st.substring(st.lastIndexOf(')') + 2).trim().split("\\s+"); // fields from 3 (state) on
            long self = Long.parseLong(s[11]) + Long.parseLong(s[12]); // utime (14), stime (15)
            return new Quiet(busy, self, System.nanoTime());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            return new Quiet(0, 0, System.nanoTime());
        }
    }

    /** Cores used by other processes between {@code this} and a later sample. */
    double othersSince(Quiet earlier) {
        if (!LINUX)
            return Double.NaN;
        double sec = (nanos - earlier.nanos) / 1e9;
        if (sec <= 0)
            return Double.NaN;
        long others = (busy - earlier.busy) - (self - earlier.self);
        return Math.max(0, others) / HZ / sec;
    }

    /**
     * Waits (up to {@code maxWaitMs}) until other processes used at most {@code maxCores} over the last
     * {@code windowMs}; returns the milliseconds waited.
     */
    static long await(double maxCores, long windowMs, long maxWaitMs) {
        if (!LINUX || maxCores <= 0)
            return 0;
        long start = System.nanoTime();
        while (true) {
            Quiet a = sample();
            sleep(windowMs);
            double o = sample().othersSince(a);
            long waited = (System.nanoTime() - start) / 1_000_000;
            if (!(o > maxCores) || waited >= maxWaitMs)
                return waited;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void log(Path file, String line) {
        try {
            Files.writeString(file, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
