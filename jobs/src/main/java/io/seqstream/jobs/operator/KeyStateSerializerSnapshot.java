package io.seqstream.jobs.operator;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Snapshot of {@link KeyStateSerializer}, written into every checkpoint and savepoint. Its version names the value
 * format: version 3 (what this class wrote as a {@code SimpleTypeSerializerSnapshot}) is format 1, version 4 format 2,
 * and so on; nothing else is written. A state of an older format is read with a serializer of that format and
 * rewritten in the current one (Flink's state migration: at restore on heap, at state registration in RocksDB,
 * which rewrites every entry once). A checkpoint written when {@link KeyState} still used Flink's POJO serializer is
 * migrated the same way.
 */
public final class KeyStateSerializerSnapshot implements TypeSerializerSnapshot<KeyState> {
    /** The snapshot version of format 1 (the version {@code SimpleTypeSerializerSnapshot} writes). */
    private static final int FORMAT_1_VERSION = 3;

    private int format;

    /** For reading a snapshot (Flink instantiates it by reflection). */
    public KeyStateSerializerSnapshot() {
        this(KeyStateSerializer.CURRENT_FORMAT);
    }

    KeyStateSerializerSnapshot(int format) {
        this.format = format;
    }

    /** The value format of the state this snapshot describes. */
    public int format() {
        return format;
    }

    @Override
    public int getCurrentVersion() {
        return FORMAT_1_VERSION - 1 + format;
    }

    @Override
    public void writeSnapshot(DataOutputView out) {
        // the version says it all
    }

    @Override
    public void readSnapshot(int readVersion, DataInputView in, ClassLoader classLoader) throws IOException {
        int f = readVersion - FORMAT_1_VERSION + 1;
        if (f < 1 || f > KeyStateSerializer.CURRENT_FORMAT) {
            throw new IOException("KeyState serializer snapshot version " + readVersion + " (format " + f + ") is unknown to this "
                    + "version of the job, which reads formats 1 to " + KeyStateSerializer.CURRENT_FORMAT);
        }
        format = f;
    }

    @Override
    public TypeSerializer<KeyState> restoreSerializer() {
        return new KeyStateSerializer(format);
    }

    @Override
    public TypeSerializerSchemaCompatibility<KeyState> resolveSchemaCompatibility(TypeSerializerSnapshot<KeyState> old) {
        if (old instanceof PojoSerializerSnapshot<KeyState> pojo && pojo.restoreSerializer().createInstance() instanceof KeyState) {
            return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
        }
        if (old instanceof KeyStateSerializerSnapshot k) {
            if (k.format == format) {
                return TypeSerializerSchemaCompatibility.compatibleAsIs();
            }
            if (k.format < format) {
                return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
            }
        }
        return TypeSerializerSchemaCompatibility.incompatible();
    }
}
