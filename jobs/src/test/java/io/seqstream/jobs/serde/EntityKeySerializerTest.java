package io.seqstream.jobs.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** The key serializer writes Flink's StringSerializer bytes exactly, and each restores what the other wrote. */
class EntityKeySerializerTest {
    /** Keys of every length class of the varint (1, 2 and 3 bytes) and chars of 1, 2 and 3 bytes. */
    static List<String> keys() {
        List<String> keys = new ArrayList<>(
                List.of("", "a", "user-1234567", "device/ä-ß", "ключ", "鍵-🔑", "\u007f\u0080\u3fff\u4000\uffff"));
        keys.add("k".repeat(126)); // length + 1 = 127: one byte
        keys.add("k".repeat(127)); // 128: two bytes
        keys.add("x".repeat(16_383)); // 16,384: three bytes
        keys.add("é".repeat(20_000)); // two bytes per char
        return keys;
    }

    static byte[] bytes(TypeSerializer<String> s, String key) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(16);
        s.serialize(key, out);
        return out.getCopyOfBuffer();
    }

    @Test
    void writesTheBytesOfFlinksStringSerializer() throws IOException {
        EntityKeySerializer ours = new EntityKeySerializer();
        for (String key : keys()) {
            assertThat(bytes(ours, key)).as("%.20s (%d chars)", key, key.length()).isEqualTo(bytes(StringSerializer.INSTANCE, key));
        }
        assertThat(bytes(ours, null)).as("null, as StringValue writes it").isEqualTo(bytes(StringSerializer.INSTANCE, null));
        assertThat(EntityKeySerializer.read(new DataInputDeserializer(bytes(StringSerializer.INSTANCE, null)))).isNull();
    }

    @Test
    void eachReadsWhatTheOtherWrote() throws IOException {
        EntityKeySerializer ours = new EntityKeySerializer();
        for (String key : keys()) {
            assertThat(ours.deserialize(new DataInputDeserializer(bytes(StringSerializer.INSTANCE, key)))).isEqualTo(key);
            assertThat(StringSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes(ours, key)))).isEqualTo(key);
            assertThat(EntityKeySerializer.read(new DataInputDeserializer(bytes(StringSerializer.INSTANCE, key)))).isEqualTo(key);
            DataOutputSerializer copied = new DataOutputSerializer(16);
            ours.copy(new DataInputDeserializer(bytes(ours, key)), copied);
            assertThat(copied.getCopyOfBuffer()).isEqualTo(bytes(ours, key));
        }
    }

    @Test
    void aStateOfEitherSerializerIsCompatibleAsIsWithTheOther() {
        EntityKeySerializer ours = new EntityKeySerializer();
        assertThat(ours.snapshotConfiguration().resolveSchemaCompatibility(StringSerializer.INSTANCE.snapshotConfiguration())
                .isCompatibleAsIs()).as("a checkpoint of Flink's StringSerializer, restored by this job").isTrue();
        assertThat(StringSerializer.INSTANCE.snapshotConfiguration().resolveSchemaCompatibility(ours.snapshotConfiguration())
                .isCompatibleAsIs()).as("a checkpoint of this job, restored with Flink's StringSerializer").isTrue();
    }

    @Test
    void eachThreadGetsItsOwnScratchBuffer() throws IOException {
        EntityKeySerializer ours = new EntityKeySerializer();
        TypeSerializer<String> other = ours.duplicate();
        assertThat(other).isNotSameAs(ours).isEqualTo(ours);
        assertThat(EntityKeyType.INSTANCE.createSerializer(new SerializerConfigImpl())).isInstanceOf(EntityKeySerializer.class);
        assertThat(EntityKeyType.INSTANCE.isKeyType()).isTrue();
        // a short key after a long one: only the short key's bytes go out
        bytes(ours, "z".repeat(500));
        assertThat(bytes(ours, "ab")).isEqualTo(bytes(StringSerializer.INSTANCE, "ab"));
    }
}
