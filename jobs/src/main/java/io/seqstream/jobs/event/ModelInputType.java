package io.seqstream.jobs.event;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** The type of the validated events sent to the keyed operator: {@link ModelInput} with {@link ModelInputSerializer}. */
public final class ModelInputType extends TypeInformation<ModelInput> {
    private static final long serialVersionUID = 1L;
    public static final ModelInputType INSTANCE = new ModelInputType();

    private ModelInputType() {
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
    public Class<ModelInput> getTypeClass() {
        return ModelInput.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<ModelInput> createSerializer(SerializerConfig config) {
        return new ModelInputSerializer();
    }

    @Override
    public String toString() {
        return "ModelInput";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelInputType;
    }

    @Override
    public int hashCode() {
        return ModelInputType.class.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof ModelInputType;
    }

    private Object readResolve() {
        return INSTANCE;
    }
}
