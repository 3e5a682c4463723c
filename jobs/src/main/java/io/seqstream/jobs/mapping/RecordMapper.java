package io.seqstream.jobs.mapping;

import io.seqstream.jobs.decode.DecodeException;
import io.seqstream.jobs.decode.FieldPath;
import io.seqstream.jobs.decode.FieldRecord;
import io.seqstream.jobs.mapping.spec.FieldMapping;
import io.seqstream.jobs.mapping.spec.InputMapping;
import io.seqstream.jobs.mapping.spec.Vocabulary;
import io.seqstream.jobs.model.InputSpec;
import io.seqstream.schemas.ErrorKind;
import java.io.Serializable;
import java.math.BigDecimal;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Applies a {@link FieldMapping} to one decoded record: the key, the event time, one value per model input
 * (checked against the model's inputs: token range, feature width, finite values), the label, the reset flag, the
 * event id and the copied fields. Every problem is a {@link DecodeException} naming the field, the type expected
 * and the value found; an unknown lookup term is not a problem (it is the OOV index, as in Keras).
 *
 * <p>The mapping is checked against the model when the mapper is built, so a misconfigured job fails at start,
 * not record by record.
 */
public final class RecordMapper implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Longest key accepted (UTF-16 chars); longer keys would bloat keyed state. */
    static final int MAX_KEY_CHARS = 1024;
    /** Longest copied value (chars); a longer one is cut. */
    static final int MAX_COPIED_CHARS = 1024;

    private final FieldMapping mapping;
    private final List<InputSpec> specs;
    private final Vocabulary[] vocabularies; // per input, null when not a lookup

    public RecordMapper(FieldMapping mapping, List<InputSpec> modelInputs) {
        this.mapping = mapping;
        this.specs = List.copyOf(modelInputs);
        List<InputMapping> inputs = mapping.inputs();
        if (inputs.size() != specs.size()) {
            throw new IllegalArgumentException("mapping.inputs names " + inputs.size() + " input(s) " + inputs + " but the model has "
                    + specs.size() + ": " + specs);
        }
        vocabularies = new Vocabulary[inputs.size()];
        for (int i = 0; i < inputs.size(); i++) {
            InputMapping in = inputs.get(i);
            InputSpec spec = specs.get(i);
            String where = "mapping.inputs entry " + (i + 1) + " " + in + ": model input " + (i + 1) + " takes " + spec;
            if (in instanceof InputMapping.Token) {
                require(spec.tokenInput(), where);
            } else if (in instanceof InputMapping.Lookup l) {
                require(spec.tokenInput(), where);
                Vocabulary v = mapping.vocabularies().get(l.field().toString());
                if (v.size() > spec.vocabularySize()) {
                    throw new IllegalArgumentException(where + ", but the vocabulary " + v + " yields indexes up to "
                            + (v.size() - 1));
                }
                vocabularies[i] = v;
            } else if (in instanceof InputMapping.Features f) {
                require(!spec.tokenInput(), where);
                if (f.fields().size() != spec.featureSize()) {
                    throw new IllegalArgumentException(where + ", but " + f.fields().size() + " fields are named");
                }
            } else {
                require(!spec.tokenInput(), where);
            }
        }
    }

    private static void require(boolean ok, String where) {
        if (!ok) {
            throw new IllegalArgumentException(where + ": another kind of input");
        }
    }

    public FieldMapping mapping() {
        return mapping;
    }

    /** Maps {@code r}; {@code recordKey} and {@code recordTimestamp} are the Kafka record's, used when the mapping says so. */
    public MappedEvent map(FieldRecord r, byte[] recordKey, long recordTimestamp) throws DecodeException {
        String key = key(r, recordKey);
        long time = mapping.eventTime().isPresent() ? eventTime(r, mapping.eventTime().get()) : recordTimestamp;
        List<InputMapping> inputs = mapping.inputs();
        Object[] values = new Object[inputs.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = input(r, i, inputs.get(i));
        }
        int label = -1;
        if (mapping.label().isPresent()) {
            Object v = r.get(mapping.label().get());
            if (v != null) {
                long l = integral(mapping.label().get(), v, "an integer class label");
                if (l < 0 || l > Integer.MAX_VALUE) {
                    throw new DecodeException(ErrorKind.WRONG_FIELD_TYPE,
                            "field '" + mapping.label().get() + "': expected a class label >= 0, found " + l);
                }
                label = (int) l;
            }
        }
        boolean reset = false;
        if (mapping.resetField().isPresent()) {
            Object v = r.get(mapping.resetField().get());
            reset = v != null && scalarText(v) != null && scalarText(v).equals(mapping.resetValue());
        }
        String eventId = null;
        if (mapping.eventId().isPresent()) {
            Object v = r.get(mapping.eventId().get());
            eventId = v == null ? null : scalar(mapping.eventId().get(), v, "a string or number event id");
        }
        return new MappedEvent(key, time, new ModelInputs(values), label, reset, eventId, copied(r));
    }

    private String key(FieldRecord r, byte[] recordKey) throws DecodeException {
        String key;
        if (mapping.key().isPresent()) {
            FieldPath f = mapping.key().get();
            Object v = r.get(f);
            if (v == null) {
                throw DecodeException.missing(f, "the sequence key (a string or integer)");
            }
            if (!(v instanceof CharSequence) && !(v instanceof Long) && !(v instanceof Integer)) {
                throw DecodeException.wrongType(f, "the sequence key (a string or integer)", v);
            }
            key = v.toString();
        } else {
            if (recordKey == null) {
                throw new DecodeException(ErrorKind.MISSING_FIELD, "the Kafka record has no key; mapping.key = @key expects one");
            }
            try {
                key = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .decode(java.nio.ByteBuffer.wrap(recordKey)).toString();
            } catch (CharacterCodingException e) {
                throw new DecodeException(ErrorKind.WRONG_FIELD_TYPE, "the Kafka record key: expected UTF-8 text, found "
                        + recordKey.length + " other bytes");
            }
        }
        if (key.isEmpty() || key.length() > MAX_KEY_CHARS) {
            throw new DecodeException(ErrorKind.WRONG_FIELD_TYPE, "sequence key " + (mapping.key().map(f -> "field '" + f + "'")
                    .orElse("(record key)")) + ": expected 1 to " + MAX_KEY_CHARS + " characters, found " + key.length());
        }
        return key;
    }

    static long eventTime(FieldRecord r, FieldPath f) throws DecodeException {
        Object v = r.get(f);
        String expected = "the event time (epoch milliseconds or an ISO-8601 timestamp)";
        if (v == null) {
            throw DecodeException.missing(f, expected);
        }
        if (v instanceof Long || v instanceof Integer) {
            return ((Number) v).longValue();
        }
        if (v instanceof CharSequence cs) {
            String s = cs.toString();
            if (s.length() <= 40) {
                if (!s.isEmpty() && s.chars().allMatch(Character::isDigit) && s.length() <= 18) {
                    return Long.parseLong(s);
                }
                try {
                    return Instant.parse(s).toEpochMilli();
                } catch (DateTimeParseException e) {
                    try {
                        return OffsetDateTime.parse(s).toInstant().toEpochMilli();
                    } catch (DateTimeParseException | ArithmeticException e2) {
                        // falls through to the error
                    }
                } catch (ArithmeticException e) {
                    // out of the long range: falls through
                }
            }
        }
        throw DecodeException.wrongType(f, expected, v);
    }

    private Object input(FieldRecord r, int i, InputMapping in) throws DecodeException {
        InputSpec spec = specs.get(i);
        if (in instanceof InputMapping.Token t) {
            Object v = r.get(t.field());
            if (v == null) {
                throw DecodeException.missing(t.field(), in.expected());
            }
            long token = integral(t.field(), v, in.expected());
            if (token < 0 || token >= spec.vocabularySize()) {
                throw new DecodeException(ErrorKind.TOKEN_OUT_OF_RANGE, "field '" + t.field() + "': token id " + token
                        + " is outside the vocabulary [0, " + spec.vocabularySize() + ")");
            }
            return (int) token;
        }
        if (in instanceof InputMapping.Lookup l) {
            Object v = r.get(l.field());
            if (v == null) {
                throw DecodeException.missing(l.field(), in.expected());
            }
            if (v instanceof CharSequence || v instanceof Long || v instanceof Integer) {
                return vocabularies[i].lookup(v.toString());
            }
            throw DecodeException.wrongType(l.field(), in.expected(), v);
        }
        if (in instanceof InputMapping.Features f) {
            float[] x = new float[f.fields().size()];
            for (int j = 0; j < x.length; j++) {
                FieldPath p = f.fields().get(j);
                Object v = r.get(p);
                if (v == null) {
                    throw DecodeException.missing(p, "a number (feature " + j + " of input " + (i + 1) + ")");
                }
                x[j] = finite(p, v, j);
            }
            return x;
        }
        InputMapping.FeatureArray a = (InputMapping.FeatureArray) in;
        Object v = r.get(a.field());
        if (v == null) {
            throw DecodeException.missing(a.field(), in.expected() + " of length " + spec.featureSize());
        }
        if (!(v instanceof List<?> list)) {
            throw DecodeException.wrongType(a.field(), in.expected() + " of length " + spec.featureSize(), v);
        }
        if (list.size() != spec.featureSize()) {
            throw new DecodeException(ErrorKind.WRONG_FEATURE_LENGTH, "field '" + a.field() + "': expected an array of "
                    + spec.featureSize() + " numbers, found " + list.size());
        }
        float[] x = new float[list.size()];
        for (int j = 0; j < x.length; j++) {
            x[j] = finite(a.field(), list.get(j), j);
        }
        return x;
    }

    private static float finite(FieldPath f, Object v, int index) throws DecodeException {
        if (!(v instanceof Number n) || v instanceof BigDecimal || v instanceof java.math.BigInteger) {
            throw DecodeException.wrongType(f, "a finite number (feature " + index + ")", v);
        }
        float x = n.floatValue();
        if (!Float.isFinite(x)) {
            throw new DecodeException(ErrorKind.NON_FINITE_FEATURE, "field '" + f + "': feature " + index + " is " + n
                    + " (as a float " + x + "); a non-finite value would poison the key's state");
        }
        return x;
    }

    private static long integral(FieldPath f, Object v, String expected) throws DecodeException {
        if (v instanceof Long || v instanceof Integer) {
            return ((Number) v).longValue();
        }
        throw DecodeException.wrongType(f, expected, v);
    }

    /** The text of a scalar value (string, number, boolean), null for records, arrays and other types. */
    private static String scalarText(Object v) {
        return v instanceof CharSequence || v instanceof Number || v instanceof Boolean ? v.toString() : null;
    }

    private static String scalar(FieldPath f, Object v, String expected) throws DecodeException {
        String s = scalarText(v);
        if (s == null) {
            throw DecodeException.wrongType(f, expected, v);
        }
        return s.length() <= MAX_COPIED_CHARS ? s : s.substring(0, MAX_COPIED_CHARS);
    }

    private String[] copied(FieldRecord r) throws DecodeException {
        List<FieldPath> copy = mapping.copy();
        if (copy.isEmpty()) {
            return null;
        }
        String[] pairs = new String[copy.size() * 2];
        int n = 0;
        for (FieldPath f : copy) {
            Object v = r.get(f);
            if (v != null) {
                pairs[n++] = f.toString();
                pairs[n++] = scalar(f, v, "a string, number or boolean to copy into the prediction");
            }
        }
        return n == pairs.length ? pairs : java.util.Arrays.copyOf(pairs, n);
    }
}
