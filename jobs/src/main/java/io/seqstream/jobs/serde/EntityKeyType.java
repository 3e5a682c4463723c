package io.seqstream.jobs.serde;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** The type of the keyed stream's keys, {@code keyBy(key, EntityKeyType.INSTANCE)}: a String with {@link EntityKeySerializer}. */
public final class EntityKeyType extends SerializerType<String> {
    private static final long serialVersionUID = 1L;
    public static final EntityKeyType INSTANCE = new EntityKeyType();

    private EntityKeyType() {
        super(String.class, true, "EntityKey(String)");
    }

    @Override
    public TypeSerializer<String> createSerializer(SerializerConfig config) {
        return new EntityKeySerializer();
    }

    private Object readResolve() {
        return INSTANCE;
    }
}
