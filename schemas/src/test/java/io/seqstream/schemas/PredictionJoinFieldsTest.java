package io.seqstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/**
 * The Prediction fields that join a prediction back to its input record (source coordinates, event id, copied
 * fields) were added after v1: released readers read today's predictions, today's reader reads v1 ones.
 */
class PredictionJoinFieldsTest {

    private static Schema releasedPrediction() {
        return CompatibilityGate.load(CompatibilityGate.releasedVersions().get(0)).get("io.seqstream.schemas.Prediction");
    }

    private static Prediction joinable() {
        return Prediction.newBuilder(TestRecords.prediction())
                .setSourceTopic("clicks").setSourcePartition(3).setSourceOffset(12_345L)
                .setEventId("evt-9").setFields(Map.of("country", "CH", "amount", "12.5"))
                .build();
    }

    @Test
    void todaysPredictionRoundTripsWithItsJoinFields() {
        Prediction read = AvroCodec.decode(AvroCodec.encode(joinable()), Prediction.class);

        assertThat(read.getSourceTopic()).isEqualTo("clicks");
        assertThat(read.getSourcePartition()).isEqualTo(3);
        assertThat(read.getSourceOffset()).isEqualTo(12_345L);
        assertThat(read.getEventId()).isEqualTo("evt-9");
        assertThat(read.getFields()).containsExactlyInAnyOrderEntriesOf(Map.of("country", "CH", "amount", "12.5"));
    }

    @Test
    void aReleasedReaderReadsTodaysPrediction() throws IOException {
        byte[] today = AvroCodec.encode(joinable());

        GenericRecord old = new GenericDatumReader<GenericRecord>(Prediction.getClassSchema(), releasedPrediction())
                .read(null, DecoderFactory.get().binaryDecoder(today, null));

        assertThat(old.getSchema().getField("sourceTopic")).isNull();
        assertThat(old.get("key")).hasToString("user-42");
        assertThat(old.get("step")).isEqualTo(5L);
        assertThat((List<?>) old.get("topK")).hasSize(3);
    }

    @Test
    void todaysReaderReadsAReleasedPredictionWithEmptyJoinFields() throws IOException {
        Schema v1 = releasedPrediction();
        byte[] old = AvroCodec.encode(TestRecords.prediction());
        // Re-encode with the v1 schema: read today's bytes as v1, write them with v1.
        GenericRecord asV1 = new GenericDatumReader<GenericRecord>(Prediction.getClassSchema(), v1)
                .read(null, DecoderFactory.get().binaryDecoder(old, null));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(v1).write(asV1, enc);
        enc.flush();

        Prediction read = AvroCodec.decode(out.toByteArray(), Prediction.class, v1);

        assertThat(read.getKey()).isEqualTo("user-42");
        assertThat(read.getSourceTopic()).isNull();
        assertThat(read.getSourceOffset()).isNull();
        assertThat(read.getEventId()).isNull();
        assertThat(read.getFields()).isEmpty();
    }
}
