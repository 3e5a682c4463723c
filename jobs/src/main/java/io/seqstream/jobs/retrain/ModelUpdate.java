package io.seqstream.jobs.retrain;

import io.seqstream.schemas.AvroCodec;
import io.seqstream.schemas.ModelSnapshot;
import java.nio.charset.StandardCharsets;

/**
 * One record of the models stream as the prediction and trainer operators receive it: the raw Avro
 * {@link ModelSnapshot} bytes and where they came from. Decoding happens in the operator, so a garbage record
 * on the models topic becomes a dead letter (with its topic, partition and offset) instead of failing the source.
 *
 * <p>A Flink POJO. {@code partition} and {@code offset} are -1 for snapshots that did not come from Kafka
 * (the in-job edge from the trainer, tests).
 */
public final class ModelUpdate {
    /** Source of snapshots the trainer of this job sends straight to the prediction operator. */
    public static final String TRAINER = "trainer";

    public String source;
    public int partition = -1;
    public long offset = -1;
    public byte[] key;
    public byte[] value;

    public ModelUpdate() {
    }

    public static ModelUpdate fromKafka(String topic, int partition, long offset, byte[] key, byte[] value) {
        ModelUpdate u = new ModelUpdate();
        u.source = topic;
        u.partition = partition;
        u.offset = offset;
        u.key = key;
        u.value = value;
        return u;
    }

    /** A snapshot that did not come through Kafka; {@code source} names its origin in logs and dead letters. */
    public static ModelUpdate of(ModelSnapshot snapshot, String source) {
        ModelUpdate u = new ModelUpdate();
        u.source = source;
        u.key = Long.toString(snapshot.getVersion()).getBytes(StandardCharsets.UTF_8);
        u.value = AvroCodec.encode(snapshot);
        return u;
    }

    /** Raw bytes that may not decode (tests of rejections). */
    public static ModelUpdate raw(byte[] value, String source) {
        ModelUpdate u = new ModelUpdate();
        u.source = source;
        u.value = value;
        return u;
    }

    /** "topic/partition@offset", or just the source when it was not Kafka. */
    public String origin() {
        return partition < 0 ? source : source + "/" + partition + "@" + offset;
    }

    @Override
    public String toString() {
        return "ModelUpdate{" + origin() + ", " + (value == null ? "no value" : value.length + " bytes") + "}";
    }
}
