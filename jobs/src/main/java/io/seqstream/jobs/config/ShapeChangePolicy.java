package io.seqstream.jobs.config;

/** What a model snapshot whose recurrent state has other shapes than the serving model's does ({@code swap.on-shape-change}). */
public enum ShapeChangePolicy {
    /** Apply it, and reset (or rewarm, with that policy) every key's state: an old state cannot feed the new layers. */
    RESET("reset"),
    /** Do not apply it: a dead letter says why and the serving model stays. */
    REJECT("reject");

    private final String configName;

    ShapeChangePolicy(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }
}
