package io.seqstream.model.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Iterator;
import java.util.Map;

/**
 * Reads a functional layer's {@code inbound_nodes} into ModelConfig's {@code inbound}: per call, the input
 * tensors as {@code [layer, node, index]}. Keras 1/2 write {@code [[name, node, index, kwargs?], ...]} per
 * call; Keras 3 writes {@code {args: [...], kwargs: {...}}} with {@code __keras_tensor__} objects (a list
 * of them for merge layers).
 */
final class InboundNodes {
    private InboundNodes() {
    }

    static ArrayNode toInbound(JsonNode inboundNodes, String where) {
        if (inboundNodes == null || !inboundNodes.isArray() || inboundNodes.isEmpty()) {
            throw new KerasImportException(where + ": the layer has no inbound_nodes (it is never called)");
        }
        ArrayNode calls = JsonNodeFactory.instance.arrayNode();
        for (JsonNode node : inboundNodes) {
            ArrayNode call = calls.addArray();
            if (node.isArray()) {
                for (JsonNode entry : node)
                    call.add(legacyRef(entry, where));
            } else if (node.isObject() && node.has("args")) {
                collectTensors(node.get("args"), call, where);
                checkKwargs(node.path("kwargs"), where);
            } else {
                throw new KerasImportException(where + ": unreadable inbound node " + node);
            }
            if (call.isEmpty())
                throw new KerasImportException(where + ": a call of the layer has no input tensors");
        }
        return calls;
    }

    private static ArrayNode legacyRef(JsonNode e, String where) {
        if (!e.isArray() || e.size() < 3 || !e.get(0).isTextual() || !e.get(1).canConvertToInt() || !e.get(2).canConvertToInt()) {
            throw new KerasImportException(where + ": inbound tensor " + e + " must be [layer_name, node_index, tensor_index, kwargs]");
        }
        if (e.size() > 3)
            checkKwargs(e.get(3), where);
        return ref(e.get(0).textValue(), e.get(1).intValue(), e.get(2).intValue());
    }

    private static void collectTensors(JsonNode arg, ArrayNode call, String where) {
        if (arg.isArray()) {
            for (JsonNode a : arg)
                collectTensors(a, call, where);
        } else if (arg.isObject() && "__keras_tensor__".equals(arg.path("class_name").asText())) {
            JsonNode h = arg.path("config").path("keras_history");
            if (!h.isArray() || h.size() != 3 || !h.get(0).isTextual()) {
                throw new KerasImportException(where + ": keras tensor without a readable keras_history: " + arg);
            }
            call.add(ref(h.get(0).textValue(), h.get(1).intValue(), h.get(2).intValue()));
        } else {
            throw new KerasImportException(
                    where + ": call argument " + arg + " is not a tensor; constant call arguments are not supported");
        }
    }

    /** Call keyword arguments that change nothing at inference pass; any other is named in the error. */
    private static void checkKwargs(JsonNode kwargs, String where) {
        if (kwargs == null || kwargs.isNull())
            return;
        if (!kwargs.isObject())
            throw new KerasImportException(where + ": call keyword arguments must be an object, got " + kwargs);
        for (Iterator<Map.Entry<String, JsonNode>> it = kwargs.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> kw = it.next();
            JsonNode v = kw.getValue();
            boolean harmless = switch (kw.getKey()) {
                case "training" -> v.isNull() || (v.isBoolean() && !v.booleanValue());
                case "mask" -> allNull(v);
                default -> v.isNull();
            };
            if (!harmless) {
                throw new KerasImportException(where + ": call argument '" + kw.getKey() + "' = " + v + " is not supported");
            }
        }
    }

    private static boolean allNull(JsonNode v) {
        if (v.isNull())
            return true;
        if (!v.isArray())
            return false;
        for (JsonNode e : v)
            if (!allNull(e))
                return false;
        return true;
    }

    private static ArrayNode ref(String layer, int node, int index) {
        return JsonNodeFactory.instance.arrayNode().add(layer).add(node).add(index);
    }
}
