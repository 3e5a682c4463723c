package io.seqstream.jobs.decode;

import java.util.Locale;

/** How the values of the events topic are encoded ({@code input.format}). */
public enum InputFormat {
    /** The job's own {@code Event} record, Avro binary without framing (schemas module). */
    SEQSTREAM,
    /** Plain Avro binary of a user schema; the writer schema comes from a file ({@code input.avro.writer-schema}). */
    AVRO,
    /** Confluent wire format: magic byte 0, a 4-byte big-endian schema id, the Avro body; writer schemas come from a registry. */
    AVRO_REGISTRY,
    /** One JSON object per record value (UTF-8). */
    JSON;

    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Whether records of this format go through the field mapping ({@code mapping.*}). */
    public boolean mapped() {
        return this != SEQSTREAM;
    }
}
