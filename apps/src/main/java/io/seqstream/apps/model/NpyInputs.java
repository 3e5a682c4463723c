package io.seqstream.apps.model;

import io.seqstream.model.Model;
import io.seqstream.model.Tensor;
import io.seqstream.model.io.Npy;
import io.seqstream.model.layers.InputLayer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code model predict} inputs as {@code .npy} files, one per model input, in input order. */
final class NpyInputs {
    private NpyInputs() {
    }

    static List<Tensor> read(List<Path> files, Model model) {
        if (files.size() != model.inputs().size()) {
            throw new UserException("model '" + model.name() + "' has " + model.inputs().size() + " input(s) "
                    + model.inputs().stream().map(t -> t.node().layer().name()).toList() + "; give one .npy file per input, got "
                    + files.size());
        }
        List<Tensor> xs = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            InputLayer in = (InputLayer) model.inputs().get(i).node().layer();
            Npy n;
            try {
                n = Npy.read(f);
            } catch (IOException e) {
                throw new UserException(f + ": " + e.getMessage());
            }
            Tensor t;
            try {
                if (n.dtype() == Npy.DType.FLOAT32) {
                    t = n.toTensor();
                } else {
                    long[] v = n.longs();
                    float[] d = new float[v.length];
                    for (int k = 0; k < v.length; k++)
                        d[k] = v[k];
                    t = Tensor.wrap(d, n.shape());
                }
            } catch (IOException e) {
                throw new UserException(f + ": " + e.getMessage());
            }
            int[] expected = in.batchShape();
            boolean ok = t.rank() == expected.length;
            for (int d = 1; ok && d < expected.length; d++)
                ok = expected[d] < 0 || expected[d] == t.dim(d);
            if (!ok) {
                throw new UserException(
                        f + ": shape " + t.shapeString() + " does not fit input '" + in.name() + "' " + Tensor.shapeString(expected));
            }
            xs.add(t);
        }
        return xs;
    }
}
