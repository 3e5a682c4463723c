package io.seqstream.model.keras;

/**
 * A Keras file that cannot be imported. The message names the file and, where it applies, the layer,
 * its class and the option at fault; it is meant to be shown to a user as it is.
 */
public final class KerasImportException extends RuntimeException {
    public KerasImportException(String message) {
        super(message);
    }

    public KerasImportException(String message, Throwable cause) {
        super(message, cause);
    }
}
