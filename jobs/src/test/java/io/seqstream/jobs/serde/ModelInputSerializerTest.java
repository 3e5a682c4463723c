package io.seqstream.jobs.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.jobs.event.ModelInput;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.util.InstantiationUtil;
import org.assertj.core.api.recursive.comparison.RecursiveComparisonConfiguration;
import org.junit.jupiter.api.Test;

/** Every field of a model input, present or absent, crosses the shuffle as it was; and as Flink's POJO serializer carried it. */
class ModelInputSerializerTest {
    /** Field by field, floats bit for bit (NaN equals NaN). */
    static final RecursiveComparisonConfiguration BIT_EXACT = RecursiveComparisonConfiguration.builder()
            .withEqualsForType((a, b) -> Float.floatToRawIntBits(a) == Float.floatToRawIntBits(b), Float.class).build();

    static List<ModelInput> inputs() {
        ModelInput empty = new ModelInput(); // every reference field null, the defaults of the others
        ModelInput full = ModelInput.inputs("ключ-鍵-🔑", -5L, new int[]{ 3, 0, 999 }, new float[]{ 1.5f, Float.NaN, -0f }, true)
                .withLabel(7).withSource("events-topic", 3, Long.MAX_VALUE)
                .withJoinFields("evt-1", new String[]{ "region", null, "ü", "" });
        return List.of(empty, full, ModelInput.token("user-1", 1_700_000_000_000L, 42, false),
                ModelInput.token("device/ä", 0L, 0, 3, true).withSource("t", 0, 0),
                ModelInput.features("k", 12L, new float[0], false),
                ModelInput.features("k".repeat(300), 12L, new float[]{ 0.25f, 1e30f }, true).withJoinFields(null, new String[0]),
                ModelInput.inputs("", 1L, new int[0], new float[0], false));
    }

    static byte[] bytes(TypeSerializer<ModelInput> s, ModelInput m) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(16);
        s.serialize(m, out);
        return out.getCopyOfBuffer();
    }

    @Test
    void everyFieldComesBackAsItWas() throws IOException {
        ModelInputSerializer s = new ModelInputSerializer();
        DataOutputSerializer stream = new DataOutputSerializer(16);
        for (ModelInput m : inputs()) {
            ModelInput back = s.deserialize(new DataInputDeserializer(bytes(s, m)));
            assertThat(back).as("%s", m).isEqualTo(m);
            assertThat(back).usingRecursiveComparison(BIT_EXACT).isEqualTo(m);
            s.serialize(m, stream);
        }
        DataInputDeserializer in = new DataInputDeserializer(stream.getCopyOfBuffer()); // one after the other in a buffer
        for (ModelInput m : inputs()) {
            assertThat(s.deserialize(in)).usingRecursiveComparison(BIT_EXACT).isEqualTo(m);
        }
        assertThat(in.available()).isZero();
    }

    @Test
    void everyPublicFieldIsCarriedSoAFieldAddedToModelInputIsNotLostOnTheWay() throws Exception {
        ModelInput m = new ModelInput();
        int fields = 0;
        for (Field f : ModelInput.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            fields++;
            Class<?> t = f.getType();
            Object v = t == String.class
                    ? "v-" + f.getName()
                    : t == long.class
                            ? 77L
                            : t == int.class
                                    ? 5
                                    : t == boolean.class
                                            ? true
                                            : t == float[].class
                                                    ? new float[]{ 1f }
                                                    : t == int[].class ? new int[]{ 2 } : t == String[].class ? new String[]{ "x" } : null;
            assertThat(v).as("a value for the new field %s of type %s: teach this test and ModelInputSerializer", f.getName(), t)
                    .isNotNull();
            f.set(m, v);
        }
        ModelInputSerializer s = new ModelInputSerializer();
        assertThat(s.deserialize(new DataInputDeserializer(bytes(s, m)))).usingRecursiveComparison(BIT_EXACT).isEqualTo(m);
        assertThat(fields).isEqualTo(12);
    }

    @Test
    void itCarriesWhatFlinksPojoSerializerCarriedInFewerBytes() throws IOException {
        TypeSerializer<ModelInput> pojo = TypeInformation.of(ModelInput.class).createSerializer(new SerializerConfigImpl());
        ModelInputSerializer s = new ModelInputSerializer();
        for (ModelInput m : inputs()) {
            ModelInput viaPojo = pojo.deserialize(new DataInputDeserializer(bytes(pojo, m)));
            assertThat(s.deserialize(new DataInputDeserializer(bytes(s, m)))).usingRecursiveComparison(BIT_EXACT).isEqualTo(viaPojo);
            assertThat(bytes(s, m).length).as("smaller than the POJO serializer's: %s", m).isLessThan(bytes(pojo, m).length);
        }
    }

    @Test
    void copiesAreDeepAndTheStreamCopyIsByteForByte() throws IOException {
        ModelInputSerializer s = new ModelInputSerializer();
        for (ModelInput m : inputs()) {
            ModelInput c = s.copy(m);
            assertThat(c).isNotSameAs(m).usingRecursiveComparison(BIT_EXACT).isEqualTo(m);
            if (m.features != null && m.features.length > 0) {
                c.features[0] = 99f;
                assertThat(m.features[0]).isNotEqualTo(99f);
            }
            DataOutputSerializer out = new DataOutputSerializer(16);
            s.copy(new DataInputDeserializer(bytes(s, m)), out);
            assertThat(out.getCopyOfBuffer()).isEqualTo(bytes(s, m));
        }
    }

    @Test
    void itsSnapshotRestoresTheSameSerializerCompatibleAsIs() throws Exception {
        ModelInputSerializer s = new ModelInputSerializer();
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, s.snapshotConfiguration());
        TypeSerializerSnapshot<ModelInput> read = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()),
                getClass().getClassLoader());
        assertThat(read.restoreSerializer()).isEqualTo(s);
        TypeSerializerSchemaCompatibility<ModelInput> c = s.snapshotConfiguration().resolveSchemaCompatibility(read);
        assertThat(c.isCompatibleAsIs()).isTrue();
        assertThat(s.duplicate()).isNotSameAs(s).isEqualTo(s);
        assertThat(ModelInputType.INSTANCE.createSerializer(new SerializerConfigImpl())).isInstanceOf(ModelInputSerializer.class);
        assertThat(ModelInputType.INSTANCE.isKeyType()).isFalse();
        assertThat(ModelInputType.INSTANCE.getTypeClass()).isEqualTo(ModelInput.class);
        assertThat(InstantiationUtil.clone(ModelInputType.INSTANCE)).as("one instance after the job graph's Java serialization")
                .isSameAs(ModelInputType.INSTANCE);
        assertThat((Object) ModelInputType.INSTANCE).isNotEqualTo(EntityKeyType.INSTANCE);
    }
}
