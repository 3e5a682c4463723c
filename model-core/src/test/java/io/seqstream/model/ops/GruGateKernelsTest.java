package io.seqstream.model.ops;

import static io.seqstream.model.ops.LstmGateKernelsTest.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The GRU step's gate routines of the Vector API kernels against the scalar ones, both GRU forms, for each activation
 * pair Keras allows, with units past the last whole vector (the scalar tail) and padded row strides.
 */
class GruGateKernelsTest {
    @ParameterizedTest(name = "{0}/{1}")
    @CsvSource({ "TANH, SIGMOID", "RELU, HARD_SIGMOID", "LINEAR, HARD_SIGMOID_KERAS3", "SIGMOID, TANH" })
    void vectorGatesEqualScalarGates(ActivationFunction act, ActivationFunction rec) {
        Kernels v = Kernels.best(), s = new ScalarKernels();
        assertThat(v).isInstanceOf(VectorKernels.class);
        int u = 2 * VectorKernels.lanes() + 3, n = 3, g = 3 * u + 5, gRec = 2 * u + 7, gRecH = u + 1;
        Random rnd = new Random(act.ordinal() * 7L + rec.ordinal());
        float[] x = PanelKernelsTest.gaussian(rnd, n * g), recAll = PanelKernelsTest.gaussian(rnd, n * g);
        float[] h0 = PanelKernelsTest.gaussian(rnd, n * u);
        Kernels[] ks = { v, s };

        float[][] h = { h0.clone(), h0.clone() };
        for (int i = 0; i < 2; i++)
            ks[i].gruGatesResetAfter(x.clone(), recAll, g, h[i], n, u, act, rec); // x is scratch afterwards
        assertClose(h[0], h[1], "h (reset_after)");
        assertThat(h[1]).as("reset_after changed h").isNotEqualTo(h0);

        float[] recZr = PanelKernelsTest.gaussian(rnd, n * gRec), recH = PanelKernelsTest.gaussian(rnd, n * gRecH);
        float[][] xs = { x.clone(), x.clone() }, rh = new float[2][n * u], h2 = { h0.clone(), h0.clone() };
        float[][] zPre = new float[2][n * u];
        for (int i = 0; i < 2; i++) {
            ks[i].gruResetGate(xs[i], g, recZr, gRec, h2[i], rh[i], n, u, rec);
            for (int r = 0; r < n; r++) // the update gate's pre-activation, which gruUpdate reads
                System.arraycopy(xs[i], r * g, zPre[i], r * u, u);
            ks[i].gruUpdate(xs[i], g, recH, gRecH, h2[i], n, u, act, rec);
        }
        assertClose(rh[0], rh[1], "r * h");
        assertClose(zPre[0], zPre[1], "x_z with the update gate completed");
        assertClose(h2[0], h2[1], "h (reset before)");
        assertThat(rh[1]).as("reset gate written").isNotEqualTo(new float[n * u]);
        assertThat(h2[1]).as("reset before changed h").isNotEqualTo(h0);
    }
}
