package io.seqstream.jobs.decode;

import io.seqstream.schemas.AvroDecodeException;
import io.seqstream.schemas.ErrorKind;
import io.seqstream.schemas.GenericAvroReader;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * {@code input.format=avro-registry}, the Confluent wire format: byte 0 is the magic byte 0, bytes 1-4 the
 * writer schema's registry id (big-endian), the rest one Avro binary datum. Writer schemas are fetched once per
 * id and cached (as ready readers, with the writer/reader compatibility checked once); ids the registry does
 * not know are remembered too, so a flood of bad ids does not become a flood of requests. Both caches are bounded.
 */
public final class RegistryAvroDecoder implements RecordDecoder {
    private static final long serialVersionUID = 1L;
    /** Most writer schemas (and most unknown ids) kept per decoder; a topic rarely has more than a few versions. */
    static final int CACHE_SIZE = 256;

    private final SchemaSource registry;
    private final String readerSchema; // null: each writer's own schema
    private transient Schema reader;
    private transient Map<Integer, Object> byId; // GenericAvroReader or DecodeException (unknown / unreadable id)

    public RegistryAvroDecoder(SchemaSource registry, Schema readerSchema) {
        this.registry = registry;
        this.readerSchema = readerSchema == null ? null : readerSchema.toString();
    }

    @Override
    public FieldRecord decode(byte[] value) throws DecodeException {
        if (value == null || value.length < 5) {
            throw new DecodeException(ErrorKind.UNDECODABLE, "not in the registry wire format: " + (value == null ? "no" : value.length)
                    + " bytes, at least 5 expected (magic byte 0, 4-byte schema id, Avro body)");
        }
        if (value[0] != 0) {
            throw new DecodeException(ErrorKind.UNDECODABLE, "not in the registry wire format: magic byte is " + (value[0] & 0xff)
                    + ", expected 0");
        }
        int id = ((value[1] & 0xff) << 24) | ((value[2] & 0xff) << 16) | ((value[3] & 0xff) << 8) | (value[4] & 0xff);
        GenericAvroReader r = readerFor(id);
        try {
            return new AvroFieldRecord(r.read(value, 5));
        } catch (AvroDecodeException e) {
            throw new DecodeException(e.errorKind(), "cannot decode Avro with writer schema id " + id + ": " + e.getMessage());
        }
    }

    private GenericAvroReader readerFor(int id) throws DecodeException {
        if (byId == null) {
            byId = new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Integer, Object> eldest) {
                    return size() > CACHE_SIZE;
                }
            };
            reader = readerSchema == null ? null : new Schema.Parser().parse(readerSchema);
        }
        Object cached = byId.get(id);
        if (cached == null) {
            try {
                Schema writer = registry.schema(id);
                cached = GenericAvroReader.of(writer, reader == null ? writer : reader);
            } catch (DecodeException e) {
                cached = e;
            } catch (AvroDecodeException e) {
                cached = new DecodeException(ErrorKind.WRONG_SCHEMA, "writer schema id " + id + ": " + e.getMessage());
            }
            byId.put(id, cached);
        }
        if (cached instanceof DecodeException e) {
            throw e;
        }
        return (GenericAvroReader) cached;
    }
}
