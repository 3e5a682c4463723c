package io.seqstream.jobs.decode;

import io.seqstream.schemas.ErrorKind;

/**
 * A record that cannot become a model input: the dead letter's kind and a message naming what was wrong
 * (the field, the type expected and the one found). The decoder adds the source offset.
 */
public final class DecodeException extends Exception {
    private static final long serialVersionUID = 1L;

    private final ErrorKind kind;

    public DecodeException(ErrorKind kind, String message) {
        super(message, null, false, false); // no stack trace: bad input is routine, not a bug
        this.kind = kind;
    }

    public ErrorKind kind() {
        return kind;
    }

    /** A mapped field the record lacks. */
    public static DecodeException missing(FieldPath field, String expected) {
        return new DecodeException(ErrorKind.MISSING_FIELD, "field '" + field + "' is missing; expected " + expected);
    }

    /** A mapped field of another type than the mapping needs. */
    public static DecodeException wrongType(FieldPath field, String expected, Object found) {
        return new DecodeException(ErrorKind.WRONG_FIELD_TYPE, "field '" + field + "': expected " + expected + ", found "
                + describe(found));
    }

    static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        String type = v instanceof CharSequence
                ? "string"
                : v instanceof FieldRecord
                        ? "record"
                        : v instanceof java.util.List<?> l
                                ? "array of " + l.size()
                                : v.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
        String s = String.valueOf(v);
        if (v instanceof FieldRecord || v instanceof java.util.List<?>) {
            return type;
        }
        return type + " " + (s.length() > 40 ? "'" + s.substring(0, 40) + "...'" : "'" + s + "'");
    }
}
