package io.seqstream.jobs.config;

/** Where the event source starts reading when it has no checkpoint to resume from. */
public enum StartOffsets {
    /** The consumer group's committed offsets; partitions without one start at the earliest offset. */
    COMMITTED("committed"), EARLIEST("earliest"), LATEST("latest");

    private final String configName;

    StartOffsets(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }
}
