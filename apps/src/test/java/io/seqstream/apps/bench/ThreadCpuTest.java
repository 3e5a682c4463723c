package io.seqstream.apps.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Per-thread CPU time from a /proc-like folder: threads that end keep their time, new ones count from zero; and on Linux's own. */
class ThreadCpuTest {
    @TempDir
    Path tasks;

    @Test
    void aThreadThatEndsKeepsItsLastReadingAndANewOneCountsFromZero() throws Exception {
        thread(11, "step model 'ben", 1_000);
        thread(12, "seqstream-step-", 5_000);
        thread(13, "GC Thread#0", 100);
        ThreadCpu cpu = ThreadCpu.start(tasks, Duration.ofMillis(5));
        thread(11, "step model 'ben", 9_000);
        thread(14, "rocksdb:low", 700);
        Thread.sleep(100); // readings at 5 ms
        deleteThread(11); // the job's task thread ends before the run is over
        thread(12, "seqstream-step-", 8_000);
        thread(13, "Source: events", 50); // id reused by another thread
        Map<String, Long> used = cpu.stop();
        assertThat(used).containsEntry("step model 'ben#11", 8_000L).containsEntry("seqstream-step-#12", 3_000L)
                .containsEntry("rocksdb:low#14", 700L).containsEntry("Source: events#13", 50L).hasSize(4);
    }

    @Test
    void withoutSchedstatTheTicksOfStatAreRead() throws Exception {
        Path t = Files.createDirectories(tasks.resolve("21"));
        Files.writeString(t.resolve("comm"), "odd (name) x\n");
        // pid (comm) state ppid ... field 14 utime = 7, field 15 stime = 3 ticks of 10 ms
        Files.writeString(t.resolve("stat"), "21 (odd (name) x) S 1 1 1 0 -1 4194560 100 0 0 0 7 3 0 0 20 0 1 0 100 0 0\n");
        assertThat(ThreadCpu.cpuNanos(t)).isEqualTo(100_000_000L);
        assertThat(ThreadCpu.read(tasks)).containsEntry(21L, new ThreadCpu.Reading("odd (name) x", 100_000_000L));
    }

    @Test
    void noFolderNoReadings() {
        ThreadCpu cpu = ThreadCpu.start(tasks.resolve("absent"), Duration.ofMillis(5));
        assertThat(cpu.available()).isFalse();
        assertThat(cpu.stop()).isEmpty();
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void onLinuxABusyThreadIsFoundByItsNameWithItsCpuTime() throws Exception {
        ThreadCpu cpu = ThreadCpu.start(Duration.ofMillis(20));
        AtomicLong spent = new AtomicLong();
        Thread busy = new Thread(() -> { // 300 ms of CPU by the JVM's own count, then it ends
            var mx = ManagementFactory.getThreadMXBean();
            long x = 0;
            while (mx.getCurrentThreadCpuTime() < 300_000_000L) {
                for (int i = 0; i < 100_000; i++) {
                    x += i * 31L ^ x;
                }
            }
            spent.set(mx.getCurrentThreadCpuTime() + (x & 1));
        }, "busy-for-test");
        busy.start();
        busy.join();
        Thread.sleep(50);
        Map<String, Long> used = cpu.stop();
        long mine = used.entrySet().stream().filter(e -> e.getKey().startsWith("busy-for-test#")).mapToLong(Map.Entry::getValue).sum();
        assertThat(mine).as("the ended thread's CPU time").isBetween(250_000_000L, spent.get() + 50_000_000L);
    }

    private void thread(long tid, String name, long nanos) throws Exception {
        Path t = Files.createDirectories(tasks.resolve(Long.toString(tid)));
        Files.writeString(t.resolve("comm"), name + "\n");
        Files.writeString(t.resolve("schedstat"), nanos + " 0 1\n");
    }

    private void deleteThread(long tid) throws Exception {
        Path t = tasks.resolve(Long.toString(tid));
        Files.delete(t.resolve("comm"));
        Files.delete(t.resolve("schedstat"));
        Files.delete(t);
    }
}
