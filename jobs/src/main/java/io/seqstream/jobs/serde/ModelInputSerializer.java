package io.seqstream.jobs.serde;

import io.seqstream.jobs.event.ModelInput;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The serializer of {@link ModelInput} across the keyBy shuffle: one byte of flags for the fields that may be absent,
 * then the fields that are there, strings in {@code StringValue}'s format. Flink's POJO serializer, before it, set
 * each of the twelve fields by reflection and wrote a null marker for each: 9 % of the keyed operator's task thread at
 * 1M keys on RocksDB (docs/BENCHMARKS.md, "What more cores give"). ModelInput is never kept in keyed or operator
 * state, only sent between tasks. Not thread-safe (the key writer's scratch buffer): {@link #duplicate()} gives each
 * thread its own.
 */
public final class ModelInputSerializer extends TypeSerializer<ModelInput> {
    private static final long serialVersionUID = 1L;
    private static final int KEY = 1;
    private static final int FEATURES = 1 << 1;
    private static final int TOKENS = 1 << 2;
    private static final int RESET = 1 << 3;
    private static final int SOURCE_TOPIC = 1 << 4;
    private static final int EVENT_ID = 1 << 5;
    private static final int COPIED = 1 << 6;

    private final EntityKeySerializer strings = new EntityKeySerializer();

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<ModelInput> duplicate() {
        return new ModelInputSerializer();
    }

    @Override
    public ModelInput createInstance() {
        return new ModelInput();
    }

    @Override
    public ModelInput copy(ModelInput from) {
        ModelInput m = new ModelInput();
        m.key = from.key;
        m.eventTime = from.eventTime;
        m.token = from.token;
        m.features = from.features == null ? null : from.features.clone();
        m.reset = from.reset;
        m.tokens = from.tokens == null ? null : from.tokens.clone();
        m.label = from.label;
        m.sourceTopic = from.sourceTopic;
        m.sourcePartition = from.sourcePartition;
        m.sourceOffset = from.sourceOffset;
        m.eventId = from.eventId;
        m.copied = from.copied == null ? null : from.copied.clone();
        return m;
    }

    @Override
    public ModelInput copy(ModelInput from, ModelInput reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(ModelInput m, DataOutputView out) throws IOException {
        int flags = (m.key != null ? KEY : 0) | (m.features != null ? FEATURES : 0) | (m.tokens != null ? TOKENS : 0)
                | (m.reset ? RESET : 0)
                | (m.sourceTopic != null ? SOURCE_TOPIC : 0) | (m.eventId != null ? EVENT_ID : 0) | (m.copied != null ? COPIED : 0);
        out.writeByte(flags);
        if (m.key != null) {
            strings.serialize(m.key, out);
        }
        out.writeLong(m.eventTime);
        out.writeInt(m.token);
        out.writeInt(m.label);
        if (m.features != null) {
            out.writeInt(m.features.length);
            for (float f : m.features) {
                out.writeFloat(f);
            }
        }
        if (m.tokens != null) {
            out.writeInt(m.tokens.length);
            for (int t : m.tokens) {
                out.writeInt(t);
            }
        }
        if (m.sourceTopic != null) {
            strings.serialize(m.sourceTopic, out);
        }
        out.writeInt(m.sourcePartition);
        out.writeLong(m.sourceOffset);
        if (m.eventId != null) {
            strings.serialize(m.eventId, out);
        }
        if (m.copied != null) {
            out.writeInt(m.copied.length);
            for (String c : m.copied) {
                strings.serialize(c, out); // StringValue's format has a null
            }
        }
    }

    @Override
    public ModelInput deserialize(DataInputView in) throws IOException {
        int flags = in.readUnsignedByte();
        ModelInput m = new ModelInput();
        m.key = (flags & KEY) != 0 ? EntityKeySerializer.read(in) : null;
        m.eventTime = in.readLong();
        m.token = in.readInt();
        m.label = in.readInt();
        if ((flags & FEATURES) != 0) {
            float[] f = new float[in.readInt()];
            for (int i = 0; i < f.length; i++) {
                f[i] = in.readFloat();
            }
            m.features = f;
        }
        if ((flags & TOKENS) != 0) {
            int[] t = new int[in.readInt()];
            for (int i = 0; i < t.length; i++) {
                t[i] = in.readInt();
            }
            m.tokens = t;
        }
        m.reset = (flags & RESET) != 0;
        m.sourceTopic = (flags & SOURCE_TOPIC) != 0 ? EntityKeySerializer.read(in) : null;
        m.sourcePartition = in.readInt();
        m.sourceOffset = in.readLong();
        m.eventId = (flags & EVENT_ID) != 0 ? EntityKeySerializer.read(in) : null;
        if ((flags & COPIED) != 0) {
            String[] c = new String[in.readInt()];
            for (int i = 0; i < c.length; i++) {
                c[i] = EntityKeySerializer.read(in);
            }
            m.copied = c;
        }
        return m;
    }

    @Override
    public ModelInput deserialize(ModelInput reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelInputSerializer;
    }

    @Override
    public int hashCode() {
        return ModelInputSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<ModelInput> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The format has no parameters: a serializer of the same class reads it. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ModelInput> {
        public Snapshot() {
            super(ModelInputSerializer::new);
        }
    }
}
