package io.seqstream.jobs.operator;

/** Indices of the k largest values, largest first; on ties the lower index wins. No allocation. */
public final class TopK {
    private TopK() {
    }

    /** Writes the indices of the {@code k} largest of {@code values[0..n)} into {@code idx[0..k)}; returns how many (min(k, n)). */
    public static int select(float[] values, int n, int k, int[] idx) {
        int count = 0;
        for (int i = 0; i < n; i++) {
            float v = values[i];
            if (count == k && !(v > values[idx[count - 1]])) {
                continue;
            }
            int pos = count < k ? count++ : k - 1; // the slot the new index will fill before moving up
            while (pos > 0 && v > values[idx[pos - 1]]) {
                idx[pos] = idx[pos - 1];
                pos--;
            }
            idx[pos] = i;
        }
        return count;
    }
}
