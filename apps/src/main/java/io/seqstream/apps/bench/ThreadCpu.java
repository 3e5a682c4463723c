package io.seqstream.apps.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time of every thread of this JVM over a run, read from Linux's {@code /proc/self/task}: Java threads, the JVM's
 * own (GC, JIT) and native ones (RocksDB's flush and compaction). A sampler thread reads every thread each period and
 * keeps the last reading of each, so a thread that ends during the run (a finished job's task threads) still counts,
 * short of at most one period. Names are the kernel's: the first 15 bytes of the thread's name.
 */
final class ThreadCpu implements AutoCloseable {
    /** One thread's name and CPU time at a reading. */
    record Reading(String name, long cpuNanos) {
    }

    private final Path tasks;
    private final Map<Long, Reading> first;
    private final Map<Long, Reading> last = new HashMap<>();
    private final Thread sampler;
    private volatile boolean stopped;

    private ThreadCpu(Path tasks, Duration period) {
        this.tasks = tasks;
        this.first = read(tasks);
        this.last.putAll(first);
        this.sampler = new Thread(() -> {
            while (!stopped) {
                sample();
                try {
                    Thread.sleep(period.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "thread-cpu-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** Starts sampling {@code /proc/self/task} every {@code period}; absent where there is no /proc (then {@link #available()} is false). */
    static ThreadCpu start(Duration period) {
        return start(Path.of("/proc/self/task"), period);
    }

    static ThreadCpu start(Path tasks, Duration period) {
        return new ThreadCpu(tasks, period);
    }

    /** Whether this system lists its threads' CPU time (Linux). */
    boolean available() {
        return !first.isEmpty();
    }

    private void sample() {
        Map<Long, Reading> now = read(tasks);
        synchronized (last) {
            last.putAll(now);
        }
    }

    /**
     * Stops sampling (after one last reading) and returns, per thread ({@code name#tid}), the CPU nanoseconds it used
     * since {@link #start}: all of its time for a thread started since, or whose id now names another thread.
     */
    Map<String, Long> stop() {
        stopped = true;
        sampler.interrupt();
        try {
            sampler.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sample();
        Map<String, Long> used = new LinkedHashMap<>();
        synchronized (last) {
            last.forEach((tid, r) -> {
                Reading before = first.get(tid);
                long base = before != null && before.name().equals(r.name()) ? before.cpuNanos() : 0;
                used.put(r.name() + "#" + tid, Math.max(0, r.cpuNanos() - base));
            });
        }
        return used;
    }

    @Override
    public void close() {
        if (!stopped) {
            stop();
        }
    }

    /** Every thread's reading now; empty where the folder does not exist. */
    static Map<Long, Reading> read(Path tasks) {
        Map<Long, Reading> readings = new HashMap<>();
        if (!Files.isDirectory(tasks)) {
            return readings;
        }
        try (Stream<Path> dirs = Files.list(tasks)) {
            dirs.forEach(d -> {
                try {
                    long tid = Long.parseLong(d.getFileName().toString());
                    String name = Files.readString(d.resolve("comm")).strip();
                    readings.put(tid, new Reading(name, cpuNanos(d)));
                } catch (NoSuchFileException | NumberFormatException e) {
                    // the thread ended between the listing and the read, or not a thread's folder
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return readings;
    }

    /** schedstat's first field (nanoseconds on a CPU); else stat's utime + stime, in the kernel's 100 Hz ticks. */
    static long cpuNanos(Path task) throws IOException {
        Path schedstat = task.resolve("schedstat");
        if (Files.exists(schedstat)) {
            return Long.parseLong(Files.readString(schedstat).strip().split("\\s+")[0]);
        }
        String stat = Files.readString(task.resolve("stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split("\\s+"); // the name may hold spaces and ')'
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L; // fields 14 and 15 of stat
    }
}
