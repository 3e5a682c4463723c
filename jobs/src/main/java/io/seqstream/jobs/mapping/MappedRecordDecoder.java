package io.seqstream.jobs.mapping;

import io.seqstream.jobs.decode.DecodeException;
import io.seqstream.jobs.decode.FieldRecord;
import io.seqstream.jobs.decode.RecordDecoder;
import io.seqstream.jobs.decode.RegistryUnavailableException;
import io.seqstream.jobs.event.Ingested;
import io.seqstream.jobs.event.ModelInput;
import io.seqstream.jobs.source.IngestDecoder;
import io.seqstream.jobs.validate.DeadLetters;
import io.seqstream.schemas.ErrorKind;

/**
 * The source's decoder for the users' own formats ({@code input.format} avro, avro-registry, json): decodes the
 * value ({@link RecordDecoder}), maps its fields ({@link RecordMapper}) and hands the job a {@link ModelInput}
 * carrying the source coordinates, event id and copied fields. Every bad record becomes a dead letter whose
 * message starts with {@code topic/partition@offset:} and names the field, the type expected and the value found.
 *
 * <p>A mapping with one model input becomes a token or a feature event; with several (e.g. a token input and a
 * feature input) one multi-input event ({@link ModelInput#isMultiInput()}) carrying them all.
 */
public final class MappedRecordDecoder implements IngestDecoder {
    private static final long serialVersionUID = 1L;

    private final RecordDecoder decoder;
    private final RecordMapper mapper;
    private final int maxRawBytes;

    public MappedRecordDecoder(RecordDecoder decoder, RecordMapper mapper, int maxRawBytes) {
        this.decoder = decoder;
        this.mapper = mapper;
        this.maxRawBytes = maxRawBytes;
    }

    @Override
    public Ingested decode(String topic, int partition, long offset, long recordTimestamp, byte[] key, byte[] value) {
        MappedEvent m;
        try {
            FieldRecord r = decoder.decode(value);
            m = mapper.map(r, key, recordTimestamp);
        } catch (DecodeException e) {
            return dead(topic, partition, offset, recordTimestamp, key, value, e.kind(), e.getMessage());
        } catch (RegistryUnavailableException e) {
            throw e; // an outage, not a bad record: fail over and read the record again after the restart
        } catch (RuntimeException e) {
            // A decoder bug must not stop the job either; keep the record for inspection.
            return dead(topic, partition, offset, recordTimestamp, key, value, ErrorKind.OTHER,
                    "unexpected " + e.getClass().getSimpleName() + " while decoding: " + e.getMessage());
        }
        return Ingested.of(toModelInput(m).withSource(topic, partition, offset).withJoinFields(m.eventId(), m.copied()));
    }

    static ModelInput toModelInput(MappedEvent m) {
        ModelInputs in = m.inputs();
        if (in.size() > 1) {
            ModelInput mi = multi(m.key(), m.eventTime(), in, m.reset());
            mi.label = m.label();
            return mi;
        }
        ModelInput mi = in.kind(0) == ModelInputs.Kind.FEATURES
                ? ModelInput.features(m.key(), m.eventTime(), in.features(0), m.reset())
                : ModelInput.token(m.key(), m.eventTime(), in.token(0), m.reset());
        mi.label = m.label();
        return mi;
    }

    /** A multi-input event: the token ids, then the feature vectors concatenated, each in input order. */
    private static ModelInput multi(String key, long eventTime, ModelInputs in, boolean reset) {
        int tokens = 0, floats = 0;
        for (int i = 0; i < in.size(); i++) {
            if (in.kind(i) == ModelInputs.Kind.FEATURES) {
                floats += in.features(i).length;
            } else {
                tokens++;
            }
        }
        int[] t = new int[tokens];
        float[] f = new float[floats];
        for (int i = 0, ti = 0, fi = 0; i < in.size(); i++) {
            if (in.kind(i) == ModelInputs.Kind.FEATURES) {
                float[] x = in.features(i);
                System.arraycopy(x, 0, f, fi, x.length);
                fi += x.length;
            } else {
                t[ti++] = in.token(i);
            }
        }
        return ModelInput.inputs(key, eventTime, t, f, reset);
    }

    private Ingested dead(String topic, int partition, long offset, long recordTimestamp, byte[] key, byte[] value, ErrorKind kind,
            String message) {
        String where = topic + "/" + partition + "@" + offset + ": ";
        return Ingested.of(DeadLetters.of(topic, partition, offset, key, value, kind, where + message, maxRawBytes,
                System.currentTimeMillis()), recordTimestamp);
    }
}
