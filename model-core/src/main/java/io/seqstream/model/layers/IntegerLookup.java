package io.seqstream.model.layers;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seqstream.model.Tensor;
import java.util.List;

/**
 * Keras {@code IntegerLookup(vocabulary=..., num_oov_indices=1, output_mode="int")}: integer ids (exact in a
 * float tensor up to 2^24) to vocabulary indices.
 */
public final class IntegerLookup extends IndexLookup<Long> {
    private final long oovToken;

    private IntegerLookup(Builder b) {
        super(b, "integer_lookup");
        this.oovToken = b.oovToken;
    }

    public static Builder builder(List<Long> vocabulary) {
        return new Builder().vocabulary(vocabulary);
    }

    @Override
    public String className() {
        return "IntegerLookup";
    }

    @Override
    public LayerCall forward(List<Tensor> inputs, boolean training) {
        Tensor x = inputs.get(0);
        float[] v = x.data();
        float[] y = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] != Math.rint(v[i]))
                throw error("input " + i + " = " + v[i] + " is not a whole number");
            y[i] = lookup((long) v[i]);
        }
        return new LayerCall(inputs, List.of(Tensor.wrap(y, x.shape())), null);
    }

    @Override
    public ObjectNode getConfig() {
        ObjectNode c = super.getConfig();
        c.put("oov_token", oovToken);
        return c;
    }

    @Override
    protected void putToken(ObjectNode c, String key, Long token) {
        if (token == null)
            c.putNull(key);
        else
            c.put(key, token);
    }

    @Override
    protected void addValue(ArrayNode a, Long value) {
        a.add(value);
    }

    public static final class Builder extends IndexLookup.Builder<Long, Builder> {
        private long oovToken = -1;

        Builder() {
        }

        public Builder oovToken(long t) {
            this.oovToken = t;
            return this;
        }

        public IntegerLookup build() {
            return new IntegerLookup(this);
        }
    }
}
