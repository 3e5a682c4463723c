package io.seqstream.model;

import io.seqstream.model.layers.InputLayer;
import io.seqstream.model.layers.Layer;
import java.util.ArrayList;
import java.util.List;

/** Renders Keras' {@code model.summary()} table. */
public final class ModelSummary {
    private ModelSummary() {
    }

    public static String render(Model m) {
        boolean functional = !(m instanceof Sequential);
        int[] cols = functional ? new int[]{ 29, 26, 10, 33 } : new int[]{ 28, 26, 11 };
        int width = 0;
        for (int c : cols)
            width += c;
        String thin = "_".repeat(width) + "\n";
        String thick = "=".repeat(width) + "\n";
        StringBuilder sb = new StringBuilder();
        sb.append("Model: \"").append(m.name()).append("\"\n").append(thin);
        sb.append(row(cols, functional
                ? new String[]{ "Layer (type)", "Output Shape", "Param #", "Connected to" }
                : new String[]{ "Layer (type)", "Output Shape", "Param #" }));
        sb.append(thick);
        List<KerasTensor.Node> nodes = m.nodes();
        List<Layer> rows = new ArrayList<>();
        for (KerasTensor.Node n : nodes) {
            if (!rows.contains(n.layer()) && (functional || !(n.layer() instanceof InputLayer)))
                rows.add(n.layer());
        }
        boolean first = true;
        for (Layer l : rows) {
            if (!first && functional)
                sb.append("\n");
            first = false;
            KerasTensor.Node node0 = null;
            List<String> conns = new ArrayList<>();
            for (KerasTensor.Node n : nodes) {
                if (n.layer() != l)
                    continue;
                if (node0 == null)
                    node0 = n;
                for (KerasTensor t : n.inputs())
                    conns.add(t.node().layer().name() + "[" + t.node().nodeIndex() + "][" + t.index() + "]");
            }
            String shape = outputShape(node0);
            String params = String.format("%,d", l.countParams());
            if (functional) {
                sb.append(row(cols,
                        new String[]{ l.name() + " (" + l.className() + ")", shape, params, conns.isEmpty() ? "[]" : conns.get(0) }));
                for (int i = 1; i < conns.size(); i++)
                    sb.append(row(cols, new String[]{ "", "", "", conns.get(i) }));
            } else {
                sb.append(row(cols, new String[]{ l.name() + " (" + l.className() + ")", shape, params }));
            }
        }
        long total = m.countParams();
        sb.append(thick);
        sb.append(String.format("Total params: %,d%n", total));
        sb.append(String.format("Trainable params: %,d%n", total));
        sb.append("Non-trainable params: 0\n").append(thin);
        return sb.toString();
    }

    private static String outputShape(KerasTensor.Node n) {
        List<KerasTensor> outs = n.outputs();
        if (outs.size() == 1)
            return Tensor.shapeString(outs.get(0).shape());
        List<String> s = new ArrayList<>();
        for (KerasTensor t : outs)
            s.add(Tensor.shapeString(t.shape()));
        return "[" + String.join(", ", s) + "]";
    }

    private static String row(int[] cols, String[] vals) {
        StringBuilder sb = new StringBuilder(" ");
        for (int i = 0; i < cols.length; i++) {
            String v = vals[i];
            int w = cols[i] - (i == 0 ? 1 : 0);
            if (v.length() >= w)
                v = v.substring(0, Math.max(0, w - 1));
            sb.append(v).append(" ".repeat(Math.max(0, w - v.length())));
        }
        return sb.toString().stripTrailing() + "\n";
    }
}
