package io.seqstream.schemas;

import java.io.IOException;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.SystemLimitException;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Decodes untrusted Avro binary datums of any user schema into {@link GenericRecord}s, with the same
 * guarantees as {@link AvroCodec}: the bytes are scanned against the writer schema first ({@link DatumScanner}),
 * so decoding allocates in proportion to the input, and only {@link AvroDecodeException} is thrown.
 *
 * <p>The writer/reader compatibility is checked once, when the reader is built (a registry-framed topic builds
 * one per writer schema id). Not thread-safe (it reuses its decoder); one per thread.
 */
public final class GenericAvroReader {
    private final Schema writer;
    private final Schema reader;
    private final GenericDatumReader<GenericRecord> datumReader;
    private final String what;
    private BinaryDecoder decoder;

    private GenericAvroReader(Schema writer, Schema reader) {
        this.writer = writer;
        this.reader = reader;
        this.what = writer.getFullName();
        // Plain generic data: strings come back as Utf8 (CharSequence), no logical-type conversions.
        this.datumReader = new GenericDatumReader<>(writer, reader, new GenericData());
    }

    /**
     * A reader of datums written with {@code writer}, resolved to {@code reader} (pass the same schema twice to
     * read with the writer's own schema).
     *
     * @throws AvroDecodeException with {@link ErrorKind#WRONG_SCHEMA} if {@code writer}'s data cannot be read as {@code reader}
     */
    public static GenericAvroReader of(Schema writer, Schema reader) {
        Objects.requireNonNull(writer, "writer");
        Objects.requireNonNull(reader, "reader");
        if (writer.getType() != Schema.Type.RECORD) {
            throw new AvroDecodeException(ErrorKind.WRONG_SCHEMA, "writer schema " + writer.getFullName()
                    + " is a " + writer.getType() + ", a record was expected");
        }
        if (!writer.equals(reader)) {
            SchemaPairCompatibility c = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
            if (c.getType() != SchemaCompatibilityType.COMPATIBLE) {
                throw new AvroDecodeException(ErrorKind.WRONG_SCHEMA, "writer schema " + writer.getFullName()
                        + " cannot be read with the reader schema " + reader.getFullName() + ": "
                        + c.getResult().getIncompatibilities().stream()
                                .map(i -> i.getType() + " at " + i.getLocation() + " (" + i.getMessage() + ")")
                                .collect(Collectors.joining("; ")));
            }
        }
        return new GenericAvroReader(writer, reader);
    }

    public Schema writerSchema() {
        return writer;
    }

    public Schema readerSchema() {
        return reader;
    }

    /**
     * Decodes the one datum in {@code bytes[from..]}.
     *
     * @throws AvroDecodeException on garbage, truncated or trailing bytes, or a size beyond the codec limits
     */
    public GenericRecord read(byte[] bytes, int from) {
        if (bytes == null) {
            throw new AvroDecodeException(ErrorKind.UNDECODABLE, what + ": no bytes (null)");
        }
        DatumScanner.check(writer, bytes, from, what);
        try {
            decoder = DecoderFactory.get().binaryDecoder(bytes, from, bytes.length - from, decoder);
            return datumReader.read(null, decoder);
        } catch (AvroTypeException e) {
            throw new AvroDecodeException(ErrorKind.WRONG_SCHEMA, what + ": " + e.getMessage(), e);
        } catch (SystemLimitException e) {
            throw new AvroDecodeException(ErrorKind.OVERSIZED, what + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new AvroDecodeException(ErrorKind.UNDECODABLE, what + ": " + e, e);
        }
    }
}
