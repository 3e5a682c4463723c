package io.seqstream.model.io;

/** A model file that cannot be read or written; the message names the file and what is wrong. */
public final class ModelFileException extends RuntimeException {
    public ModelFileException(String message) {
        super(message);
    }

    public ModelFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
