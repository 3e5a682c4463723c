package io.seqstream.jobs.decode;

import io.seqstream.schemas.AvroDecodeException;
import io.seqstream.schemas.GenericAvroReader;
import org.apache.avro.Schema;

/**
 * {@code input.format=avro}: each value is one Avro binary datum of a fixed writer schema (from a file), read
 * with the user's reader schema or the writer's own. Schemas travel as JSON text and are parsed on first use.
 */
public final class PlainAvroDecoder implements RecordDecoder {
    private static final long serialVersionUID = 1L;

    private final String writerSchema;
    private final String readerSchema; // equal to writerSchema when none was given
    private transient GenericAvroReader reader;

    /** Checks now that the writer's data can be read with the reader schema (null: the writer's). */
    public PlainAvroDecoder(Schema writer, Schema reader) {
        this.writerSchema = writer.toString();
        this.readerSchema = (reader == null ? writer : reader).toString();
        GenericAvroReader.of(writer, reader == null ? writer : reader); // throws AvroDecodeException(WRONG_SCHEMA) at build time
    }

    @Override
    public FieldRecord decode(byte[] value) throws DecodeException {
        if (reader == null) {
            Schema w = new Schema.Parser().parse(writerSchema);
            reader = GenericAvroReader.of(w, readerSchema.equals(writerSchema) ? w : new Schema.Parser().parse(readerSchema));
        }
        try {
            return new AvroFieldRecord(reader.read(value, 0));
        } catch (AvroDecodeException e) {
            throw new DecodeException(e.errorKind(), "cannot decode Avro " + reader.writerSchema().getFullName() + ": " + e.getMessage());
        }
    }
}
