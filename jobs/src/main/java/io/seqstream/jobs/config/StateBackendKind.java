package io.seqstream.jobs.config;

/** Where keyed state lives between checkpoints. */
public enum StateBackendKind {
    /** Java objects on the heap: fastest; state must fit in memory. */
    HASHMAP("hashmap"),
    /** Embedded RocksDB on local disk: state larger than memory, incremental checkpoints. */
    ROCKSDB("rocksdb");

    private final String configName;

    StateBackendKind(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }
}
