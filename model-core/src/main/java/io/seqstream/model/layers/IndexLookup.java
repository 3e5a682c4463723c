package io.seqstream.model.layers;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seqstream.model.Tensor;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras' lookup layers ({@code StringLookup}, {@code IntegerLookup}) with {@code output_mode="int"}: a value
 * becomes its vocabulary index. Indices as Keras assigns them: the mask token (if any) is 0, then the OOV
 * index (if {@code num_oov_indices=1}), then the vocabulary in order. With {@code num_oov_indices=0} an
 * unknown value is an error, as in Keras.
 */
public abstract class IndexLookup<V> extends Layer {
    private final List<V> vocabulary;
    private final int numOov;
    private final V maskToken; // null: none
    private final Map<V, Integer> index = new HashMap<>();

    protected IndexLookup(Builder<V, ?> b, String prefix) {
        super(b, prefix);
        if (b.numOov < 0 || b.numOov > 1) {
            throw new IllegalArgumentException(prefix + ": num_oov_indices = " + b.numOov + " is not supported (0 or 1; more use a hash"
                    + " of the value to spread unknown values)");
        }
        if (b.vocabulary == null || b.vocabulary.isEmpty()) {
            throw new IllegalArgumentException(
                    prefix + ": needs a vocabulary (an adapted vocabulary stored outside the config is not supported)");
        }
        this.vocabulary = List.copyOf(b.vocabulary);
        this.numOov = b.numOov;
        this.maskToken = b.maskToken;
        int first = firstVocabularyIndex();
        for (int i = 0; i < vocabulary.size(); i++) {
            if (index.putIfAbsent(vocabulary.get(i), first + i) != null) {
                throw new IllegalArgumentException(prefix + ": the vocabulary holds '" + vocabulary.get(i) + "' twice");
            }
        }
        if (maskToken != null && index.containsKey(maskToken))
            throw new IllegalArgumentException(prefix + ": the mask token is in the vocabulary");
    }

    public List<V> vocabulary() {
        return vocabulary;
    }

    public int numOovIndices() {
        return numOov;
    }

    /** Keras {@code vocabulary_size()}: every index this layer can output. */
    public int vocabularySize() {
        return firstVocabularyIndex() + vocabulary.size();
    }

    private int firstVocabularyIndex() {
        return (maskToken != null ? 1 : 0) + numOov;
    }

    /** The index of one value, as Keras maps it. */
    public int lookup(V value) {
        if (maskToken != null && maskToken.equals(value))
            return 0;
        Integer i = index.get(value);
        if (i != null)
            return i;
        if (numOov == 0)
            throw error("value '" + value + "' is not in the vocabulary and num_oov_indices is 0");
        return maskToken != null ? 1 : 0;
    }

    @Override
    public List<int[]> outputShapes(List<int[]> in) {
        return List.of(in.get(0).clone());
    }

    @Override
    public List<Tensor> backward(LayerCall call, List<Tensor> gradOutputs) {
        return Collections.singletonList(null); // indices have no gradient
    }

    @Override
    public ObjectNode getConfig() {
        ObjectNode c = super.getConfig();
        c.put("invert", false);
        c.putNull("max_tokens");
        c.put("num_oov_indices", numOov);
        putToken(c, "mask_token", maskToken);
        c.put("output_mode", "int");
        ArrayNode v = c.putArray("vocabulary");
        for (V s : vocabulary)
            addValue(v, s);
        c.put("vocabulary_size", vocabularySize());
        return c;
    }

    protected abstract void putToken(ObjectNode c, String key, V token);

    protected abstract void addValue(ArrayNode a, V value);

    /** Options of both lookup layers. */
    public abstract static class Builder<V, B extends Builder<V, B>> extends Layer.Builder<B> {
        List<V> vocabulary;
        int numOov = 1;
        V maskToken;

        public B vocabulary(List<V> vocabulary) {
            this.vocabulary = List.copyOf(vocabulary);
            return self();
        }

        /** Keras {@code num_oov_indices}: 1 (default) or 0. */
        public B numOovIndices(int n) {
            this.numOov = n;
            return self();
        }

        /** Keras {@code mask_token}: maps to index 0. */
        public B maskToken(V token) {
            this.maskToken = token;
            return self();
        }
    }
}
