package io.seqstream.testkit;

import java.util.Random;

/**
 * A synthetic, learnable event stream: each key runs sessions of "event types" (tokens).
 *
 * <p>A session starts with an intent token ({@code 0..INTENTS-1}), walks a Markov chain of action tokens
 * whose transitions depend on that intent, and ends with the intent's own end token. Two things make it a
 * sequence problem rather than a bigram table: the next action depends on the current action <em>and</em>
 * on the intent seen up to 30 events earlier, and the end token can only be predicted by remembering
 * the intent. An LSTM learns both; a model without memory cannot.
 *
 * <p>Deterministic for a seed; one instance per thread.
 */
public final class SessionGenerator {
    public static final int INTENTS = 4;
    public static final int ACTIONS = 32;
    /** Token ids: intents, then actions, then one end token per intent. */
    public static final int VOCABULARY = INTENTS + ACTIONS + INTENTS;
    public static final int MIN_ACTIONS = 6;
    public static final int MAX_ACTIONS = 28;
    static final int SUCCESSORS = 3;
    static final double[] SUCCESSOR_WEIGHTS = { 0.65, 0.25, 0.10 };

    private final int[][][] successors; // [intent][action] -> likely next actions
    private final Random rnd;

    /** The chain structure comes from {@code structureSeed} (the same for trainer and producer); the sampling from {@code seed}. */
    public SessionGenerator(long structureSeed, long seed) {
        Random s = new Random(structureSeed);
        successors = new int[INTENTS][ACTIONS][SUCCESSORS];
        for (int i = 0; i < INTENTS; i++) {
            for (int a = 0; a < ACTIONS; a++) {
                for (int k = 0; k < SUCCESSORS; k++) {
                    successors[i][a][k] = s.nextInt(ACTIONS);
                }
            }
        }
        rnd = new Random(seed);
    }

    /** One key's position in its current session. */
    public static final class Cursor {
        int intent = -1;
        int action = -1;
        int remaining;
        boolean ended = true;
    }

    /** One generated event: the token and whether it starts a session (a reset of the key's state). */
    public record Step(int token, boolean sessionStart) {
    }

    /** The next event of a key. */
    public Step next(Cursor c) {
        if (c.ended) {
            c.intent = rnd.nextInt(INTENTS);
            c.remaining = MIN_ACTIONS + rnd.nextInt(MAX_ACTIONS - MIN_ACTIONS + 1);
            c.action = -1;
            c.ended = false;
            return new Step(c.intent, true);
        }
        if (c.remaining == 0) {
            c.ended = true;
            return new Step(INTENTS + ACTIONS + c.intent, false);
        }
        c.remaining--;
        if (c.action < 0) {
            c.action = (c.intent * 7) % ACTIONS; // each intent opens with its own action
        } else {
            double u = rnd.nextDouble();
            int k = 0;
            while (k < SUCCESSORS - 1 && u > SUCCESSOR_WEIGHTS[k]) {
                u -= SUCCESSOR_WEIGHTS[k];
                k++;
            }
            c.action = successors[c.intent][c.action][k];
        }
        return new Step(INTENTS + c.action, false);
    }

    /** {@code count} token sequences of {@code length}, each starting at a session start (training data). */
    public int[][] sequences(int count, int length) {
        int[][] out = new int[count][length];
        for (int n = 0; n < count; n++) {
            Cursor c = new Cursor();
            for (int t = 0; t < length; t++) {
                out[n][t] = next(c).token();
            }
        }
        return out;
    }
}
