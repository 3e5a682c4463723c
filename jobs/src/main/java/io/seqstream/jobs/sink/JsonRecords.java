package io.seqstream.jobs.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.IndexedRecord;

/**
 * Plain JSON of an Avro record, as a JSON user expects it: one property per field, unions unwrapped (a null is
 * {@code null}, not Avro's {@code {"string": ...}}), enums as their symbol, bytes as base64, maps as objects.
 */
public final class JsonRecords {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonRecords() {
    }

    public static byte[] toJson(IndexedRecord record) {
        try {
            return JSON.writeValueAsBytes(node(record));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + record.getSchema().getName() + " as JSON", e);
        }
    }

    static ObjectNode node(IndexedRecord r) {
        ObjectNode o = NODES.objectNode();
        for (Schema.Field f : r.getSchema().getFields()) {
            o.set(f.name(), value(r.get(f.pos())));
        }
        return o;
    }

    private static JsonNode value(Object v) {
        if (v == null) {
            return NODES.nullNode();
        }
        if (v instanceof IndexedRecord r) {
            return node(r);
        }
        if (v instanceof CharSequence || v instanceof GenericEnumSymbol<?> || v instanceof Enum<?>) {
            return NODES.textNode(v.toString());
        }
        if (v instanceof Integer i) {
            return NODES.numberNode(i);
        }
        if (v instanceof Long l) {
            return NODES.numberNode(l);
        }
        if (v instanceof Float x) {
            return Float.isFinite(x) ? NODES.numberNode(x) : NODES.textNode(x.toString());
        }
        if (v instanceof Double x) {
            return Double.isFinite(x) ? NODES.numberNode(x) : NODES.textNode(x.toString());
        }
        if (v instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (v instanceof ByteBuffer b) {
            byte[] bytes = new byte[b.remaining()];
            b.duplicate().get(bytes);
            return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
        }
        if (v instanceof List<?> list) {
            ArrayNode a = NODES.arrayNode(list.size());
            for (Object item : list) {
                a.add(value(item));
            }
            return a;
        }
        if (v instanceof Map<?, ?> map) {
            ObjectNode o = NODES.objectNode();
            map.entrySet().stream().sorted(Map.Entry.comparingByKey((a, b) -> a.toString().compareTo(b.toString())))
                    .forEach(e -> o.set(e.getKey().toString(), value(e.getValue())));
            return o;
        }
        return NODES.textNode(v.toString());
    }
}
