package io.seqstream.model;

import java.util.Arrays;

/**
 * A dense float tensor in row-major (C) order; the first axis is the batch.
 *
 * <p>Treated as immutable: layers never write into a tensor they received. {@link #wrap} shares the
 * array without copying (the caller promises not to modify it afterwards); {@link #of} copies.
 * Integer inputs (token ids) are carried as floats holding whole numbers, as Keras does after casting.
 */
public final class Tensor {
    private final int[] shape;
    private final float[] data;

    private Tensor(int[] shape, float[] data) {
        this.shape = shape;
        this.data = data;
    }

    /** A tensor over a copy of {@code data}. */
    public static Tensor of(float[] data, int... shape) {
        return wrap(data.clone(), shape);
    }

    /** A tensor over {@code data} itself, without a copy. */
    public static Tensor wrap(float[] data, int... shape) {
        long n = size(shape);
        if (n != data.length) {
            throw new IllegalArgumentException("data has " + data.length + " values but shape "
                    + Arrays.toString(shape) + " needs " + n);
        }
        return new Tensor(shape.clone(), data);
    }

    public static Tensor zeros(int... shape) {
        return new Tensor(shape.clone(), new float[Math.toIntExact(size(shape))]);
    }

    /** Token ids as a tensor of shape (batch, time). */
    public static Tensor ofTokens(int[][] ids) {
        int b = ids.length;
        int t = b == 0 ? 0 : ids[0].length;
        float[] d = new float[b * t];
        for (int i = 0; i < b; i++) {
            if (ids[i].length != t) {
                throw new IllegalArgumentException("ragged token array: row 0 has " + t + " ids, row " + i
                        + " has " + ids[i].length);
            }
            for (int j = 0; j < t; j++)
                d[i * t + j] = ids[i][j];
        }
        return new Tensor(new int[]{ b, t }, d);
    }

    /** 2-D tensor from rows. */
    public static Tensor ofRows(float[][] rows) {
        int b = rows.length;
        int n = b == 0 ? 0 : rows[0].length;
        float[] d = new float[b * n];
        for (int i = 0; i < b; i++) {
            if (rows[i].length != n)
                throw new IllegalArgumentException("ragged rows: row 0 has " + n + ", row " + i + " has " + rows[i].length);
            System.arraycopy(rows[i], 0, d, i * n, n);
        }
        return new Tensor(new int[]{ b, n }, d);
    }

    public static long size(int[] shape) {
        long n = 1;
        for (int s : shape) {
            if (s < 0)
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            n *= s;
        }
        return n;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int axis) {
        return shape[axis < 0 ? shape.length + axis : axis];
    }

    public int size() {
        return data.length;
    }

    /** The backing array, for kernels; do not modify. */
    public float[] data() {
        return data;
    }

    /** A copy of the values. */
    public float[] toArray() {
        return data.clone();
    }

    public float get(int... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("index of rank " + index.length + " for tensor of shape " + Arrays.toString(shape));
        }
        int off = 0;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " outside shape " + Arrays.toString(shape));
            }
            off = off * shape[i] + index[i];
        }
        return data[off];
    }

    /** Same values, another shape of the same size. */
    public Tensor reshape(int... newShape) {
        return wrap(data, newShape);
    }

    /** Rows [from, to) along the batch axis, copied. */
    public Tensor sliceBatch(int from, int to) {
        int row = shape.length == 0 ? 1 : data.length / Math.max(1, shape[0]);
        int[] s = shape.clone();
        s[0] = to - from;
        return new Tensor(s, Arrays.copyOfRange(data, from * row, to * row));
    }

    /** Selected rows along the batch axis, copied, in the given order. */
    public Tensor gatherBatch(int[] rows) {
        int row = data.length / Math.max(1, shape[0]);
        int[] s = shape.clone();
        s[0] = rows.length;
        float[] d = new float[rows.length * row];
        for (int i = 0; i < rows.length; i++)
            System.arraycopy(data, rows[i] * row, d, i * row, row);
        return new Tensor(s, d);
    }

    public String shapeString() {
        return shapeString(shape);
    }

    public static String shapeString(int[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0)
                sb.append(", ");
            sb.append(shape[i] < 0 ? "None" : Integer.toString(shape[i]));
        }
        if (shape.length == 1)
            sb.append(',');
        return sb.append(')').toString();
    }

    @Override
    public String toString() {
        return "Tensor" + shapeString() + (data.length <= 16 ? Arrays.toString(data) : "");
    }
}
