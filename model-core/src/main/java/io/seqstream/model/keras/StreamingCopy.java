package io.seqstream.model.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seqstream.model.Model;
import io.seqstream.model.config.ModelConfig;
import io.seqstream.model.layers.Layer;
import io.seqstream.model.layers.RNN;

/**
 * A copy of a model, with the same weights, that runs one time step per call: every recurrent layer is
 * stateful, the batch size is 1 and the time axis of sequence inputs is open. Fed {@code x[:, t:t+1]} for
 * t = 0, 1, ... after {@link Model#resetStates()}, each call returns the output after step t; the last
 * equals {@code predict} on the whole sequence.
 *
 * <p>{@code return_sequences} is left as it is: a one-step call yields that step's output either way, and
 * forcing it would change the rank that later layers (Dense on the last state, Concatenate with a feature
 * vector) receive.
 */
final class StreamingCopy {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private StreamingCopy() {
    }

    static Model of(Model model) {
        String where = "streaming copy of model '" + model.name() + "'";
        for (Layer l : model.layers()) {
            if (l instanceof RNN r && r.goBackwards()) {
                throw new KerasImportException(where + ": layer '" + l.name() + "' (" + l.className() + ") has go_backwards=True: "
                        + "it reads each sequence from its end, so it cannot run one step at a time");
            }
        }
        ObjectNode json = ModelConfig.toJson(model);
        for (JsonNode in : json.path("inputs")) {
            ArrayNode shape = (ArrayNode) in.get("batch_shape");
            shape.set(0, F.numberNode(1));
            if (isSequenceInput(shape.size(), in.path("dtype").asText()))
                shape.set(1, F.nullNode());
        }
        for (JsonNode l : json.path("layers")) {
            JsonNode c = l.path("config");
            if (c.has("stateful"))
                ((ObjectNode) c).put("stateful", true);
            if (l.path("class_name").asText().equals("InputLayer")) {
                ArrayNode shape = (ArrayNode) c.get("batch_shape");
                shape.set(0, F.numberNode(1));
                if (isSequenceInput(shape.size(), c.path("dtype").asText()))
                    shape.set(1, F.nullNode());
            }
        }
        Model copy;
        try {
            // toJson names Keras 3's hard sigmoid distinctly, so the Keras 2 options read both back exactly.
            copy = ModelConfig.fromJson(json, where, ModelConfig.Options.KERAS2);
        } catch (IllegalArgumentException e) {
            throw new KerasImportException(e.getMessage() + " (a layer that needs the whole time axis, such as Flatten after a "
                    + "sequence, cannot run one step at a time)", e);
        }
        copy.setWeights(model.getWeights());
        copy.setProvenance(model.provenance().withProperty("streaming", "stateful copy, batch 1, one time step per call"));
        return copy;
    }

    /** Axis 1 is time for (batch, time, features) inputs and for (batch, time) token ids. */
    static boolean isSequenceInput(int rank, String dtype) {
        return rank >= 3 || (rank == 2 && dtype.startsWith("int"));
    }
}
