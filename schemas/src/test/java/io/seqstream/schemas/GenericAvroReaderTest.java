package io.seqstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

class GenericAvroReaderTest {

    private static final Schema CLICK = SchemaBuilder.record("Click").namespace("shop").fields()
            .requiredString("user").requiredLong("ts").requiredString("type").requiredDouble("amount").endRecord();

    /** The next version: one more field with a default. */
    private static final Schema CLICK_V2 = SchemaBuilder.record("Click").namespace("shop").fields()
            .requiredString("user").requiredLong("ts").requiredString("type").requiredDouble("amount")
            .name("country").type().stringType().stringDefault("??").endRecord();

    static byte[] click(String user, long ts, String type, double amount) throws IOException {
        GenericRecord r = new GenericData.Record(CLICK);
        r.put("user", user);
        r.put("ts", ts);
        r.put("type", type);
        r.put("amount", amount);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[]{ 0, 0, 0, 0, 7 }); // a framing header the reader skips
        BinaryEncoder e = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(CLICK).write(r, e);
        e.flush();
        return out.toByteArray();
    }

    @Test
    void readsADatumAfterAHeaderWithTheWritersOrAReadersSchema() throws IOException {
        byte[] bytes = click("u1", 42L, "add_to_cart", 9.5);

        GenericRecord own = GenericAvroReader.of(CLICK, CLICK).read(bytes, 5);
        GenericRecord evolved = GenericAvroReader.of(CLICK, CLICK_V2).read(bytes, 5);

        assertThat(own.get("type")).hasToString("add_to_cart");
        assertThat(own.get("amount")).isEqualTo(9.5);
        assertThat(evolved.get("country")).hasToString("??");
        assertThat(evolved.get("ts")).isEqualTo(42L);
    }

    @Test
    void incompatibleSchemasAreAWrongSchemaErrorAtBuildTime() {
        Schema other = SchemaBuilder.record("Click").namespace("shop").fields().requiredInt("user").endRecord();

        assertThatThrownBy(() -> GenericAvroReader.of(CLICK, other))
                .isInstanceOf(AvroDecodeException.class).hasMessageContaining("TYPE_MISMATCH")
                .extracting(e -> ((AvroDecodeException) e).errorKind()).isEqualTo(ErrorKind.WRONG_SCHEMA);
    }

    @Test
    void truncatedTrailingAndLyingLengthsAreDecodeErrors() throws IOException {
        byte[] bytes = click("u1", 42L, "add_to_cart", 9.5);
        GenericAvroReader reader = GenericAvroReader.of(CLICK, CLICK);
        byte[] lying = bytes.clone();
        lying[5] = (byte) 0xfe; // the user string claims ~2^31 bytes... as a varint continuation
        byte[] trailing = Arrays.copyOf(bytes, bytes.length + 1);

        assertThatThrownBy(() -> reader.read(Arrays.copyOf(bytes, bytes.length - 3), 5)).isInstanceOf(AvroDecodeException.class);
        assertThatThrownBy(() -> reader.read(trailing, 5)).isInstanceOf(AvroDecodeException.class)
                .hasMessageContaining("trailing");
        assertThatThrownBy(() -> reader.read(lying, 5)).isInstanceOf(AvroDecodeException.class);
        assertThatThrownBy(() -> reader.read(null, 0)).isInstanceOf(AvroDecodeException.class);
    }
}
