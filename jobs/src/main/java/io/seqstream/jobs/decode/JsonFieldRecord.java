package io.seqstream.jobs.decode;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** A JSON object read by field path: strings, integers as Long, other numbers as Double, booleans, arrays, objects. */
final class JsonFieldRecord implements FieldRecord {
    private final JsonNode node;

    JsonFieldRecord(JsonNode node) {
        this.node = node;
    }

    @Override
    public Object get(FieldPath path) {
        JsonNode n = node;
        for (int i = 0; i < path.length(); i++) {
            if (n == null || !n.isObject()) {
                return null;
            }
            n = n.get(path.name(i));
        }
        return value(n);
    }

    private static Object value(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return null;
        }
        return switch (n.getNodeType()) {
            case STRING -> n.textValue();
            case NUMBER ->
                n.isIntegralNumber() ? (n.canConvertToLong() ? (Object) n.longValue() : n.decimalValue()) : (Object) n.doubleValue();
            case BOOLEAN -> n.booleanValue();
            case OBJECT -> new JsonFieldRecord(n);
            case ARRAY -> {
                List<Object> items = new ArrayList<>(n.size());
                for (JsonNode item : n) {
                    items.add(value(item));
                }
                yield items;
            }
            default -> n; // binary, POJO: a wrong type for every mapping
        };
    }
}
