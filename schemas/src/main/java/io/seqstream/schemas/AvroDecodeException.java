package io.seqstream.schemas;

/**
 * Bytes could not be decoded into the requested record: garbage, truncated input, a record of another
 * schema, or a size beyond the {@link AvroCodec} limits. It is the only exception
 * {@link AvroCodec#decode} throws for bad input, so a consumer can catch it and dead-letter the record.
 */
public class AvroDecodeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ErrorKind errorKind;

    public AvroDecodeException(ErrorKind errorKind, String message) {
        this(errorKind, message, null);
    }

    public AvroDecodeException(ErrorKind errorKind, String message, Throwable cause) {
        super(message, cause);
        this.errorKind = errorKind;
    }

    /**
     * The dead-letter category: {@link ErrorKind#OVERSIZED} when a codec limit was exceeded,
     * {@link ErrorKind#WRONG_SCHEMA} when the writer schema cannot be read as the requested record,
     * {@link ErrorKind#UNDECODABLE} otherwise.
     */
    public ErrorKind errorKind() {
        return errorKind;
    }
}
