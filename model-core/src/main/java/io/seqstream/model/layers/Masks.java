package io.seqstream.model.layers;

/**
 * Keras masks: one value per (batch row, time step), 1 = keep, 0 = masked, stored [B, T] row-major.
 * A recurrent layer skips a masked step: the state (and so the output) stays what it was before it.
 */
final class Masks {
    private Masks() {
    }

    /** For each masked row b of step t, copies state row b from {@code s[prevOff..]} to {@code s[nextOff..]}. */
    static void carry(float[] mask, int t, int time, int batch, int u, float[] s, int prevOff, int nextOff) {
        for (int b = 0; b < batch; b++) {
            if (mask[b * time + t] == 0f)
                System.arraycopy(s, prevOff + b * u, s, nextOff + b * u, u);
        }
    }

    static boolean masked(float[] mask, int b, int t, int time) {
        return mask != null && mask[b * time + t] == 0f;
    }

    /** The mask in processing order of a go_backwards layer. */
    static float[] reverse(float[] mask, int batch, int time) {
        float[] r = new float[mask.length];
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < time; t++)
                r[b * time + time - 1 - t] = mask[b * time + t];
        return r;
    }
}
