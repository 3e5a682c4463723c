package io.seqstream.jobs.config;

import java.io.Serializable;
import java.util.Optional;

/**
 * One documented configuration key: its name, its default (empty when the key is required by the
 * component that reads it), a parser that also validates, and the sentence that jobs/CONFIG.md shows.
 */
public final class ConfigKey<T> implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Parses and validates a raw value; throws IllegalArgumentException with a reason. */
    @FunctionalInterface
    public interface Parser<T> extends Serializable {
        T parse(String raw);
    }

    private final String name;
    private final String defaultValue; // "" when there is no default
    private final Parser<T> parser;
    private final String description;

    ConfigKey(String name, String defaultValue, Parser<T> parser, String description) {
        this.name = name;
        this.defaultValue = defaultValue;
        this.parser = parser;
        this.description = description;
        if (!defaultValue.isEmpty()) {
            parse(defaultValue, "the default"); // a wrong default is a programming error: fail at class load
        }
    }

    public String name() {
        return name;
    }

    public Optional<String> defaultValue() {
        return defaultValue.isEmpty() ? Optional.empty() : Optional.of(defaultValue);
    }

    public String description() {
        return description;
    }

    /** Parses {@code raw}; {@code origin} says where it came from (a file, a flag) for the error message. */
    public T parse(String raw, String origin) {
        try {
            return parser.parse(raw.trim());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("invalid value '" + raw + "' for config key '" + name + "' (" + origin + "): "
                    + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
