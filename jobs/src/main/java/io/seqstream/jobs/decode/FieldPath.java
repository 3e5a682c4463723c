package io.seqstream.jobs.decode;

import java.io.Serializable;
import java.util.Arrays;
import java.util.regex.Pattern;

/** A field of an input record by name, with dots for nested records ({@code user.id}); parsed once, read per record. */
public final class FieldPath implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Pattern NAME = Pattern.compile("[A-Za-z_$@][A-Za-z0-9_\\-$@]*");

    private final String text;
    private final String[] names;

    private FieldPath(String text, String[] names) {
        this.text = text;
        this.names = names;
    }

    /** Parses {@code a}, {@code a.b}; a part must be a field name (letters, digits, _, -, $, @; not starting with a digit or -). */
    public static FieldPath parse(String text) {
        String t = text.trim();
        String[] parts = t.split("\\.", -1);
        for (String p : parts) {
            if (!NAME.matcher(p).matches()) {
                throw new IllegalArgumentException("'" + text + "' is not a field name or a dotted path of field names");
            }
        }
        return new FieldPath(t, parts);
    }

    public int length() {
        return names.length;
    }

    public String name(int i) {
        return names[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FieldPath f && Arrays.equals(f.names, names);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(names);
    }

    @Override
    public String toString() {
        return text;
    }
}
