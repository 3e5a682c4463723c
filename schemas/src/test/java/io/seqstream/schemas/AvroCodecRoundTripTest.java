package io.seqstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AvroCodecRoundTripTest {

    static Stream<SpecificRecord> records() {
        return TestRecords.all().stream();
    }

    @ParameterizedTest
    @MethodSource("records")
    void decodeReturnsWhatWasEncoded(SpecificRecord record) {
        byte[] bytes = AvroCodec.encode(record);

        SpecificRecord decoded = AvroCodec.decode(bytes, record.getClass());

        assertThat(decoded).isEqualTo(record);
    }

    @ParameterizedTest
    @MethodSource("records")
    void theGeneratedCodersWriteAndReadWhatAvrosGenericPathDoes(SpecificRecord record) throws Exception {
        // AvroCodec has the generated classes encode and decode themselves; Avro's default path is the reference.
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        org.apache.avro.io.BinaryEncoder encoder = org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
        new org.apache.avro.specific.SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        byte[] reference = out.toByteArray();

        assertThat(AvroCodec.encode(record)).isEqualTo(reference);
        Object generic = new org.apache.avro.specific.SpecificDatumReader<>(record.getClass())
                .read(null, org.apache.avro.io.DecoderFactory.get().binaryDecoder(reference, null));
        assertThat(AvroCodec.decode(reference, record.getClass())).isEqualTo(generic).isEqualTo(record);
    }

    @Test
    void defaultsAreFilledByTheBuilder() {
        Event event = Event.newBuilder().setKey("k").setEventTime(1L).setToken(0).build();

        Event decoded = AvroCodec.decode(AvroCodec.encode(event), Event.class);

        assertThat(decoded.getFeatures()).isNull();
        assertThat(decoded.getLabel()).isNull();
        assertThat(decoded.getReset()).isFalse();
        assertThat(decoded.getAttributes()).isEmpty();
    }

    @Test
    void fieldValuesSurvive() {
        ModelSnapshot decoded = AvroCodec.decode(AvroCodec.encode(TestRecords.snapshot()), ModelSnapshot.class);
        Event event = AvroCodec.decode(AvroCodec.encode(TestRecords.featureEvent()), Event.class);

        assertThat(bytesOf(decoded.getModelBytes())).containsExactly(1, 2, 3, 4, 5, 0, -1);
        assertThat(decoded.getMetrics()).containsEntry("loss", 0.42);
        assertThat(event.getFeatures()).containsExactly(0.5f, -1.25f, 3.0e-7f, Float.MAX_VALUE);
        assertThat(event.getKey()).isInstanceOf(String.class);
    }

    @Test
    void encodingIsPlainBinaryWithoutHeader() {
        Event event = Event.newBuilder().setKey("k").setEventTime(1L).setToken(0).build();

        // "k" (len 1, 'k'), eventTime 1, token branch 1 value 0, then null features, null label, false, empty map.
        assertThat(AvroCodec.encode(event)).containsExactly(2, 'k', 2, 2, 0, 0, 0, 0, 0);
    }

    @Test
    void theLargestAllowedFeatureVectorRoundTrips() {
        List<Float> features = new ArrayList<>(Collections.nCopies(AvroCodec.MAX_FEATURES, 1.5f));
        Event event = Event.newBuilder().setKey("k").setEventTime(1L).setFeatures(features).build();

        assertThat(AvroCodec.decode(AvroCodec.encode(event), Event.class).getFeatures()).hasSize(AvroCodec.MAX_FEATURES);
    }

    @Test
    void encodeRefusesWhatDecodeWouldRefuse() {
        List<Float> features = new ArrayList<>(Collections.nCopies(AvroCodec.MAX_FEATURES + 1, 0f));
        Event event = Event.newBuilder().setKey("k").setEventTime(1L).setFeatures(features).build();

        assertThatThrownBy(() -> AvroCodec.encode(event))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exceed the limit");
    }

    @Test
    void encodeRefusesANullInARequiredField() {
        Event event = new Event(); // bypasses the builder's checks: key stays null

        assertThatThrownBy(() -> AvroCodec.encode(event))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Event");
    }

    @Test
    void aRecordThatFailsHalfWayLeavesNothingInTheNextEncoding() {
        Event halfWritten = Event.newBuilder().setKey("key-written-first").setEventTime(7L).setToken(3).build();
        halfWritten.setAttributes(null); // the last field: key, time and token are already in the encoder

        assertThatThrownBy(() -> AvroCodec.encode(halfWritten)).isInstanceOf(IllegalArgumentException.class);

        Event event = Event.newBuilder().setKey("k").setEventTime(1L).setToken(0).build();
        assertThat(AvroCodec.encode(event)).containsExactly(2, 'k', 2, 2, 0, 0, 0, 0, 0);
    }

    @Test
    void aHugeRecordThenASmallOneEncodeAsOnTheirOwn() {
        List<Float> features = new ArrayList<>(Collections.nCopies(AvroCodec.MAX_FEATURES, 2.5f)); // 4 MiB encoded
        Event huge = Event.newBuilder().setKey("big").setEventTime(1L).setFeatures(features).build();
        Event small = Event.newBuilder().setKey("k").setEventTime(1L).setToken(0).build();

        assertThat(AvroCodec.decode(AvroCodec.encode(huge), Event.class)).isEqualTo(huge);
        assertThat(AvroCodec.encode(small)).containsExactly(2, 'k', 2, 2, 0, 0, 0, 0, 0);
        assertThat(AvroCodec.decode(AvroCodec.encode(huge), Event.class)).isEqualTo(huge);
    }

    @Test
    void threadsEncodingAtOnceEachGetTheirOwnRecordsBytes() throws Exception {
        List<SpecificRecord> records = TestRecords.all();
        List<byte[]> expected = records.stream().map(AvroCodec::encode).toList();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int offset = t;
                results.add(pool.submit(() -> {
                    int checked = 0;
                    for (int i = 0; i < 2_000; i++) {
                        int r = (i + offset) % records.size();
                        assertThat(AvroCodec.encode(records.get(r))).isEqualTo(expected.get(r));
                        checked++;
                    }
                    return checked;
                }));
            }
            for (java.util.concurrent.Future<Integer> f : results) {
                assertThat(f.get()).isEqualTo(2_000);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static byte[] bytesOf(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
