package io.seqstream.model.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every micro-kernel shape of the packed panel product against the scalar product, at the species width this
 * JVM runs (the build runs this class at native, 256-bit and 128-bit width): batch sizes that hit every row
 * tail, inner dimensions below, at and past an inner block, columns past the last whole panel.
 */
class PanelKernelsTest {
    static java.util.stream.Stream<String> shapes() {
        return Blocking.SHAPES.stream().sorted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void everyShapeComputesTheScalarProduct(String shape) {
        Random rnd = new Random(shape.hashCode());
        int lanes = VectorKernels.lanes();
        Blocking bl = Blocking.parse(shape, lanes);
        for (int kc : new int[]{ bl.kc(), 5 }) { // the chosen inner block, and a small one so k spans several blocks
            VectorKernels vk = VectorKernels.withBlocking(new Blocking(bl.rows(), bl.vectors(), kc));
            ScalarKernels sk = new ScalarKernels();
            for (int n : new int[]{ 1, 2, 3, 5, 6, 7, 9, 13, 17, 64 }) {
                for (int k : new int[]{ 1, 7, 33, 130 }) {
                    int cols = bl.vectors() * lanes + 3; // one whole panel and a padded one
                    float[] w = gaussian(rnd, k * cols);
                    int lda = k + 2;
                    float[] a = gaussian(rnd, 1 + n * lda); // offset 1 into a, row stride > k
                    PackedMatrix pv = new PackedMatrix(w, k, cols, vk.panelWidth());
                    PackedMatrix ps = new PackedMatrix(w, k, cols, sk.panelWidth());
                    float[] zv = gaussian(new Random(n * 31L + k), 2 + n * pv.paddedCols());
                    float[] zs = new float[n * ps.paddedCols()];
                    for (int r = 0; r < n; r++)
                        System.arraycopy(zv, 2 + r * pv.paddedCols(), zs, r * ps.paddedCols(), cols);
                    vk.gemmAcc(a, 1, lda, n, pv, zv, 2, pv.paddedCols());
                    sk.gemmAcc(a, 1, lda, n, ps, zs, 0, ps.paddedCols());
                    for (int r = 0; r < n; r++) {
                        for (int j = 0; j < cols; j++) {
                            assertThat((double) zv[2 + r * pv.paddedCols() + j])
                                    .as("%s kc=%d n=%d k=%d row %d col %d", shape, kc, n, k, r, j)
                                    .isCloseTo(zs[r * ps.paddedCols() + j], org.assertj.core.data.Offset.offset(1e-4 * Math.sqrt(k)));
                        }
                    }
                }
            }
        }
    }

    @Test
    void blockingFollowsTheRegisterCount() {
        int lanes = VectorKernels.lanes();
        Blocking wide = Blocking.forRegisters(lanes, 32), narrow = Blocking.forRegisters(lanes, 16);
        assertThat(wide.accumulators() + wide.vectors() + 1).as("accumulators + panel row + broadcast fit 32 registers")
                .isLessThanOrEqualTo(32);
        assertThat(narrow.accumulators() + narrow.vectors() + 1).as("accumulators + panel row + broadcast fit 16 registers")
                .isLessThanOrEqualTo(16);
        assertThat(wide.toString()).startsWith("6x4:");
        assertThat(narrow.toString()).startsWith("4x3:");
        // the panel slice of one inner block stays within 32 KiB (an L1), a power of two in [32, 512] steps
        assertThat(Blocking.forRegisters(16, 32).kc()).isEqualTo(128);
        assertThat(Blocking.forRegisters(8, 16).kc()).isEqualTo(256);
        assertThat(Blocking.forRegisters(4, 32).kc()).isEqualTo(512);
        assertThat(Blocking.forRegisters(4, 16).kc()).isEqualTo(512);
    }

    @Test
    void theChosenKernelsMatchThisJvm() {
        Kernels best = Kernels.best();
        assertThat(best).isInstanceOf(VectorKernels.class);
        Blocking chosen = ((VectorKernels) best).blocking();
        String forced = System.getProperty("seqstream.kernels.blocking");
        if (forced != null) {
            assertThat(chosen).isEqualTo(Blocking.parse(forced, VectorKernels.lanes()));
        } else {
            assertThat(chosen).isEqualTo(Blocking.forRegisters(VectorKernels.lanes(), Blocking.vectorRegisters()));
        }
        assertThat(best.panelWidth()).isEqualTo(chosen.vectors() * VectorKernels.lanes());
        // the build's extra executions pin the width: -Dexpect.vector.bits=256 with -XX:UseAVX=2, 128 with -XX:MaxVectorSize=16
        Integer bits = Integer.getInteger("expect.vector.bits");
        if (bits != null)
            assertThat(VectorKernels.lanes() * 32).as("species width in bits").isEqualTo(bits);
        if (Integer.valueOf(256).equals(bits))
            assertThat(Blocking.vectorRegisters()).as("AVX2 has 16 vector registers").isEqualTo(16);
    }

    @Test
    void overridesAreCheckedAndNamed() {
        assertThat(Blocking.parse("6x2:100", 8)).isEqualTo(new Blocking(6, 2, 100));
        assertThat(Blocking.parse("8x3", 16).kc()).isEqualTo(Blocking.innerBlock(16, 3));
        assertThatThrownBy(() -> Blocking.parse("5x5", 8)).hasMessageContaining("seqstream.kernels.blocking='5x5'")
                .hasRootCauseMessage("no micro-kernel of 5 rows x 5 vectors; shapes: " + Blocking.SHAPES);
        assertThatThrownBy(() -> Blocking.parse("six", 8)).hasMessageContaining("expected RxV or RxV:KC");
        VectorKernels vk = VectorKernels.withBlocking(new Blocking(6, 4, 64));
        PackedMatrix wrong = new PackedMatrix(new float[8 * 8], 8, 8, 3);
        assertThatThrownBy(() -> vk.gemmAcc(new float[8], 0, 8, 1, wrong, new float[9], 0, 9))
                .hasMessageContaining("panels of 3 floats");
    }

    static float[] gaussian(Random rnd, int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++)
            f[i] = (float) rnd.nextGaussian();
        return f;
    }
}
