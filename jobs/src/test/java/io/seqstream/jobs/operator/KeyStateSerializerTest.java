package io.seqstream.jobs.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class KeyStateSerializerTest {
    private static KeyState sample(boolean rings) {
        KeyState s = new KeyState();
        s.state = new float[256];
        for (int i = 0; i < s.state.length; i++) {
            s.state[i] = (float) Math.sin(i * 0.37) * (i % 7 == 0 ? 1e-30f : 3.5f);
        }
        s.state[5] = Float.NaN;
        s.state[6] = Float.NEGATIVE_INFINITY;
        s.state[7] = -0.0f;
        s.step = 123_456_789_012L;
        s.lastSeen = 1_700_000_000_123L;
        s.expiryTimer = 1_700_003_600_123L;
        s.modelVersion = 42;
        s.lastTopClass = 17;
        if (rings) {
            s.recent = new RewarmRing(new int[]{ 1, -2, Integer.MAX_VALUE, 0 }, new float[]{ 0.5f, -1.25f, Float.MIN_VALUE });
            s.recent.count = 3;
            s.recent.next = 1;
        }
        return s;
    }

    private static byte[] write(TypeSerializer<KeyState> ser, KeyState s) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        ser.serialize(s, out);
        return out.getCopyOfBuffer();
    }

    private static void assertSame(KeyState a, KeyState b) {
        assertThat(b).usingRecursiveComparison().ignoringFields("state", "recent.features").isEqualTo(a);
        assertThat(bits(b.state)).isEqualTo(bits(a.state));
        assertThat(b.recent == null).isEqualTo(a.recent == null);
        if (a.recent != null) {
            assertThat(bits(b.recent.features)).isEqualTo(bits(a.recent.features));
        }
    }

    private static int[] bits(float[] a) {
        if (a == null) {
            return null;
        }
        int[] r = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = Float.floatToRawIntBits(a[i]);
        }
        return r;
    }

    @Test
    void roundTripsEveryFieldBitForBit() throws IOException {
        KeyStateSerializer ser = new KeyStateSerializer();
        for (boolean rings : new boolean[]{ false, true }) {
            KeyState s = sample(rings);
            byte[] bytes = write(ser, s);
            assertThat(bytes).hasSize(KeyStateSerializer.serializedSize(s));
            DataInputDeserializer in = new DataInputDeserializer(bytes);
            KeyState back = ser.deserialize(in);
            assertThat(in.available()).isZero();
            assertSame(s, back);
        }
    }

    /** Read field by field as the class comment lays it out, not through the serializer's own reader. */
    @Test
    void theBytesAreTheDocumentedLayout() throws IOException {
        KeyState s = sample(true);
        DataInputDeserializer in = new DataInputDeserializer(write(new KeyStateSerializer(), s));
        assertThat(in.readInt()).isEqualTo(256);
        for (int i = 0; i < 256; i++) {
            assertThat(Integer.reverseBytes(in.readInt())).as("state[%d], little-endian", i).isEqualTo(Float.floatToRawIntBits(s.state[i]));
        }
        assertThat(new long[]{ in.readLong(), in.readLong(), in.readLong(), in.readLong() })
                .containsExactly(s.step, s.lastSeen, s.expiryTimer, s.modelVersion);
        assertThat(new int[]{ in.readInt(), in.readInt() }).as("ring count, next").containsExactly(3, 1);
        assertThat(in.readInt()).isEqualTo(4);
        for (int t : s.recent.tokens) {
            assertThat(Integer.reverseBytes(in.readInt())).isEqualTo(t);
        }
        assertThat(in.readInt()).isEqualTo(3);
        for (float f : s.recent.features) {
            assertThat(Integer.reverseBytes(in.readInt())).isEqualTo(Float.floatToRawIntBits(f));
        }
        assertThat(in.readInt()).as("last top class").isEqualTo(17);
        assertThat(in.available()).isZero();
        DataInputDeserializer noRing = new DataInputDeserializer(write(new KeyStateSerializer(1), sample(false)));
        noRing.skipBytesToRead(4 + 4 * 256 + 4 * 8);
        assertThat(new int[]{ noRing.readInt(), noRing.readInt(), noRing.readInt(), noRing.readInt() })
                .as("format 1 without a ring: count, next, no tokens, no features, and nothing after").containsExactly(0, 0, -1, -1);
        assertThat(noRing.available()).isZero();
    }

    @Test
    void anLstm128KeyIsItsRawBytesPlus40() throws IOException {
        KeyState s = sample(false);
        // raw: 2H floats + step + version = 4 * 256 + 16
        assertThat(write(new KeyStateSerializer(), s)).hasSize(4 * 256 + 16 + 40);
        assertThat(write(new KeyStateSerializer(1), s)).as("format 1, without the last top class").hasSize(4 * 256 + 16 + 36);
    }

    @Test
    void copyIsDeep() {
        KeyState s = sample(true);
        KeyState c = new KeyStateSerializer().copy(s);
        assertSame(s, c);
        c.state[0] = 99f;
        c.recent.tokens[0] = 99;
        c.recent.features[0] = 99f;
        c.recent.count = 0;
        assertThat(s.state[0]).isNotEqualTo(99f);
        assertThat(s.recent.tokens[0]).isEqualTo(1);
        assertThat(s.recent.features[0]).isEqualTo(0.5f);
        assertThat(s.recent.count).isEqualTo(3);
    }

    @Test
    void duplicatesDoNotShareTheScratchBuffer() throws IOException {
        KeyStateSerializer a = new KeyStateSerializer();
        TypeSerializer<KeyState> b = a.duplicate();
        assertThat(b).isNotSameAs(a).isEqualTo(a);
        assertThat(write(a, sample(true))).isEqualTo(write(b, sample(true)));
    }

    @Test
    void corruptLengthIsAClearError() {
        DataInputDeserializer in = new DataInputDeserializer(new byte[]{ 0x7f, 0, 0, 0 });
        assertThatThrownBy(() -> new KeyStateSerializer().deserialize(in)).isInstanceOf(IOException.class)
                .hasMessageContaining("array length").hasMessageContaining("KeyState");
    }

    @Test
    void snapshotRestoresTheSerializerAndMigratesThePojoFormat() throws IOException {
        KeyStateSerializerSnapshot current = new KeyStateSerializerSnapshot();
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, current);
        TypeSerializerSnapshot<KeyState> read = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()),
                getClass().getClassLoader());
        assertThat(read.restoreSerializer()).isEqualTo(new KeyStateSerializer());
        assertThat(current.resolveSchemaCompatibility(read).isCompatibleAsIs()).isTrue();

        TypeSerializerSnapshot<KeyState> pojo = TypeInformation.of(KeyState.class).createSerializer(new SerializerConfigImpl())
                .snapshotConfiguration();
        TypeSerializerSchemaCompatibility<KeyState> c = current.resolveSchemaCompatibility(pojo);
        assertThat(c.isCompatibleAfterMigration()).isTrue();
    }

    /** Format 1 (no lastTopClass) as the former version wrote it: snapshot version 3, nothing else, and its values. */
    @Test
    void aFormat1SnapshotRestoresAReaderOfFormat1AndMigrates() throws IOException {
        KeyStateSerializer former = new KeyStateSerializer(1);
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, former.snapshotConfiguration());
        byte[] snapshotBytes = out.getCopyOfBuffer();
        DataOutputSerializer simple = new DataOutputSerializer(64);
        simple.writeUTF(KeyStateSerializerSnapshot.class.getName());
        simple.writeInt(3); // what the former SimpleTypeSerializerSnapshot subclass wrote: its version 3 and no content
        assertThat(snapshotBytes).containsExactly(simple.getCopyOfBuffer());

        TypeSerializerSnapshot<KeyState> read = TypeSerializerSnapshot.readVersionedSnapshot(new DataInputDeserializer(snapshotBytes),
                getClass().getClassLoader());
        assertThat(((KeyStateSerializerSnapshot) read).format()).isEqualTo(1);
        assertThat(read.restoreSerializer()).isEqualTo(former).isNotEqualTo(new KeyStateSerializer());
        assertThat(new KeyStateSerializerSnapshot().resolveSchemaCompatibility(read).isCompatibleAfterMigration()).isTrue();

        for (boolean rings : new boolean[]{ false, true }) {
            KeyState s = sample(rings);
            DataInputDeserializer in = new DataInputDeserializer(write(former, s));
            KeyState back = read.restoreSerializer().deserialize(in);
            assertThat(in.available()).isZero();
            assertThat(back.lastTopClass).as("unknown in format 1").isEqualTo(-1);
            back.lastTopClass = s.lastTopClass;
            assertSame(s, back);
        }
    }

    @Test
    void aSnapshotOfAFormatFromTheFutureIsAClearError() {
        DataOutputSerializer out = new DataOutputSerializer(64);
        assertThatThrownBy(() -> new KeyStateSerializerSnapshot().readSnapshot(3 + KeyStateSerializer.CURRENT_FORMAT,
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader()))
                .isInstanceOf(IOException.class).hasMessageContaining("format " + (KeyStateSerializer.CURRENT_FORMAT + 1));
    }
}
