package io.seqstream.model.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

/**
 * The kernels' own exp, sigmoid and tanh passes against {@link Math} over the whole float range that matters, its edges
 * and the special values, at the vector width this JVM runs (the parity runs repeat it at 256 and 128 bits).
 */
class VectorMathTest {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    @Test
    void expIsWithinAFewUlpsAndKeepsItsLimits() {
        float[] x = inputs();
        float[] y = map(x, (in, out) -> VectorKernels.expInto(in, 0, 1f, 0f, out, 0, in.length));
        for (int i = 0; i < x.length; i++) {
            double want = Math.exp(x[i]);
            if (Float.isNaN(x[i])) {
                assertThat(y[i]).as("exp(NaN)").isNaN();
            } else if (x[i] < -86.5f) {
                assertThat(y[i]).as("exp(%s) underflows to 0", x[i]).isZero();
            } else if (x[i] > 88.7228f) {
                assertThat(y[i]).as("exp(%s) overflows", x[i]).isEqualTo(Float.POSITIVE_INFINITY);
            } else {
                assertThat(Math.abs(y[i] - want) / want).as("relative error of exp(%s) = %s, want %s", x[i], y[i], want).isLessThan(3e-7);
            }
        }
    }

    @Test
    void sigmoidAndTanhAreWithinAFewTenMillionthsAndSaturateExactly() {
        float[] x = inputs();
        float[] s = map(x, (in, out) -> VectorKernels.sigmoidInto(in, 0, out, 0, in.length));
        float[] t = map(x, (in, out) -> VectorKernels.tanhInto(in, 0, out, 0, in.length));
        for (int i = 0; i < x.length; i++) {
            if (Float.isNaN(x[i])) {
                assertThat(s[i]).isNaN();
                assertThat(t[i]).isNaN();
                continue;
            }
            double sig = 1 / (1 + Math.exp(-x[i]));
            assertThat((double) s[i]).as("sigmoid(%s)", x[i]).isCloseTo(sig, org.assertj.core.data.Offset.offset(1.2e-7 + 3e-7 * sig));
            assertThat((double) t[i]).as("tanh(%s)", x[i]).isCloseTo(Math.tanh(x[i]), org.assertj.core.data.Offset.offset(2.5e-7));
            assertThat(s[i]).as("sigmoid(%s) in [0, 1]", x[i]).isBetween(0f, 1f);
            assertThat(t[i]).as("tanh(%s) in [-1, 1]", x[i]).isBetween(-1f, 1f);
        }
        assertThat(map(new float[]{ Float.POSITIVE_INFINITY, 50f, -50f, Float.NEGATIVE_INFINITY },
                (in, out) -> VectorKernels.tanhInto(in, 0, out, 0, in.length))).containsExactly(1f,
                        1f, -1f,
                        -1f);
        assertThat(map(new float[]{ Float.POSITIVE_INFINITY, 100f, Float.NEGATIVE_INFINITY },
                (in, out) -> VectorKernels.sigmoidInto(in, 0, out, 0, in.length)))
                .containsExactly(1f,
                        1f, 0f);
    }

    @Test
    void theArrayPassesTheKernelsUseComputeTheSame() {
        float[] x = inputs();
        int whole = x.length - x.length % S.length();
        float[] e = new float[whole], sig = new float[whole], t = x.clone();
        VectorKernels.expInto(x, 0, 1f, 0f, e, 0, whole);
        VectorKernels.sigmoidInto(x, 0, sig, 0, whole);
        VectorKernels.tanhInto(t, 0, t, 0, whole); // in place, as the gates use it
        float[] shifted = new float[whole];
        VectorKernels.expInto(x, 0, 1f, -3f, shifted, 0, whole); // the softmax's exp(x - max)
        for (int i = 0; i < whole; i++) {
            double ex = Math.exp(x[i]);
            if (Float.isNaN(x[i])) {
                assertThat(e[i]).isNaN();
                assertThat(sig[i]).isNaN();
                assertThat(t[i]).isNaN();
                continue;
            }
            if (x[i] >= -86.5f && x[i] <= 88.7228f)
                assertThat(Math.abs(e[i] - ex) / ex).as("expInto(%s)", x[i]).isLessThan(3e-7);
            double sh = Math.exp(x[i] - 3.0);
            if (x[i] - 3f >= -86.5f && x[i] - 3f <= 88.7228f)
                assertThat(Math.abs(shifted[i] - sh) / sh).as("expInto(%s - 3)", x[i]).isLessThan(3e-7);
            double want = 1 / (1 + Math.exp(-x[i]));
            assertThat((double) sig[i]).as("sigmoidInto(%s)", x[i]).isCloseTo(want,
                    org.assertj.core.data.Offset.offset(1.2e-7 + 3e-7 * want));
            assertThat((double) t[i]).as("tanhInto(%s)", x[i]).isCloseTo(Math.tanh(x[i]), org.assertj.core.data.Offset.offset(2.5e-7));
        }
    }

    /** Every 1/4096 from -100 to 100, the edges of exp's range and its neighbours, and the special values. */
    private static float[] inputs() {
        List<Float> xs = new ArrayList<>();
        for (int i = -409_600; i <= 409_600; i++)
            xs.add(i / 4096f);
        for (float edge : new float[]{ -86.5f, 88.7228f, -87.33655f, 88.72283f, 0f, -0f, 1e-30f, -1e-30f, Float.MIN_VALUE }) {
            xs.add(edge);
            xs.add(Math.nextUp(edge));
            xs.add(Math.nextDown(edge));
        }
        for (float special : new float[]{ Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE, -Float.MAX_VALUE })
            xs.add(special);
        float[] x = new float[xs.size()];
        for (int i = 0; i < x.length; i++)
            x[i] = xs.get(i);
        return x;
    }

    /** {@code pass} over {@code x} padded to whole vectors (with zeros), cut back to x's length. */
    private static float[] map(float[] x, java.util.function.BiConsumer<float[], float[]> pass) {
        int l = S.length();
        float[] padded = java.util.Arrays.copyOf(x, (x.length + l - 1) / l * l);
        float[] y = new float[padded.length];
        pass.accept(padded, y);
        return java.util.Arrays.copyOf(y, x.length);
    }
}
