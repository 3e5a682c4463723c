package io.seqstream.model.keras;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A Keras model config rewritten into ModelConfig's format.
 *
 * @param model      the {@code model} JSON ModelConfig builds from
 * @param layers     every layer of the Keras config in its order, input layers included
 * @param sequential whether Keras saved a Sequential model (its saved layer list omits the input layer)
 */
record ConvertedConfig(ObjectNode model, List<KerasLayerRef> layers, boolean sequential) {
}
