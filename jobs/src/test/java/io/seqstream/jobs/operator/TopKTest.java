package io.seqstream.jobs.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TopKTest {
    @Test
    void selectsTheLargestInOrderWithLowerIndicesFirstOnTies() {
        int[] idx = new int[3];
        assertThat(TopK.select(new float[]{ 0.1f, 0.5f, 0.2f, 0.5f, 0.9f }, 5, 3, idx)).isEqualTo(3);
        assertThat(idx).containsExactly(4, 1, 3);
        assertThat(TopK.select(new float[]{ 0.3f, 0.7f }, 2, 3, idx)).isEqualTo(2);
        assertThat(Arrays.copyOf(idx, 2)).containsExactly(1, 0);
    }

    @Test
    void agreesWithSortingOnRandomInput() {
        Random rnd = new Random(1);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + rnd.nextInt(50), k = 1 + rnd.nextInt(8);
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = rnd.nextInt(20) / 20f; // ties on purpose
            }
            int[] idx = new int[k];
            int got = TopK.select(v, n, k, idx);
            int[] expected = IntStream.range(0, n).boxed()
                    .sorted(Comparator.<Integer>comparingDouble(i -> -v[i]).thenComparingInt(i -> i))
                    .limit(k).mapToInt(Integer::intValue).toArray();
            assertThat(Arrays.copyOf(idx, got)).containsExactly(expected);
        }
    }
}
