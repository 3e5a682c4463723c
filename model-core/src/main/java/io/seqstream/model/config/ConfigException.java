package io.seqstream.model.config;

/** A model config that cannot be read: the message names the source, the layer and the field. */
public final class ConfigException extends IllegalArgumentException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
