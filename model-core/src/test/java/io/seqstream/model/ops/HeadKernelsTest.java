package io.seqstream.model.ops;

import static io.seqstream.model.ops.LstmGateKernelsTest.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The head's kernels of the Vector API set against the scalar ones: narrow Dense rows (units in blocks of four and
 * alone, inputs past the last whole vector) and softmax rows of every width around the vector length (the last
 * partial vector goes through the vector exp), with -inf logits.
 */
class HeadKernelsTest {
    @ParameterizedTest(name = "units={0}")
    @ValueSource(ints = { 1, 3, 4, 5, 8, 10, 13 })
    void denseRowsEqualScalar(int units) {
        Kernels v = Kernels.best(), s = new ScalarKernels();
        int l = VectorKernels.lanes(), n = 3;
        for (int in : new int[]{ l - 1, 2 * l, 2 * l + 3 }) {
            Random rnd = new Random(units * 31L + in);
            float[] x = PanelKernelsTest.gaussian(rnd, n * (in + 2)), wT = PanelKernelsTest.gaussian(rnd, units * in),
                    bias = PanelKernelsTest.gaussian(rnd, units);
            float[][] out = new float[2][n * units];
            v.denseRows(x, in + 2, n, in, wT, bias, out[0], units);
            s.denseRows(x, in + 2, n, in, wT, bias, out[1], units);
            assertClose(out[0], out[1], "dense " + in + " -> " + units);
        }
    }

    @ParameterizedTest(name = "width={0}")
    @ValueSource(ints = { 1, 3, 7, 10, 15, 16, 17, 29, 40 })
    void softmaxRowsEqualScalar(int width) {
        Kernels v = Kernels.best(), s = new ScalarKernels();
        int n = 3, stride = width + 3;
        Random rnd = new Random(width);
        float[] x = PanelKernelsTest.gaussian(rnd, n * stride);
        for (int i = 0; i < x.length; i++)
            x[i] *= 6;
        if (width > 1)
            x[stride + width - 1] = Float.NEGATIVE_INFINITY; // a masked class, in the tail of the second row
        float[][] y = { x.clone(), x.clone() };
        v.softmaxRows(y[0], n, stride, width);
        s.softmaxRows(y[1], n, stride, width);
        assertClose(y[0], y[1], "softmax width " + width);
        for (int r = 0; r < n; r++) {
            double sum = 0;
            for (int j = 0; j < width; j++)
                sum += y[0][r * stride + j];
            assertThat(sum).as("row %d sums to 1", r).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        }
        if (width > 1)
            assertThat(y[0][stride + width - 1]).as("exp(-inf) is 0").isZero();
    }
}
