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

    private static byte[] bytesOf(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
