package io.seqstream.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seqstream.model.config.ModelConfig;
import java.util.List;

/** Copies of models: same architecture and weights, independent state. */
public final class Models {
    private Models() {
    }

    /** An independent copy with the same weights and provenance. */
    public static Model copy(Model m) {
        return rebuild(m, ModelConfig.toJson(m));
    }

    /**
     * A copy for training on batches of any size: every recurrent layer non-stateful and the batch axis
     * free. A streaming model (stateful, batch 1) trains through this twin; the weights are the same.
     */
    public static Model statelessCopy(Model m) {
        ObjectNode cfg = ModelConfig.toJson(m);
        for (JsonNode in : cfg.path("inputs"))
            freeBatch((ObjectNode) in, "batch_shape");
        for (JsonNode l : cfg.path("layers")) {
            ObjectNode c = (ObjectNode) l.path("config");
            if (c.has("stateful"))
                c.put("stateful", false);
            freeBatch(c, "batch_input_shape");
            freeBatch(c, "batch_shape");
        }
        return rebuild(m, cfg);
    }

    private static void freeBatch(ObjectNode o, String key) {
        if (o.get(key) instanceof ArrayNode a && a.size() > 0)
            a.set(0, a.nullNode());
    }

    private static Model rebuild(Model m, ObjectNode cfg) {
        Model copy = ModelConfig.fromJson(cfg, "copy of model '" + m.name() + "'", ModelConfig.Options.KERAS2);
        List<Tensor> w = m.getWeights();
        copy.setWeights(w);
        copy.setProvenance(m.provenance());
        return copy;
    }
}
