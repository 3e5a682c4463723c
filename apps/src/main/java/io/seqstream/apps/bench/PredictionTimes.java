package io.seqstream.apps.bench;

import io.seqstream.schemas.Prediction;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Reads only a prediction's event time and processing time, by schema resolution onto a two-field projection:
 * Avro skips the key, the top classes and the rest without building them. The benchmark's reader shares the
 * JVM with the job it measures, and a full decode of every prediction was a seventh of all the allocation in a
 * latency run. Not thread-safe: one per reader.
 */
final class PredictionTimes {
    private static final Schema PROJECTION = SchemaBuilder.record(Prediction.getClassSchema().getName())
            .namespace(Prediction.getClassSchema().getNamespace())
            .fields().requiredLong("eventTime").requiredLong("processingTime").endRecord();

    private final GenericDatumReader<GenericRecord> reader = new GenericDatumReader<>(Prediction.getClassSchema(), PROJECTION);
    private BinaryDecoder decoder;
    private GenericRecord record;

    /** Reads the two times of an Avro-encoded {@link Prediction}; read them with {@link #eventTime} and {@link #processingTime}. */
    void read(byte[] prediction) {
        decoder = DecoderFactory.get().binaryDecoder(prediction, decoder);
        try {
            record = reader.read(record, decoder);
        } catch (IOException e) {
            throw new UncheckedIOException("not a prediction: " + e.getMessage(), e);
        }
    }

    long eventTime() {
        return (Long) record.get(0);
    }

    long processingTime() {
        return (Long) record.get(1);
    }
}
