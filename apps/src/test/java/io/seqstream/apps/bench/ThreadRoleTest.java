package io.seqstream.apps.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Threads told apart by their kernel names (as the scale benchmark's runs list them), and the busiest job thread. */
class ThreadRoleTest {
    @Test
    void kernelNamesOfARunGetTheirRoles() {
        Map<String, ThreadRole> names = Map.ofEntries(Map.entry("step model 'ben", ThreadRole.TASK),
                Map.entry("seqstream-step-", ThreadRole.STEP), Map.entry("Source: events", ThreadRole.SOURCE),
                Map.entry("Source Data Fet", ThreadRole.SOURCE), Map.entry("split dead lett", ThreadRole.SOURCE),
                Map.entry("predictions: Wr", ThreadRole.SINK), Map.entry("dead-letters: W", ThreadRole.SINK),
                Map.entry("kafka-producer-", ThreadRole.PRODUCER),
                Map.entry("AsyncOperations", ThreadRole.CHECKPOINT), Map.entry("Flink-RocksDBSt", ThreadRole.CHECKPOINT),
                Map.entry("rocksdb:low", ThreadRole.ROCKSDB), Map.entry("rocksdb:high", ThreadRole.ROCKSDB),
                Map.entry("GC Thread#1", ThreadRole.GC), Map.entry("G1 Refine#0", ThreadRole.GC), Map.entry("G1 Conc#0", ThreadRole.GC),
                Map.entry("C2 CompilerThre", ThreadRole.JIT), Map.entry("data-plane-kafk", ThreadRole.BROKER),
                Map.entry("kafka-1-raft-io", ThreadRole.BROKER), Map.entry("quorum-controll", ThreadRole.BROKER),
                Map.entry("OutputFlusher f", ThreadRole.OTHER), Map.entry("scale-job-only-", ThreadRole.OTHER));
        names.forEach((name, role) -> assertThat(ThreadRole.of(name + "#42")).as(name).isEqualTo(role));
        assertThat(ThreadRole.TASK.onTheJobsPath()).isTrue();
        assertThat(ThreadRole.GC.onTheJobsPath()).isFalse();
    }

    @Test
    void theBusiestThreadIsTheBusiestOneOnTheJobsPathNotAGcOrBrokerThread() {
        ThreadProfile p = ThreadProfile.of(Map.of("Source: events#1", 1_000_000L, "Source Data Fet#2", 3_000_000L, "GC Thread#0#3",
                9_000_000L, "data-plane-kafk#4", 8_000_000L), 1_000, 500_000L);
        assertThat(p.busiest()).isEqualTo("Source Data Fet#2");
        assertThat(p.busiestMicros()).isEqualTo(3.0);
        assertThat(p.micros(ThreadRole.SOURCE)).as("both source threads").isEqualTo(4.0);
        assertThat(p.micros(ThreadRole.GC)).isEqualTo(9.0);
        assertThat(p.pauseMicros()).isEqualTo(0.5);
        assertThat(p.ownCoreRate()).isEqualTo(1e6 / 3.5);
        assertThat(p.busiestLabel()).isEqualTo("source (Source Data Fet)");
        assertThat(ThreadProfile.of(Map.of(), 1_000, 0).available()).isFalse();
    }
}
