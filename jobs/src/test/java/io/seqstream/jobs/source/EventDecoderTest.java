package io.seqstream.jobs.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.jobs.event.Ingested;
import io.seqstream.jobs.event.ModelInput;
import io.seqstream.jobs.model.InputSpec;
import io.seqstream.jobs.validate.EventValidator;
import io.seqstream.schemas.AvroCodec;
import io.seqstream.schemas.DeadLetter;
import io.seqstream.schemas.ErrorKind;
import io.seqstream.schemas.Event;
import io.seqstream.schemas.Prediction;
import io.seqstream.schemas.TopClass;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every kind of bad record becomes a dead letter with its reason and source offset; good records become model input. */
class EventDecoderTest {
    static final EventDecoder TOKENS = new EventDecoder(new EventValidator(InputSpec.tokens(10)), 1024);
    static final EventDecoder FEATURES = new EventDecoder(new EventValidator(InputSpec.features(3)), 1024);

    static Event tokenEvent(String key, Integer token, List<Float> features) {
        return Event.newBuilder().setKey(key).setEventTime(42).setToken(token).setFeatures(features).setReset(true)
                .setAttributes(Map.of()).build();
    }

    static DeadLetter deadLetter(EventDecoder d, byte[] value, ErrorKind expected) {
        Ingested i = d.decode("events", 3, 1234, 99, "k".getBytes(StandardCharsets.UTF_8), value);
        assertThat(i.isDeadLetter()).as("dead letter expected").isTrue();
        DeadLetter dl = i.deadLetter;
        assertThat(dl.getErrorKind()).isEqualTo(expected);
        assertThat(dl.getSourceTopic()).isEqualTo("events");
        assertThat(dl.getPartition()).isEqualTo(3);
        assertThat(dl.getOffset()).isEqualTo(1234);
        assertThat(dl.getMessage()).contains("events/3@1234");
        assertThat(i.timestamp).as("dead letters carry the Kafka timestamp for watermarks").isEqualTo(99);
        return dl;
    }

    @Test
    void aValidEventBecomesModelInput() {
        Ingested i = TOKENS.decode("events", 0, 5, 99, null, AvroCodec.encode(tokenEvent("user-1", 7, null)));
        assertThat(i.isDeadLetter()).isFalse();
        assertThat(i.input).isEqualTo(ModelInput.token("user-1", 42, 7, true).withSource("events", 0, 5));
        assertThat(i.timestamp).isEqualTo(42);
        Ingested f = FEATURES.decode("events", 0, 6, 99, null, AvroCodec.encode(tokenEvent("user-2", null, List.of(1f, 2f, 3f))));
        assertThat(f.input).isEqualTo(ModelInput.features("user-2", 42, new float[]{ 1, 2, 3 }, true).withSource("events", 0, 6));
    }

    @Test
    void undecodableBytesKeepTheirRawValue() {
        byte[] garbage = { (byte) 0xff, 0x13, 0x00, 0x7f };
        DeadLetter dl = deadLetter(TOKENS, garbage, ErrorKind.UNDECODABLE);
        assertThat(dl.getRawValue().array()).containsExactly(garbage);
        assertThat(dl.getRawKey().array()).containsExactly('k');
        deadLetter(TOKENS, new byte[0], ErrorKind.UNDECODABLE);
        deadLetter(TOKENS, null, ErrorKind.UNDECODABLE);
    }

    @Test
    void aRecordOfAnotherSchemaIsRejected() {
        Prediction p = Prediction.newBuilder().setKey("k").setEventTime(1L).setModelVersion(2L).setStep(3L)
                .setTopK(List.of(new TopClass(1, 0.5f))).setProcessingTime(4L).build();
        Ingested i = TOKENS.decode("events", 3, 1234, 99, null, AvroCodec.encode(p));
        assertThat(i.isDeadLetter()).isTrue();
        assertThat(i.deadLetter.getErrorKind()).isIn(ErrorKind.WRONG_SCHEMA, ErrorKind.UNDECODABLE, ErrorKind.MISSING_PAYLOAD);
    }

