package io.seqstream.jobs.config;

import java.util.Locale;

/** Encoding of the predictions topic ({@code output.format}). */
public enum OutputFormat {
    /** Avro binary of the Prediction record, no framing (schemas module). */
    AVRO,
    /** Confluent wire format: magic byte 0, the registry id of the Prediction schema, the Avro body. */
    AVRO_REGISTRY,
    /** One JSON object per prediction, the Avro record's fields by name. */
    JSON;

    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
