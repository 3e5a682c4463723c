package io.seqstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.Schema.Field;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/** What a compatible next version looks like, exercised with real bytes both ways. */
class SchemaEvolutionTest {

    private static final Schema EVENT = Event.getClassSchema();

    /** Next version of Event: one more optional field, with a default. */
    private static final Schema NEXT_EVENT = withField(EVENT, new Field("sessionId",
            Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
            "Session the event belongs to.", JsonProperties.NULL_VALUE));

    @Test
    void nextEventVersionIsCompatibleBothWays() {
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(NEXT_EVENT, EVENT).getType())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(EVENT, NEXT_EVENT).getType())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    @Test
    void nextReaderReadsTodaysData() throws IOException {
        byte[] today = AvroCodec.encode(TestRecords.tokenEvent());

        GenericRecord read = new GenericDatumReader<GenericRecord>(EVENT, NEXT_EVENT)
                .read(null, DecoderFactory.get().binaryDecoder(today, null));

        assertThat(read.get("sessionId")).isNull();
        assertThat(read.get("key")).hasToString("user-42");
        assertThat(read.get("token")).isEqualTo(17);
        assertThat(read.get("label")).isEqualTo(3);
    }

    @Test
    void todaysReaderReadsNextVersionData() throws IOException {
        GenericRecord next = new GenericData.Record(NEXT_EVENT);
        next.put("key", "user-42");
        next.put("eventTime", 5L);
        next.put("features", List.of(1f, 2f));
        next.put("reset", true);
        next.put("attributes", java.util.Map.of("a", "b"));
        next.put("sessionId", "s-1");
        byte[] bytes = write(NEXT_EVENT, next);

        Event generic = AvroCodec.decode(bytes, Event.class, NEXT_EVENT);
        GenericRecord plain = new GenericDatumReader<GenericRecord>(NEXT_EVENT, EVENT)
                .read(null, DecoderFactory.get().binaryDecoder(bytes, null));

        assertThat(generic.getKey()).isEqualTo("user-42");
        assertThat(generic.getFeatures()).containsExactly(1f, 2f);
        assertThat(generic.getReset()).isTrue();
        assertThat(plain.getSchema().getField("sessionId")).isNull();
        assertThat(plain.get("eventTime")).isEqualTo(5L);
    }

    @Test
    void aNewErrorKindReadsAsOtherForTodaysReaders() throws IOException {
        Schema nextKind = Schema.createEnum("ErrorKind", ErrorKind.getClassSchema().getDoc(), "io.seqstream.schemas",
                withSymbol(ErrorKind.getClassSchema().getEnumSymbols(), "RATE_LIMITED"), "OTHER");
        Schema nextDeadLetter = withFieldType(DeadLetter.getClassSchema(), "errorKind", nextKind);
        GenericRecord next = new GenericData.Record(nextDeadLetter);
        next.put("sourceTopic", "events");
        next.put("partition", 0);
        next.put("offset", 9L);
        next.put("rawValue", null);
        next.put("errorKind", new GenericData.EnumSymbol(nextKind, "RATE_LIMITED"));
        next.put("message", "slow down");
        next.put("time", 1L);

        DeadLetter read = AvroCodec.decode(write(nextDeadLetter, next), DeadLetter.class, nextDeadLetter);

        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(DeadLetter.getClassSchema(), nextDeadLetter)
                .getType()).isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        assertThat(read.getErrorKind()).isEqualTo(ErrorKind.OTHER);
        assertThat(read.getMessage()).isEqualTo("slow down");
    }

    @Test
    void anUnreadableWriterSchemaIsAWrongSchemaError() {
        byte[] prediction = AvroCodec.encode(TestRecords.prediction());

        assertThatThrownBy(() -> AvroCodec.decode(prediction, Event.class, Prediction.getClassSchema()))
                .isInstanceOf(AvroDecodeException.class)
                .hasMessageContaining("NAME_MISMATCH")
                .extracting(e -> ((AvroDecodeException) e).errorKind()).isEqualTo(ErrorKind.WRONG_SCHEMA);
    }

    private static byte[] write(Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static Schema withField(Schema record, Field added) {
        List<Field> fields = copyFields(record);
        fields.add(added);
        return Schema.createRecord(record.getName(), record.getDoc(), record.getNamespace(), false, fields);
    }

    private static Schema withFieldType(Schema record, String name, Schema type) {
        List<Field> fields = copyFields(record);
        fields.replaceAll(f -> f.name().equals(name) ? new Field(f, type) : f);
        return Schema.createRecord(record.getName(), record.getDoc(), record.getNamespace(), false, fields);
    }

    private static List<Field> copyFields(Schema record) {
        List<Field> fields = new ArrayList<>();
        for (Field field : record.getFields()) {
            fields.add(new Field(field, field.schema())); // a field belongs to one record: copy it
        }
        return fields;
    }

    private static List<String> withSymbol(List<String> symbols, String added) {
        List<String> next = new ArrayList<>(symbols);
        next.add(added);
        return next;
    }
}
