package io.seqstream.model.keras;

import io.seqstream.model.Tensor;

/** One stored weight array and the name (or path) it has in the file. */
record NamedArray(String name, Tensor value) {
}
