package io.seqstream.model.keras;

import io.jhdf.api.WritableGroup;
import io.seqstream.model.Tensor;

/** Tensors as HDF5 datasets of their own shape (jhdf writes Java arrays of the matching rank). */
final class Hdf5Writer {
    private Hdf5Writer() {
    }

    static void put(WritableGroup g, String name, Tensor t) {
        g.putDataset(name, array(t));
    }

    static Object array(Tensor t) {
        float[] d = t.data();
        int[] s = t.shape();
        return switch (s.length) {
            case 0 -> d[0];
            case 1 -> d.clone();
            case 2 -> rows(d, 0, s[0], s[1]);
            case 3 -> {
                float[][][] r = new float[s[0]][][];
                for (int i = 0; i < s[0]; i++)
                    r[i] = rows(d, i * s[1] * s[2], s[1], s[2]);
                yield r;
            }
            default -> throw new IllegalArgumentException("cannot write a weight of rank " + s.length + " " + t.shapeString());
        };
    }

    private static float[][] rows(float[] d, int off, int n, int m) {
        float[][] r = new float[n][m];
        for (int i = 0; i < n; i++)
            System.arraycopy(d, off + i * m, r[i], 0, m);
        return r;
    }
}
