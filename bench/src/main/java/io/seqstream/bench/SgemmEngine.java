package io.seqstream.bench;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The arithmetic floor: one SGEMM of the step's shape, {@code [B, 64+H] x [64+H, 4H]} (input and recurrent
 * kernels stacked), through ND4J into a preallocated result (OpenBLAS, one thread with OMP_NUM_THREADS=1).
 * No embedding lookup, gates, Dense or softmax, and no state copies.
 */
public final class SgemmEngine implements Engine {
    private final int batch;
    private final INDArray a;
    private final INDArray w;
    private final INDArray c;

    public SgemmEngine(int units, int batch) {
        this.batch = batch;
        Nd4j.getRandom().setSeed(7);
        this.a = Nd4j.rand(DataType.FLOAT, batch, PeerModel.EMB + units).subi(0.5);
        this.w = Nd4j.rand(DataType.FLOAT, PeerModel.EMB + units, 4 * units).subi(0.5).muli(0.1);
        this.c = Nd4j.create(DataType.FLOAT, batch, 4 * units);
    }

    @Override
    public String name() {
        return "sgemm";
    }

    @Override
    public int batch() {
        return batch;
    }

    @Override
    public void step(int[] tokens) {
        Nd4j.gemm(a, w, c, false, false, 1.0, 0.0);
    }

    /** The product of the last step (for checks). */
    public INDArray result() {
        return c;
    }

    @Override
    public float[][] states() {
        return null;
    }

    @Override
    public float[][] outputs() {
        return null;
    }
}
