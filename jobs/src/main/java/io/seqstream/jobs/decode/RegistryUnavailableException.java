package io.seqstream.jobs.decode;

/**
 * The schema registry could not answer (connection refused, timeout, 5xx, a malformed answer). Not a property
 * of the record: it fails the job, which restarts from its last checkpoint, so no record is lost or dead-lettered
 * because of an outage.
 */
public final class RegistryUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
