package io.seqstream.jobs.model;

/** A model file that cannot be loaded or cannot be stepped per key; the message names the file. */
public final class ModelLoadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
