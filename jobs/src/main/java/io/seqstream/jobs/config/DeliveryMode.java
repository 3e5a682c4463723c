package io.seqstream.jobs.config;

/** How predictions and dead letters reach Kafka. */
public enum DeliveryMode {
    /** Kafka transactions committed with each checkpoint; read_committed readers see each record once, one checkpoint late. */
    EXACTLY_ONCE("exactly-once"),
    /** Plain idempotent writes, visible at once; after a failure some records are written again. */
    AT_LEAST_ONCE("at-least-once");

    private final String configName;

    DeliveryMode(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }
}
