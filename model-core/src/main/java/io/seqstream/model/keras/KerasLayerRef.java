package io.seqstream.model.keras;

/** A layer as listed in a Keras config, in config order: what Keras 3 weight keys are derived from. */
record KerasLayerRef(String className, String name) {
    boolean isInput() {
        return className.equals("InputLayer");
    }
}
