package io.seqstream.jobs.state;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** The type of the keyed stream's keys, {@code keyBy(key, EntityKeyType.INSTANCE)}: a String with {@link EntityKeySerializer}. */
public final class EntityKeyType extends TypeInformation<String> {
    private static final long serialVersionUID = 1L;
    public static final EntityKeyType INSTANCE = new EntityKeyType();

    private EntityKeyType() {
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<String> getTypeClass() {
        return String.class;
    }

    @Override
    public boolean isKeyType() {
        return true;
    }

    @Override
    public TypeSerializer<String> createSerializer(SerializerConfig config) {
        return new EntityKeySerializer();
    }

    @Override
    public String toString() {
        return "EntityKey(String)";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EntityKeyType;
    }

    @Override
    public int hashCode() {
        return EntityKeyType.class.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof EntityKeyType;
    }

    private Object readResolve() {
        return INSTANCE;
    }
}
