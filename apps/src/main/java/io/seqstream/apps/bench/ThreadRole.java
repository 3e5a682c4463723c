package io.seqstream.apps.bench;

import java.util.List;

/**
 * What a thread of a benchmark's JVM does, told from its kernel name (the first 15 bytes of its name). The job's own
 * threads ({@link #onTheJobsPath()}) each need a core of their own on a bigger machine; the others either run beside
 * them on spare cores (GC's concurrent work, RocksDB's compactions, the checkpoint's writing) or are not the job's at
 * all (the benchmark's broker and reader).
 */
enum ThreadRole {
    /** Flink's thread of the keyed operator's chain: network input, keyed state, the Kafka sink's encoding. */
    TASK("task thread", true, "step "),
    /** The operator's step thread: the model. */
    STEP("step thread", true, "seqstream-step"),
    /** The Kafka source: its task thread and its fetcher (and the dead-letter split, when not chained to the source). */
    SOURCE("source", true, "Source", "split dead"),
    /** A Kafka sink's task thread, when the sink is not chained to the keyed operator ({@code pipeline.operator-chaining.enabled: false}). */
    SINK("sink", true, "predictions: ", "dead-letters: "),
    /** The Kafka sink's producer I/O thread. */
    PRODUCER("producer I/O", false, "kafka-producer"),
    /** Asynchronous part of checkpoints: writing a heap snapshot, uploading RocksDB files. */
    CHECKPOINT("checkpoint writing", false, "AsyncOperation", "Flink-RocksDB"),
    /** RocksDB's own flush and compaction threads. */
    ROCKSDB("RocksDB flush + compaction", false, "rocksdb:"),
    /** The garbage collector's threads (parallel and concurrent). */
    GC("GC threads", false, "GC Thread", "G1 "),
    /** The JIT compilers. */
    JIT("JIT", false, "C1 Compiler", "C2 Compiler"),
    /** The embedded broker of the benchmark (on a cluster it runs elsewhere). */
    BROKER("broker", false, "data-plane", "kafka-", "quorum-", "group-coordinat", "ExpirationReape", "TxnMarkerSende", "persister",
            "executor-", "broker-", "controller-", "LogDirFailure", "share-"),
    /** Flink's timers and schedulers, the JVM's VM thread, the benchmark's reader. */
    OTHER("other", false);

    private final String label;
    private final boolean onTheJobsPath;
    private final List<String> prefixes;

    ThreadRole(String label, boolean onTheJobsPath, String... prefixes) {
        this.label = label;
        this.onTheJobsPath = onTheJobsPath;
        this.prefixes = List.of(prefixes);
        for (String p : prefixes) {
            if (p.length() > 15) { // the kernel keeps 15 bytes of a thread's name: a longer prefix never matches
                throw new IllegalArgumentException("thread name prefix longer than 15 bytes: " + p);
            }
        }
    }

    /** The column heading. */
    String label() {
        return label;
    }

    /** Whether every event passes through this thread: the job's rate is at most its events per second of CPU. */
    boolean onTheJobsPath() {
        return onTheJobsPath;
    }

    /** The role of a thread by its kernel name ({@code name} or {@code name#tid}). */
    static ThreadRole of(String name) {
        for (ThreadRole r : values()) { // in order: the producer's "kafka-producer" before the broker's "kafka-"
            for (String p : r.prefixes) {
                if (name.startsWith(p)) {
                    return r;
                }
            }
        }
        return OTHER;
    }
}
