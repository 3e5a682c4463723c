package io.seqstream.jobs.decode;

/**
 * One decoded input record, read by field path whatever its format (an Avro record, a JSON object), so the
 * field mapping is written once.
 *
 * <p>{@link #get} returns the value at a path of field names (nested records by several names), or null when
 * the record has no such field or the field is null. Values are normalised to: {@link CharSequence} (strings,
 * Avro enums), {@link Number} (Integer, Long, Float, Double), {@link Boolean}, {@link java.util.List} (arrays)
 * and {@link FieldRecord} (nested records); anything else (bytes, maps) comes back as is and the mapping
 * treats it as a wrong type.
 */
public interface FieldRecord {
    Object get(FieldPath path);
}
