package io.seqstream.jobs.mapping.spec;

import io.seqstream.jobs.decode.FieldPath;
import java.io.Serializable;
import java.util.List;

/**
 * Where one model input comes from in an input record ({@code mapping.inputs}, one entry per model input):
 * <ul>
 *   <li>{@code token(field)}: an integer field is the token id;</li>
 *   <li>{@code lookup(field)}: a string (or integer) field goes through a lookup vocabulary to a token id,
 *       unknown terms to the OOV index 0;</li>
 *   <li>{@code features(a, b, ...)}: numeric fields, in this order, are the feature vector;</li>
 *   <li>{@code features(field[])}: a numeric array field is the feature vector.</li>
 * </ul>
 */
public sealed interface InputMapping extends Serializable {
    /** What the field(s) must hold, for dead-letter messages and docs. */
    String expected();

    record Token(FieldPath field) implements InputMapping {
        @Override
        public String expected() {
            return "an integer token id";
        }

        @Override
        public String toString() {
            return "token(" + field + ")";
        }
    }

    record Lookup(FieldPath field) implements InputMapping {
        @Override
        public String expected() {
            return "a string (or integer) category";
        }

        @Override
        public String toString() {
            return "lookup(" + field + ")";
        }
    }

    record Features(List<FieldPath> fields) implements InputMapping {
        public Features {
            fields = List.copyOf(fields);
        }

        @Override
        public String expected() {
            return "a finite number";
        }

        @Override
        public String toString() {
            return "features(" + String.join(", ", fields.stream().map(FieldPath::toString).toList()) + ")";
        }
    }

    record FeatureArray(FieldPath field) implements InputMapping {
        @Override
        public String expected() {
            return "an array of finite numbers";
        }

        @Override
        public String toString() {
            return "features(" + field + "[])";
        }
    }
}
