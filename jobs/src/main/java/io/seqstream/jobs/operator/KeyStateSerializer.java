package io.seqstream.jobs.operator;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The keyed-state serializer of {@link KeyState}: the recurrent state's floats go out as one raw little-endian
 * block instead of one {@code writeFloat} per element behind the POJO serializer's field flags and reflection.
 *
 * <p>Layout (see {@link KeyStateSerializerSnapshot} for compatibility):
 * <pre>
 *   int n, n x float32 LE            state
 *   long step, lastSeen, expiryTimer, modelVersion
 *   int count, next                   rewarm ring (recent; 0, 0 when null)
 *   int t (-1: null), t x int32 LE    recent.tokens
 *   int f (-1: null), f x float32 LE  recent.features
 *   int lastTopClass                  (format 2 on)
 * </pre>
 * So a key with an LSTM(H) state and no rewarm ring is {@code 8H + 56} bytes, against the {@code 8H + 16} raw
 * bytes of its floats, step and version.
 *
 * <h2>Formats</h2>
 * 1: up to the ring's features; 2: adds {@code lastTopClass}. A serializer writes and reads one format; the
 * job's state uses {@link #CURRENT_FORMAT}, and states written in an older one are read by a serializer of that
 * format and rewritten (see {@link KeyStateSerializerSnapshot}).
 *
 * <p>Stateful (a scratch buffer for the raw blocks): {@link #duplicate()} gives each thread its own.
 */
public final class KeyStateSerializer extends TypeSerializer<KeyState> {
    private static final long serialVersionUID = 1L;
    /** The format the job writes. */
    public static final int CURRENT_FORMAT = 2;
    /** Fixed bytes besides the arrays: three lengths, four longs, three ints. */
    public static final int FIXED_BYTES = 3 * 4 + 4 * 8 + 3 * 4;

    private final int format;
    private transient byte[] scratch;

    public KeyStateSerializer() {
        this(CURRENT_FORMAT);
    }

    /** A serializer of an older format (reading states written in it), or of the current one. */
    public KeyStateSerializer(int format) {
        if (format < 1 || format > CURRENT_FORMAT) {
            throw new IllegalArgumentException("KeyState format " + format + " is unknown; this version knows 1 to " + CURRENT_FORMAT);
        }
        this.format = format;
    }

    /** The format this serializer writes and reads. */
    public int format() {
        return format;
    }

    /** Serialized bytes of {@code s} in the current format. */
    public static int serializedSize(KeyState s) {
        RewarmRing r = s.recent;
        return FIXED_BYTES + 4 * (s.state.length + (r == null || r.tokens == null ? 0 : r.tokens.length)
                + (r == null || r.features == null ? 0 : r.features.length));
    }

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<KeyState> duplicate() {
        return new KeyStateSerializer(format);
    }

    @Override
    public KeyState createInstance() {
        KeyState s = new KeyState();
        s.state = new float[0];
        return s;
    }

    @Override
    public KeyState copy(KeyState from) {
        KeyState s = new KeyState();
        s.state = from.state.clone();
        s.step = from.step;
        s.lastSeen = from.lastSeen;
        s.expiryTimer = from.expiryTimer;
        s.modelVersion = from.modelVersion;
        s.recent = from.recent == null ? null : from.recent.copy();
        s.lastTopClass = from.lastTopClass;
        return s;
    }

    @Override
    public KeyState copy(KeyState from, KeyState reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    /**
     * The whole value is laid out in the scratch buffer and goes out in one {@code write}: a heap checkpoint writes
     * every key through a synchronized stream, where each {@code writeInt} would be four calls.
     */
    @Override
    public void serialize(KeyState s, DataOutputView out) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(scratch(serializedSize(s))); // big-endian, as DataOutput writes ints and longs
        putFloats(s.state, b);
        b.putLong(s.step).putLong(s.lastSeen).putLong(s.expiryTimer).putLong(s.modelVersion);
        RewarmRing r = s.recent;
        b.putInt(r == null ? 0 : r.count).putInt(r == null ? 0 : r.next);
        putInts(r == null ? null : r.tokens, b);
        putFloats(r == null ? null : r.features, b);
        if (format >= 2) {
            b.putInt(s.lastTopClass);
        }
        out.write(b.array(), 0, b.position());
    }

    @Override
    public KeyState deserialize(DataInputView in) throws IOException {
        KeyState s = new KeyState();
        s.state = readFloats(in);
        if (s.state == null) {
            throw new IOException("KeyState: the state array is missing (length -1): not a KeyStateSerializer value");
        }
        s.step = in.readLong();
        s.lastSeen = in.readLong();
        s.expiryTimer = in.readLong();
        s.modelVersion = in.readLong();
        int count = in.readInt();
        int next = in.readInt();
        int[] tokens = readInts(in);
        float[] features = readFloats(in);
        if (tokens != null || features != null) { // no arrays: no ring (count and next are 0 then)
            s.recent = new RewarmRing(tokens, features);
            s.recent.count = count;
            s.recent.next = next;
        }
        if (format >= 2) {
            s.lastTopClass = in.readInt();
        }
        return s;
    }

    @Override
    public KeyState deserialize(KeyState reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    private byte[] scratch(int bytes) {
        if (scratch == null || scratch.length < bytes) {
            scratch = new byte[Math.max(bytes, 1024)];
        }
        return scratch;
    }

    /** Length (big-endian, -1 for null), then the floats raw little-endian: one memory copy on little-endian CPUs. */
    private static void putFloats(float[] a, ByteBuffer b) {
        if (a == null) {
            b.putInt(-1);
            return;
        }
        b.putInt(a.length);
        b.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(a);
        b.position(b.position() + 4 * a.length);
    }

    private static void putInts(int[] a, ByteBuffer b) {
        if (a == null) {
            b.putInt(-1);
            return;
        }
        b.putInt(a.length);
        b.slice().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().put(a);
        b.position(b.position() + 4 * a.length);
    }

    private float[] readFloats(DataInputView in) throws IOException {
        int n = length(in);
        if (n < 0) {
            return null;
        }
        byte[] b = scratch(4 * n);
        in.readFully(b, 0, 4 * n);
        float[] a = new float[n];
        ByteBuffer.wrap(b, 0, 4 * n).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(a);
        return a;
    }

    private int[] readInts(DataInputView in) throws IOException {
        int n = length(in);
        if (n < 0) {
            return null;
        }
        byte[] b = scratch(4 * n);
        in.readFully(b, 0, 4 * n);
        int[] a = new int[n];
        ByteBuffer.wrap(b, 0, 4 * n).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(a);
        return a;
    }

    private static int length(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < -1 || n > (1 << 26)) {
            throw new IOException("KeyState: array length " + n + " is out of range: corrupt value or another format");
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyStateSerializer k && k.format == format;
    }

    @Override
    public int hashCode() {
        return 31 * KeyStateSerializer.class.hashCode() + format;
    }

    @Override
    public TypeSerializerSnapshot<KeyState> snapshotConfiguration() {
        return new KeyStateSerializerSnapshot(format);
    }
}
