package io.seqstream.model.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Both kernel sets select the same top k as a full sort (largest first, lower index first on ties). */
class TopKKernelTest {
    static Stream<Kernels> kernels() {
        Kernels best = Kernels.best();
        assertThat(best).as("the Vector API kernels are available in the test JVM").isInstanceOf(VectorKernels.class);
        return Stream.of(best, new ScalarKernels());
    }

    /** The reference: sort all indices by value (descending; NaN below every number), then index. */
    static int[] bySorting(float[] v, int n, int k) {
        return IntStream.range(0, n).boxed()
                .sorted(Comparator.<Integer>comparingInt(i -> Float.isNaN(v[i]) ? 1 : 0)
                        .thenComparingDouble(i -> -v[i])
                        .thenComparingInt(i -> i))
                .limit(k).mapToInt(Integer::intValue).toArray();
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void agreesWithSortingForAnyLengthKAndTies(Kernels kernels) {
        Random rnd = new Random(7);
        for (int trial = 0; trial < 2000; trial++) {
            int n = rnd.nextInt(1100), k = 1 + rnd.nextInt(12);
            float[] v = new float[n + 5]; // values past n must be ignored
            boolean ties = rnd.nextBoolean();
            for (int i = 0; i < v.length; i++) {
                v[i] = ties ? rnd.nextInt(30) / 30f : rnd.nextFloat();
            }
            switch (rnd.nextInt(8)) {
                case 0 -> { // NaN here and there
                    for (int i = 0; i < n; i += 1 + rnd.nextInt(40)) {
                        v[i] = Float.NaN;
                    }
                }
                case 1 -> Arrays.fill(v, 0, n, 0.25f); // all equal
                case 2 -> { // mostly -infinity
                    for (int i = 0; i < n; i++) {
                        v[i] = rnd.nextInt(50) == 0 ? rnd.nextFloat() : Float.NEGATIVE_INFINITY;
                    }
                }
                default -> {
                }
            }
            if (n > 0 && rnd.nextInt(4) == 0) { // an ascending run makes every vector a candidate
                for (int i = 0; i < n; i++) {
                    v[i] = i;
                }
            }
            Arrays.fill(v, n, v.length, 1e9f);
            int[] idx = new int[k];
            int got = kernels.topK(v, n, k, idx);
            assertThat(got).as("trial %d n=%d k=%d", trial, n, k).isEqualTo(Math.min(n, k));
            assertThat(Arrays.copyOf(idx, got)).as("trial %d n=%d k=%d", trial, n, k).containsExactly(bySorting(v, n, k));
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void nanRanksBelowEveryNumber(Kernels kernels) {
        float[] v = new float[100];
        for (int i = 0; i < v.length; i++) {
            v[i] = i % 7 == 0 ? Float.NaN : i;
        }
        v[3] = Float.NaN;
        int[] idx = new int[4];
        assertThat(kernels.topK(v, 100, 4, idx)).isEqualTo(4);
        assertThat(idx).containsExactly(99, 97, 96, 95);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void zeroKOrEmptyInputSelectsNothing(Kernels kernels) {
        int[] idx = new int[2];
        assertThat(kernels.topK(new float[]{ 1f, 2f }, 2, 0, idx)).isZero();
        assertThat(kernels.topK(new float[0], 0, 2, idx)).isZero();
    }
}
