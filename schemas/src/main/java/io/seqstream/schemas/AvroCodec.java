package io.seqstream.schemas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.SystemLimitException;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro binary encoding of the generated records: one datum per byte array, no container header and no
 * schema id (Kafka topics carry one record type each; the schema version is the artifact version).
 *
 * <p>Decoding is for untrusted input: it throws only {@link AvroDecodeException}, and it never allocates
 * more than a small multiple of the input size, whatever lengths the bytes claim (see
 * {@link DatumScanner}). The limits below are enforced by this codec alone, independently of Avro's
 * JVM-wide {@code org.apache.avro.limits.*} system properties, which stay as an operator's extra
 * safety net. {@link #encode} refuses records that {@link #decode} would refuse, so a producer finds out
 * first. Both methods are thread-safe.
 */
public final class AvroCodec {

    /** Largest encoded record accepted, 256 MiB: model snapshots are the big ones. */
    public static final int MAX_MESSAGE_BYTES = 256 << 20;

    /** Longest string (key, message, map key...) in UTF-8 bytes, 1 MiB. */
    public static final int MAX_STRING_BYTES = 1 << 20;

    /** Most elements of a float array: an event's feature vector or a prediction's output vector. */
    public static final int MAX_FEATURES = 1 << 20;

    /** Most items of any other array or map: top-k classes, attributes, metrics. */
    public static final int MAX_COLLECTION_ITEMS = 1 << 16;

    // Datum readers and writers are thread-safe once built; build one per record class. They let the generated
    // classes encode and decode themselves field by field (Avro's custom coders, off unless asked for): the
    // generic path boxed every long and float of every record and set fields through the schema.
    private static final ClassValue<SpecificData> MODELS = new ClassValue<>() {
        @Override
        protected SpecificData computeValue(Class<?> type) {
            SpecificData data = new SpecificData(type.getClassLoader());
            data.setCustomCoders(true);
            return data;
        }
    };

    private static final ClassValue<SpecificDatumReader<?>> READERS = new ClassValue<>() {
        @Override
        protected SpecificDatumReader<?> computeValue(Class<?> type) {
            Schema schema = SpecificData.get().getSchema(type);
            return new SpecificDatumReader<>(schema, schema, MODELS.get(type));
        }
    };

    private static final ClassValue<SpecificDatumWriter<SpecificRecord>> WRITERS = new ClassValue<>() {
        @Override
        protected SpecificDatumWriter<SpecificRecord> computeValue(Class<?> type) {
            return new SpecificDatumWriter<>(SpecificData.get().getSchema(type), MODELS.get(type));
        }
    };

    // One output buffer and encoder per thread, reused: a new BufferedBinaryEncoder per record allocated
    // its 2 KB buffer and an output channel each time, the largest allocation on the job's path.
    private static final ThreadLocal<EncodeBuffer> BUFFERS = ThreadLocal.withInitial(EncodeBuffer::new);

    private AvroCodec() {
    }

    /**
     * Encodes a record with its own schema.
     *
     * @throws IllegalArgumentException if the record does not fit its schema (a null in a non-null field)
     *                                  or exceeds the limits of this codec
     */
    public static byte[] encode(SpecificRecord record) {
        Objects.requireNonNull(record, "record");
        Schema schema = record.getSchema();
        EncodeBuffer buffer = BUFFERS.get();
        byte[] bytes;
        try {
            bytes = buffer.encode(WRITERS.get(record.getClass()), record);
        } catch (IOException e) {
            BUFFERS.remove(); // the encoder may hold part of this record: start the next one clean
            throw new UncheckedIOException(e); // a memory stream does not fail
        } catch (RuntimeException e) {
            BUFFERS.remove();
            throw new IllegalArgumentException("cannot encode " + schema.getName() + ": " + e.getMessage(), e);
        }
        if (buffer.capacity() > EncodeBuffer.KEPT_BYTES) {
            BUFFERS.remove(); // a model snapshot's hundreds of MB are not kept for the next prediction
        }
        if (bytes.length < DatumScanner.smallestBreakingSize(schema)) {
            return bytes; // too short to break any limit, and Avro's writer wrote it: decode accepts it
        }
        try {
            DatumScanner.check(schema, bytes, schema.getName());
        } catch (AvroDecodeException e) {
            throw new IllegalArgumentException("encoded " + e.getMessage(), e);
        }
        return bytes;
    }

    /**
     * Decodes bytes written by {@link #encode} with the same schema version.
     *
     * @throws AvroDecodeException on null, garbage, truncated or trailing bytes, a datum of another
     *                             schema detected as such, or a size beyond the limits
     */
    @SuppressWarnings("unchecked")
    public static <T extends SpecificRecord> T decode(byte[] bytes, Class<T> type) {
        Objects.requireNonNull(type, "type");
        SpecificDatumReader<T> reader = (SpecificDatumReader<T>) READERS.get(type);
        return read(bytes, reader.getSchema(), reader, reader.getSchema().getName());
    }

    /**
     * Decodes bytes written with another version of the record's schema ({@code writerSchema}), resolving
     * them to the current one by Avro's schema resolution rules. The two schemas are first checked with
     * {@link SchemaCompatibility} on every call: Avro's resolver alone would, for instance, read any record
     * as any other whose extra fields have defaults.
     *
     * @throws AvroDecodeException as {@link #decode(byte[], Class)}; with {@link ErrorKind#WRONG_SCHEMA} if
     *                             the writer schema cannot be read as {@code type}
     */
    public static <T extends SpecificRecord> T decode(byte[] bytes, Class<T> type, Schema writerSchema) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(writerSchema, "writerSchema");
        Schema readerSchema = SpecificData.get().getSchema(type);
        SchemaPairCompatibility compatibility = SchemaCompatibility.checkReaderWriterCompatibility(readerSchema,
                writerSchema);
        if (compatibility.getType() != SchemaCompatibilityType.COMPATIBLE) {
            throw new AvroDecodeException(ErrorKind.WRONG_SCHEMA, readerSchema.getName() + ": writer schema "
                    + writerSchema.getFullName() + " cannot be read as " + readerSchema.getFullName() + ": "
                    + compatibility.getResult().getIncompatibilities().stream()
                            .map(i -> i.getType() + " at " + i.getLocation() + " (" + i.getMessage() + ")")
                            .collect(Collectors.joining("; ")));
        }
        DatumReader<T> reader = new SpecificDatumReader<>(writerSchema, readerSchema, SpecificData.getForClass(type));
        return read(bytes, writerSchema, reader, readerSchema.getName());
    }

    private static <T> T read(byte[] bytes, Schema writerSchema, DatumReader<T> reader, String what) {
        if (bytes == null) {
            throw new AvroDecodeException(ErrorKind.UNDECODABLE, what + ": no bytes (null)");
        }
        // Bounds first: past this point every claimed length fits in the input.
        DatumScanner.check(writerSchema, bytes, what);
        try {
            return reader.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
        } catch (AvroTypeException e) {
            throw new AvroDecodeException(ErrorKind.WRONG_SCHEMA, what + ": " + e.getMessage(), e);
        } catch (SystemLimitException e) {
            throw new AvroDecodeException(ErrorKind.OVERSIZED, what + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new AvroDecodeException(ErrorKind.UNDECODABLE, what + ": " + e, e);
        }
    }
}
