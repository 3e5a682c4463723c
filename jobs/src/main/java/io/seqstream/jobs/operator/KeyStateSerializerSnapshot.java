package io.seqstream.jobs.operator;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;

/**
 * Snapshot of {@link KeyStateSerializer}, written into every checkpoint and savepoint. Another value format
 * would get a snapshot class of its own that migrates this one. A checkpoint written when {@link KeyState} still used Flink's POJO serializer is read with that
 * serializer and rewritten in this format on restore (Flink's state migration: at restore on heap, at state
 * registration in RocksDB, which rewrites every entry once).
 */
public final class KeyStateSerializerSnapshot extends SimpleTypeSerializerSnapshot<KeyState> {
    public KeyStateSerializerSnapshot() {
        super(KeyStateSerializer::new);
    }

    @Override
    public TypeSerializerSchemaCompatibility<KeyState> resolveSchemaCompatibility(TypeSerializerSnapshot<KeyState> old) {
        if (old instanceof PojoSerializerSnapshot<KeyState> pojo && pojo.restoreSerializer().createInstance() instanceof KeyState) {
            return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
        }
        return super.resolveSchemaCompatibility(old);
    }
}
