package io.seqstream.jobs.config;

/** A configuration value that is unknown, missing or invalid; the message names the key and where it came from. */
public final class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
