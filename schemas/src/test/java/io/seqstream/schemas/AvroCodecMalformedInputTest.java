package io.seqstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AvroCodecMalformedInputTest {

    /** Far below what any of the crafted claims would take if they were allocated (gigabytes). */
    private static final long ALLOCATION_BUDGET = 4L << 20;

    static Stream<SpecificRecord> records() {
        return TestRecords.all().stream();
    }

    @Test
    void nullAndEmptyInputAreRejected() {
        assertRejected(null, Event.class, ErrorKind.UNDECODABLE);
        assertRejected(new byte[0], Event.class, ErrorKind.UNDECODABLE);
    }

    @ParameterizedTest
    @MethodSource("records")
    void everyTruncationIsRejected(SpecificRecord record) {
        byte[] bytes = AvroCodec.encode(record);
        for (int length = 0; length < bytes.length; length++) {
            assertRejected(Arrays.copyOf(bytes, length), record.getClass(), ErrorKind.UNDECODABLE);
        }
    }

    @ParameterizedTest
    @MethodSource("records")
    void trailingBytesAreRejected(SpecificRecord record) {
        byte[] bytes = Arrays.copyOf(AvroCodec.encode(record), AvroCodec.encode(record).length + 1);

        assertThatThrownBy(() -> AvroCodec.decode(bytes, record.getClass()))
                .isInstanceOf(AvroDecodeException.class)
                .hasMessageContaining("trailing");
    }

    @ParameterizedTest
    @MethodSource("records")
    void randomBitFlipsDecodeOrThrowOnlyAvroDecodeException(SpecificRecord record) {
        byte[] valid = AvroCodec.encode(record);
        Random random = new Random(7);
        for (int i = 0; i < 5_000; i++) {
            byte[] bytes = valid.clone();
            for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
            }
            decodeOrOnlyAvroDecodeException(bytes, record.getClass());
        }
    }

    @ParameterizedTest
    @MethodSource("records")
    void randomGarbageDecodesOrThrowsOnlyAvroDecodeException(SpecificRecord record) {
        Random random = new Random(11);
        for (int i = 0; i < 5_000; i++) {
            byte[] bytes = new byte[random.nextInt(80)];
            random.nextBytes(bytes);
            decodeOrOnlyAvroDecodeException(bytes, record.getClass());
        }
    }

    @Test
    void aRecordOfAnotherSchemaIsRejected() {
        // Read as an Event, the Prediction's modelVersion (12) lands on the token union index: 12 is out of range.
        assertRejected(AvroCodec.encode(TestRecords.prediction()), Event.class, ErrorKind.UNDECODABLE);
        assertRejected(AvroCodec.encode(TestRecords.deadLetter()), ModelSnapshot.class, ErrorKind.UNDECODABLE);
    }

    @Test
    void badUnionEnumAndBooleanValuesAreRejected() {
        byte[] event = AvroCodec.encode(Event.newBuilder().setKey("k").setEventTime(1L).setToken(0).build());
        byte[] badUnion = event.clone();
        badUnion[3] = 4; // token: branch 2 of a 2-branch union
        byte[] badBoolean = event.clone();
        badBoolean[7] = 2; // reset
        // DeadLetter "t", partition 0, offset 0, no key, no value, errorKind 8 (OTHER) or one past the last symbol, "", time 0.
        byte[] deadLetter = { 2, 't', 0, 0, 0, 0, 2 * 8, 0, 0 };
        byte[] badEnum = deadLetter.clone();
        badEnum[6] = (byte) (2 * ErrorKind.values().length);

        assertThat(AvroCodec.decode(deadLetter, DeadLetter.class).getErrorKind()).isEqualTo(ErrorKind.OTHER);
        assertRejected(badUnion, Event.class, ErrorKind.UNDECODABLE);
        assertRejected(badBoolean, Event.class, ErrorKind.UNDECODABLE);
        assertRejected(badEnum, DeadLetter.class, ErrorKind.UNDECODABLE);
    }

    @Test
    void aTwoBillionElementFeatureArrayFailsWithoutAllocating() {
        byte[] crafted = eventWithFeatureBlock(2_000_000_000L);

        AvroDecodeException e = rejectedWithinBudget(crafted, Event.class);

        assertThat(e.errorKind()).isEqualTo(ErrorKind.OVERSIZED);
        assertThat(e.getMessage()).contains("2000000000");
    }

    @Test
    void anAllowedCountWithoutTheBytesBehindItFailsWithoutAllocating() {
        // Within MAX_FEATURES, but 4 MiB of floats are claimed and none follow.
        AvroDecodeException e = rejectedWithinBudget(eventWithFeatureBlock(AvroCodec.MAX_FEATURES), Event.class);

        assertThat(e.errorKind()).isEqualTo(ErrorKind.UNDECODABLE);
        assertThat(e.getMessage()).contains("remain");
    }

    @Test
    void hugeBytesAndStringClaimsFailWithoutAllocating() {
        ByteArrayOutputStream snapshot = new ByteArrayOutputStream();
        writeLong(snapshot, 12); // version
        writeLong(snapshot, 0); // parentVersion: null branch
        writeLong(snapshot, 1); // createdAt
        writeLong(snapshot, Integer.MAX_VALUE - 16); // modelBytes length, no bytes follow
        ByteArrayOutputStream event = new ByteArrayOutputStream();
        writeLong(event, 2_000_000_000L); // key length

        assertThat(rejectedWithinBudget(snapshot.toByteArray(), ModelSnapshot.class).errorKind())
                .isEqualTo(ErrorKind.UNDECODABLE);
        assertThat(rejectedWithinBudget(event.toByteArray(), Event.class).errorKind()).isEqualTo(ErrorKind.OVERSIZED);
    }

    @Test
    void negativeAndOverlongLengthsAreRejected() {
        ByteArrayOutputStream negativeString = new ByteArrayOutputStream();
        writeLong(negativeString, -5);
        ByteArrayOutputStream minCount = new ByteArrayOutputStream();
        minCount.writeBytes(new byte[]{ 2, 'k', 2, 0, 2 });
        writeLong(minCount, Long.MIN_VALUE);
        byte[] overlongVarint = { 2, 'k', -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 1 };

        assertRejected(negativeString.toByteArray(), Event.class, ErrorKind.UNDECODABLE);
        assertRejected(minCount.toByteArray(), Event.class, ErrorKind.UNDECODABLE);
        assertRejected(overlongVarint, Event.class, ErrorKind.UNDECODABLE);
    }

    @Test
    void tooManyMapEntriesAreRejected() {
        ByteArrayOutputStream event = new ByteArrayOutputStream();
        event.writeBytes(new byte[]{ 2, 'k', 2, 0, 0, 0, 0 }); // up to the attributes map
        writeLong(event, AvroCodec.MAX_COLLECTION_ITEMS + 1L);

        assertRejected(event.toByteArray(), Event.class, ErrorKind.OVERSIZED);
    }

    @Test
    void inputOverTheMessageLimitIsRejectedBeforeScanning() {
        assertRejected(new byte[AvroCodec.MAX_MESSAGE_BYTES + 1], ModelSnapshot.class, ErrorKind.OVERSIZED);
    }

    @Test
    void blocksWithNegativeCountsAndByteSizesAreValidAvro() {
        // The spec lets writers encode a block as -count followed by its size in bytes.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(new byte[]{ 2, 'k', 2, 0, 2 });
        writeLong(bytes, -2);
        writeLong(bytes, 8);
        writeFloat(bytes, 1.5f);
        writeFloat(bytes, -2f);
        bytes.writeBytes(new byte[]{ 0, 0, 0, 0 });

        Event event = AvroCodec.decode(bytes.toByteArray(), Event.class);

        assertThat(event.getFeatures()).containsExactly(1.5f, -2f);
    }

    /** An Event whose feature array claims {@code count} items in one block, and ends there. */
    private static byte[] eventWithFeatureBlock(long count) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(new byte[]{ 2, 'k', 2, 0, 2 }); // key "k", eventTime 1, token null, features branch 1
        writeLong(bytes, count);
        return bytes.toByteArray();
    }

    private static AvroDecodeException rejectedWithinBudget(byte[] bytes, Class<? extends SpecificRecord> type) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        decodeOrOnlyAvroDecodeException(bytes, type); // warm up class loading
        long before = threads.getCurrentThreadAllocatedBytes();
        try {
            AvroCodec.decode(bytes, type);
        } catch (AvroDecodeException e) {
            assertThat(threads.getCurrentThreadAllocatedBytes() - before).isLessThan(ALLOCATION_BUDGET);
            return e;
        }
        return fail("decoded crafted input " + Arrays.toString(bytes));
    }

    private static void assertRejected(byte[] bytes, Class<? extends SpecificRecord> type, ErrorKind kind) {
        assertThatThrownBy(() -> AvroCodec.decode(bytes, type))
                .isInstanceOf(AvroDecodeException.class)
                .hasMessageStartingWith(type.getSimpleName() + ":")
                .extracting(e -> ((AvroDecodeException) e).errorKind()).isEqualTo(kind);
    }

    private static void decodeOrOnlyAvroDecodeException(byte[] bytes, Class<? extends SpecificRecord> type) {
        try {
            AvroCodec.decode(bytes, type);
        } catch (AvroDecodeException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        } catch (Throwable other) {
            fail("input " + Arrays.toString(bytes) + " threw " + other, other);
        }
    }

    /** Avro's zig-zag varint. */
    private static void writeLong(ByteArrayOutputStream out, long value) {
        long n = (value << 1) ^ (value >> 63);
        while ((n & ~0x7fL) != 0) {
            out.write((int) ((n & 0x7f) | 0x80));
            n >>>= 7;
        }
        out.write((int) n);
    }

    private static void writeFloat(ByteArrayOutputStream out, float value) {
        int bits = Float.floatToRawIntBits(value);
        for (int i = 0; i < 4; i++) {
            out.write(bits >>> (8 * i));
        }
    }
}
