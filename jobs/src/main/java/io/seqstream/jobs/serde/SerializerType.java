package io.seqstream.jobs.serde;

import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * The type of a class that Flink serializes with one of this project's serializers (keys, state values, records
 * between tasks): a single field as far as Flink's type system goes, never a POJO or Kryo type. Subclasses are
 * singletons; two instances of one subclass are equal.
 */
public abstract class SerializerType<T> extends TypeInformation<T> {
    private static final long serialVersionUID = 1L;
    private final Class<T> type;
    private final boolean keyType;
    private final String name;

    protected SerializerType(Class<T> type, boolean keyType, String name) {
        this.type = type;
        this.keyType = keyType;
        this.name = name;
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
    public Class<T> getTypeClass() {
        return type;
    }

    @Override
    public boolean isKeyType() {
        return keyType;
    }

    @Override
    public String toString() {
        return name;
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass();
    }

    @Override
    public int hashCode() {
        return getClass().hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o != null && o.getClass() == getClass();
    }
}
