package io.seqstream.apps.model;

/** A mistake in what the user gave the CLI (a file, a value): reported as one line, exit code 2. */
final class UserException extends RuntimeException {
    UserException(String message) {
        super(message);
    }

    UserException(String message, Throwable cause) {
        super(message, cause);
    }
}
