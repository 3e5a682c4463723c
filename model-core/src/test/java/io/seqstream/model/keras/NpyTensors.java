package io.seqstream.model.keras;

import io.seqstream.model.Tensor;
import io.seqstream.model.io.Npy;
import java.io.IOException;
import java.nio.file.Path;

/** A {@code .npy} file as a float tensor: float32 as is, int32/int64 token ids as whole floats (how Tensor carries ids). */
public final class NpyTensors {
    private NpyTensors() {
    }

    public static Tensor read(Path file) throws IOException {
        Npy n = Npy.read(file);
        if (n.dtype() == Npy.DType.FLOAT32)
            return n.toTensor();
        long[] v = n.longs();
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++)
            f[i] = v[i];
        return Tensor.wrap(f, n.shape());
    }
}
