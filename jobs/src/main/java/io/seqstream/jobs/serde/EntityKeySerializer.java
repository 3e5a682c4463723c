package io.seqstream.jobs.serde;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * The serializer of the keyed stream's keys (entity ids): the bytes of Flink's {@link StringSerializer}, written with
 * one {@code write} call per key instead of one per byte. Every checkpoint of the heap backend writes each key twice
 * (its state and its idle-key timer), and through the checkpoint stream each single-byte write is a synchronized
 * call: it was half of the asynchronous snapshot's CPU time (docs/BENCHMARKS.md, "The key serializer").
 *
 * <p>The format is the same byte for byte (a base-128 varint of length + 1, then each char as a base-128 varint), and
 * the serializer says so with {@link StringSerializer}'s own snapshot: checkpoints and savepoints of either serializer
 * restore with the other, and RocksDB finds the keys it wrote before. Not thread-safe (a scratch buffer):
 * {@link #duplicate()} gives each thread its own, as Flink asks of a stateful serializer.
 */
public final class EntityKeySerializer extends TypeSerializer<String> {
    private static final long serialVersionUID = 1L;
    private transient byte[] scratch;

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public TypeSerializer<String> duplicate() {
        return new EntityKeySerializer();
    }

    @Override
    public String createInstance() {
        return "";
    }

    @Override
    public String copy(String from) {
        return from;
    }

    @Override
    public String copy(String from, String reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(String key, DataOutputView out) throws IOException {
        if (key == null) {
            out.write(0); // StringValue's null
            return;
        }
        int n = key.length();
        byte[] b = scratch(5 + 3 * n); // a varint of an int takes at most 5 bytes, of a char 3
        int p = varint(n + 1, b, 0);
        for (int i = 0; i < n; i++) {
            char c = key.charAt(i);
            if (c < 0x80) {
                b[p++] = (byte) c;
            } else {
                p = varint(c, b, p);
            }
        }
        out.write(b, 0, p);
    }

    /** {@code v} as a base-128 varint (low group first, high bit set on every byte but the last) at {@code b[p]}. */
    static int varint(int v, byte[] b, int p) {
        while ((v & ~0x7F) != 0) {
            b[p++] = (byte) (v | 0x80);
            v >>>= 7;
        }
        b[p++] = (byte) v;
        return p;
    }

    private byte[] scratch(int bytes) {
        if (scratch == null || scratch.length < bytes) {
            scratch = new byte[Math.max(bytes, 64)];
        }
        return scratch;
    }

    @Override
    public String deserialize(DataInputView in) throws IOException {
        return read(in);
    }

    /**
     * Reads a string in {@link StringValue}'s format (null for its null), as {@code StringValue.readString} does but
     * without its thread-local buffer, and an ASCII string straight into a Latin-1 one.
     */
    public static String read(DataInputView in) throws IOException {
        int len = readVarint(in, in.readUnsignedByte());
        if (len == 0) {
            return null;
        }
        int n = len - 1;
        byte[] ascii = new byte[n];
        for (int i = 0; i < n; i++) {
            int b = in.readUnsignedByte();
            if (b >= 0x80) { // not ASCII: the rest as chars
                char[] chars = new char[n];
                for (int j = 0; j < i; j++) {
                    chars[j] = (char) ascii[j];
                }
                chars[i] = (char) readVarint(in, b);
                for (int j = i + 1; j < n; j++) {
                    chars[j] = (char) readVarint(in, in.readUnsignedByte());
                }
                return new String(chars);
            }
            ascii[i] = (byte) b;
        }
        return new String(ascii, StandardCharsets.ISO_8859_1);
    }

    /** A base-128 varint whose first byte, {@code first}, was read already. */
    private static int readVarint(DataInputView in, int first) throws IOException {
        if (first < 0x80) {
            return first;
        }
        int v = first & 0x7F;
        int shift = 7;
        int b;
        while ((b = in.readUnsignedByte()) >= 0x80) {
            v |= (b & 0x7F) << shift;
            shift += 7;
        }
        return v | b << shift;
    }

    @Override
    public String deserialize(String reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        StringValue.copyString(in, out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EntityKeySerializer;
    }

    @Override
    public int hashCode() {
        return EntityKeySerializer.class.hashCode();
    }

    /** {@link StringSerializer}'s snapshot: the same format, so either serializer restores what the other wrote. */
    @Override
    public TypeSerializerSnapshot<String> snapshotConfiguration() {
        return new StringSerializer.StringSerializerSnapshot();
    }
}