    @Test
    void payloadsTheModelCannotTakeAreRejectedWithTheReason() {
        assertThat(deadLetter(TOKENS, AvroCodec.encode(tokenEvent("u", 10, null)), ErrorKind.TOKEN_OUT_OF_RANGE).getMessage())
                .contains("token id 10").contains("[0, 10)").contains("key 'u'");
        deadLetter(TOKENS, AvroCodec.encode(tokenEvent("u", -1, null)), ErrorKind.TOKEN_OUT_OF_RANGE);
        deadLetter(TOKENS, AvroCodec.encode(tokenEvent("u", null, null)), ErrorKind.MISSING_PAYLOAD);
        deadLetter(TOKENS, AvroCodec.encode(tokenEvent("u", 1, List.of(1f))), ErrorKind.MISSING_PAYLOAD);
        deadLetter(TOKENS, AvroCodec.encode(tokenEvent("u", null, List.of(1f, 2f, 3f))), ErrorKind.MISSING_PAYLOAD);
        assertThat(deadLetter(FEATURES, AvroCodec.encode(tokenEvent("u", null, List.of(1f, 2f))), ErrorKind.WRONG_FEATURE_LENGTH)
                .getMessage()).contains("length 2").contains("needs 3");
        assertThat(deadLetter(FEATURES, AvroCodec.encode(tokenEvent("u", null, List.of(1f, Float.NaN, 3f))), ErrorKind.NON_FINITE_FEATURE)
                .getMessage()).contains("feature 1 is NaN");
        deadLetter(FEATURES, AvroCodec.encode(tokenEvent("u", null, List.of(1f, 2f, Float.POSITIVE_INFINITY))),
                ErrorKind.NON_FINITE_FEATURE);
        deadLetter(FEATURES, AvroCodec.encode(tokenEvent("u", 3, null)), ErrorKind.MISSING_PAYLOAD);
    }

    @Test
    void aHugeArrayIsBoundedNotAllocated() {
        // key "k", eventTime 0, token null, features = array claiming 2^30 floats, with 4 bytes of data
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x02);
        b.write('k');
        b.write(0x00);
        b.write(0x00);
        b.write(0x02);
        writeVarLong(b, 1L << 30);
        b.writeBytes(new byte[]{ 0, 0, 0, 0 });
        Ingested i = FEATURES.decode("events", 3, 1234, 99, null, b.toByteArray());
        assertThat(i.isDeadLetter()).isTrue();
        assertThat(i.deadLetter.getErrorKind()).isIn(ErrorKind.OVERSIZED, ErrorKind.UNDECODABLE);
    }

    @Test
    void aLargeValueIsNotCopiedIntoTheDeadLetter() {
        List<Float> big = new ArrayList<>();
        for (int j = 0; j < 10_000; j++) {
            big.add(1f);
        }
        DeadLetter dl = deadLetter(FEATURES, AvroCodec.encode(tokenEvent("u", null, big)), ErrorKind.WRONG_FEATURE_LENGTH);
        assertThat(dl.getRawValue()).isNull();
        assertThat(dl.getMessage()).contains("not kept").contains("dead-letters.max-raw-bytes=1024");
    }

    @Test
    void aLongKeyIsCutInMessages() {
        String key = "x".repeat(10_000);
        DeadLetter dl = deadLetter(TOKENS, AvroCodec.encode(tokenEvent(key, 99, null)), ErrorKind.TOKEN_OUT_OF_RANGE);
        assertThat(dl.getMessage()).hasSizeLessThan(400).contains("10000 chars");
    }

    /** Avro's zig-zag varint. */
    static void writeVarLong(ByteArrayOutputStream out, long v) {
        long n = (v << 1) ^ (v >> 63);
        while ((n & ~0x7FL) != 0) {
            out.write((int) ((n & 0x7F) | 0x80));
            n >>>= 7;
        }
        out.write((int) n);
    }
}
