package io.seqstream.jobs.state;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The RocksDB options the job sets when it picks {@code state.backend=rocksdb} itself (local runs, the benchmark),
 * and that deploy/ writes into the cluster's config.yaml. Measured on the per-key state of an LSTM (1 KB of floats
 * per key, read and rewritten once per micro-batch in which the key appears): see docs/BENCHMARKS.md, "State at
 * scale". Block cache and write buffers stay in Flink managed memory ({@code state.backend.rocksdb.memory.managed},
 * Flink's default), so they are bounded by {@code taskmanager.memory.managed.*}.
 */
public final class RocksDbTuning {
    private RocksDbTuning() {
    }

    /** Flink configuration keys and values. */
    public static final Map<String, String> OPTIONS = options();

    private static Map<String, String> options() {
        Map<String, String> m = new LinkedHashMap<>();
        // Half of the gets are for keys not seen yet (their first event): a bloom filter answers those
        // without reading a data block of every level.
        m.put("state.backend.rocksdb.use-bloom-filter", "true");
        // Recurrent state is float noise to a compressor: compressing it only costs compaction CPU.
        m.put("state.backend.rocksdb.compression.per.level", "NO_COMPRESSION");
        // Level sizes follow the data, which keeps the write amplification of compaction near its minimum.
        m.put("state.backend.rocksdb.compaction.level.use-dynamic-size", "true");
        return Map.copyOf(m);
    }
}
