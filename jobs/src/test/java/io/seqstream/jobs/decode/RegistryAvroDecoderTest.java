package io.seqstream.jobs.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seqstream.jobs.testing.ShopEvents;
import io.seqstream.schemas.ErrorKind;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/** The registry wire format without a registry: schemas from a map, counted. */
class RegistryAvroDecoderTest {
    static final ShopEvents.Shop CART = new ShopEvents.Shop("u1", 5L, "add_to_cart", 12.5, 3f, "e-1", "CH", List.of(1f), null);

    /** An in-memory schema source that counts lookups. */
    static final class MapSource implements SchemaSource {
        final Map<Integer, Schema> schemas;
        final AtomicInteger calls = new AtomicInteger();

        MapSource(Map<Integer, Schema> schemas) {
            this.schemas = schemas;
        }

        @Override
        public Schema schema(int id) throws DecodeException {
            calls.incrementAndGet();
            Schema s = schemas.get(id);
            if (s == null) {
                throw new DecodeException(ErrorKind.UNKNOWN_SCHEMA, "schema id " + id + " is unknown");
            }
            return s;
        }
    }

    static byte[] cart(int id) {
        return ShopEvents.framed(id, ShopEvents.avroBytes(ShopEvents.SCHEMA, ShopEvents.avro(CART)));
    }

    @Test
    void decodesEachWriterSchemaOnceFetchedAndResolvesToTheReaderSchema() throws Exception {
        // Version 2 of the writer: one more field; the reader (the user's v1) drops it.
        Schema v2 = SchemaBuilder.record("ShopEvent").namespace("com.example").fields()
                .requiredString("user_id").requiredLong("ts").requiredString("event_type").requiredDouble("amount")
                .requiredFloat("seconds_since_last").requiredString("event_id").requiredString("country")
                .name("vector").type().array().items().floatType().noDefault()
                .name("next_type_id").type().optional().intType()
                .requiredString("channel").endRecord();
        GenericRecord r2 = new GenericData.Record(v2);
        CART.fields().forEach(r2::put);
        r2.put("channel", "app");
        MapSource source = new MapSource(Map.of(1, ShopEvents.SCHEMA, 2, v2));
        RegistryAvroDecoder decoder = new RegistryAvroDecoder(source, ShopEvents.SCHEMA);

        FieldRecord a = decoder.decode(cart(1));
        FieldRecord b = decoder.decode(ShopEvents.framed(2, ShopEvents.avroBytes(v2, r2)));
        decoder.decode(cart(1));
        decoder.decode(ShopEvents.framed(2, ShopEvents.avroBytes(v2, r2)));

        assertThat(a.get(FieldPath.parse("event_type"))).hasToString("add_to_cart");
        assertThat(b.get(FieldPath.parse("amount"))).isEqualTo(12.5);
        assertThat(b.get(FieldPath.parse("channel"))).isNull(); // not in the reader schema
        assertThat(source.calls).hasValue(2);
    }

    @Test
    void badFramesAndUnknownIdsAreDecodeErrorsAndUnknownIdsAreAskedOnce() {
        MapSource source = new MapSource(Map.of(1, ShopEvents.SCHEMA));
        RegistryAvroDecoder decoder = new RegistryAvroDecoder(source, null);
        byte[] badMagic = cart(1);
        badMagic[0] = 1;
        byte[] truncated = java.util.Arrays.copyOf(cart(1), 20);

        assertError(decoder, badMagic, ErrorKind.UNDECODABLE, "magic byte is 1, expected 0");
        assertError(decoder, new byte[]{ 0, 0, 0 }, ErrorKind.UNDECODABLE, "3 bytes, at least 5 expected");
        assertError(decoder, null, ErrorKind.UNDECODABLE, "no bytes");
        assertError(decoder, cart(7), ErrorKind.UNKNOWN_SCHEMA, "schema id 7");
        assertError(decoder, cart(7), ErrorKind.UNKNOWN_SCHEMA, "schema id 7");
        assertError(decoder, truncated, ErrorKind.UNDECODABLE, "writer schema id 1");
        assertThat(source.calls).hasValue(2); // id 7 once, id 1 once
    }

    @Test
    void aWriterSchemaTheReaderCannotReadIsAWrongSchemaError() {
        Schema other = SchemaBuilder.record("ShopEvent").namespace("com.example").fields().requiredInt("user_id").endRecord();
        RegistryAvroDecoder decoder = new RegistryAvroDecoder(new MapSource(Map.of(1, ShopEvents.SCHEMA)), other);

        assertError(decoder, cart(1), ErrorKind.WRONG_SCHEMA, "writer schema id 1");
    }

    static void assertError(RecordDecoder d, byte[] bytes, ErrorKind kind, String part) {
        assertThatThrownBy(() -> d.decode(bytes)).isInstanceOf(DecodeException.class).hasMessageContaining(part)
                .extracting(e -> ((DecodeException) e).kind()).isEqualTo(kind);
    }
}
