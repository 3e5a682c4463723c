package io.seqstream.model.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The gate routines of the Vector API kernels (inference, and training's forward with kept values and backward)
 * against the scalar ones, for each activation pair Keras allows, with units past the last whole vector (the scalar tail).
 */
class LstmGateKernelsTest {
    @ParameterizedTest(name = "{0}/{1}")
    @CsvSource({ "TANH, SIGMOID", "RELU, HARD_SIGMOID", "LINEAR, HARD_SIGMOID_KERAS3", "SIGMOID, TANH" })
    void vectorGatesEqualScalarGates(ActivationFunction act, ActivationFunction rec) {
        Kernels v = Kernels.best(), s = new ScalarKernels();
        assertThat(v).isInstanceOf(VectorKernels.class);
        int u = 2 * VectorKernels.lanes() + 3, n = 3, g = 4 * u;
        Random rnd = new Random(act.ordinal() * 7L + rec.ordinal());
        float[] z = PanelKernelsTest.gaussian(rnd, 1 + n * g);
        float[] c = PanelKernelsTest.gaussian(rnd, 2 * n * u + 5); // c_prev at 5, c_next after it
        float[][] gates = new float[2][1 + n * g], actC = new float[2][n * u + 2], h = new float[2][n * u + 4],
                cs = { c.clone(), c.clone() };
        Kernels[] ks = { v, s };
        for (int i = 0; i < 2; i++)
            ks[i].lstmGatesForward(z, 1, cs[i], 5, 5 + n * u, h[i], 4, gates[i], actC[i], 2, n, u, act, rec);
        assertClose(h[0], h[1], "h");
        assertClose(cs[0], cs[1], "c");
        assertClose(gates[0], gates[1], "gates");
        assertClose(actC[0], actC[1], "act(c)");
        float[] dh = PanelKernelsTest.gaussian(rnd, n * u), dc = PanelKernelsTest.gaussian(rnd, n * u);
        float[][] dcs = { dc.clone(), dc.clone() }, dz = new float[2][1 + n * g];
        for (int i = 0; i < 2; i++)
            ks[i].lstmGatesBackward(z, gates[1], 1, cs[1], 5, 5 + n * u, actC[1], 2, dh, dcs[i], dz[i], n, u, act, rec);
        assertClose(dz[0], dz[1], "dz");
        assertClose(dcs[0], dcs[1], "dc_prev");
        assertThat(dz[1]).as("backward wrote gradients").isNotEqualTo(new float[1 + n * g]);
    }

    @ParameterizedTest(name = "{0}/{1}")
    @CsvSource({ "TANH, SIGMOID", "RELU, HARD_SIGMOID", "LINEAR, HARD_SIGMOID_KERAS3", "SIGMOID, TANH" })
    void vectorInferenceGatesEqualScalarGates(ActivationFunction act, ActivationFunction rec) {
        Kernels v = Kernels.best(), s = new ScalarKernels();
        int u = 2 * VectorKernels.lanes() + 3, n = 3, ldz = 4 * u + 5; // padded rows, as the stepper's gate buffer
        Random rnd = new Random(31L * act.ordinal() + rec.ordinal());
        float[] z = PanelKernelsTest.gaussian(rnd, n * ldz);
        for (int i = 0; i < z.length; i += 7)
            z[i] *= 30; // saturated gates too
        float[] c = PanelKernelsTest.gaussian(rnd, n * u);
        float[][] zs = { z.clone(), z.clone() }, cs = { c.clone(), c.clone() }, h = new float[2][n * u];
        Kernels[] ks = { v, s };
        for (int i = 0; i < 2; i++)
            ks[i].lstmGates(zs[i], ldz, cs[i], h[i], n, u, act, rec);
        assertClose(h[0], h[1], "h");
        assertClose(cs[0], cs[1], "c");
        assertThat(h[1]).as("the step wrote h").isNotEqualTo(new float[n * u]);
    }

    static void assertClose(float[] a, float[] b, String what) {
        for (int i = 0; i < a.length; i++) {
            assertThat((double) a[i]).as("%s[%d]", what, i).isCloseTo(b[i],
                    org.assertj.core.data.Offset.offset(2e-6 * Math.max(1, Math.abs(b[i]))));
        }
    }
}
