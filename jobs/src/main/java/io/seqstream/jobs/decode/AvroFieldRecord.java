package io.seqstream.jobs.decode;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericRecord;

/** A decoded Avro record read by field path; enums read as their symbol. */
final class AvroFieldRecord implements FieldRecord {
    private final GenericRecord record;

    AvroFieldRecord(GenericRecord record) {
        this.record = record;
    }

    @Override
    public Object get(FieldPath path) {
        GenericRecord r = record;
        Object v = null;
        for (int i = 0; i < path.length(); i++) {
            if (r == null) {
                return null;
            }
            Schema.Field f = r.getSchema().getField(path.name(i));
            if (f == null) {
                return null;
            }
            v = r.get(f.pos());
            r = v instanceof GenericRecord g ? g : null;
        }
        return normalise(v);
    }

    static Object normalise(Object v) {
        if (v instanceof GenericRecord g) {
            return new AvroFieldRecord(g);
        }
        if (v instanceof GenericEnumSymbol<?> e) {
            return e.toString();
        }
        return v; // Utf8 is a CharSequence, numbers and booleans are boxed, arrays are Lists
    }
}
