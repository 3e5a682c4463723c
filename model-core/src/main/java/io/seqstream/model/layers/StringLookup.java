package io.seqstream.model.layers;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seqstream.model.Tensor;
import java.util.List;

/**
 * Keras {@code StringLookup(vocabulary=..., num_oov_indices=1, output_mode="int")}. Tensors carry numbers only,
 * so strings are looked up where they enter the model: {@link #encode} (or {@code Model.encodeStrings}) turns
 * rows of strings into a tensor of indices, which this layer then passes on after checking their range.
 */
public final class StringLookup extends IndexLookup<String> {
    private final String oovToken;

    private StringLookup(Builder b) {
        super(b, "string_lookup");
        this.oovToken = b.oovToken;
    }

    public static Builder builder(List<String> vocabulary) {
        return new Builder().vocabulary(vocabulary);
    }

    @Override
    public String className() {
        return "StringLookup";
    }

    /** Rows of strings (batch, time) as the tensor of their indices. */
    public Tensor encode(String[][] rows) {
        int b = rows.length, t = b == 0 ? 0 : rows[0].length;
        float[] ids = new float[b * t];
        for (int i = 0; i < b; i++) {
            if (rows[i].length != t)
                throw error("ragged string rows: row 0 has " + t + " values, row " + i + " has " + rows[i].length);
            for (int j = 0; j < t; j++)
                ids[i * t + j] = lookup(rows[i][j]);
        }
        return Tensor.wrap(ids, b, t);
    }

    @Override
    public LayerCall forward(List<Tensor> inputs, boolean training) {
        float[] ids = inputs.get(0).data();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] != (int) ids[i] || ids[i] < 0 || ids[i] >= vocabularySize()) {
                throw error("input " + i + " = " + ids[i] + " is not a string index in [0, " + vocabularySize()
                        + "): encode strings with StringLookup.encode / Model.encodeStrings first");
            }
        }
        return new LayerCall(inputs, List.of(inputs.get(0)), null);
    }

    @Override
    public ObjectNode getConfig() {
        ObjectNode c = super.getConfig();
        c.put("oov_token", oovToken);
        c.put("encoding", "utf-8");
        return c;
    }

    @Override
    protected void putToken(ObjectNode c, String key, String token) {
        if (token == null)
            c.putNull(key);
        else
            c.put(key, token);
    }

    @Override
    protected void addValue(ArrayNode a, String value) {
        a.add(value);
    }

    public static final class Builder extends IndexLookup.Builder<String, Builder> {
        private String oovToken = "[UNK]";

        Builder() {
        }

        public Builder oovToken(String t) {
            this.oovToken = t;
            return this;
        }

        public StringLookup build() {
            return new StringLookup(this);
        }
    }
}
