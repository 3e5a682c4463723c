package io.seqstream.jobs.serde;

import io.seqstream.jobs.event.ModelInput;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** The type of the validated events sent to the keyed operator: {@link ModelInput} with {@link ModelInputSerializer}. */
public final class ModelInputType extends SerializerType<ModelInput> {
    private static final long serialVersionUID = 1L;
    public static final ModelInputType INSTANCE = new ModelInputType();

    private ModelInputType() {
        super(ModelInput.class, false, "ModelInput");
    }

    @Override
    public TypeSerializer<ModelInput> createSerializer(SerializerConfig config) {
        return new ModelInputSerializer();
    }

    private Object readResolve() {
        return INSTANCE;
    }
}
