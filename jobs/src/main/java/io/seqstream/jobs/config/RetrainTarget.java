package io.seqstream.jobs.config;

/** What a training sequence learns to predict at each step ({@code retrain.target}). */
public enum RetrainTarget {
    /** Self-supervised: the key's next event (token). A sequence is {@code retrain.sequence-length + 1} events. */
    NEXT_EVENT("next-event"),
    /** Supervised: each event's own {@code label}; events without a label (or one outside the model's outputs) are not used. */
    LABEL("label");

    private final String configName;

    RetrainTarget(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }
}
