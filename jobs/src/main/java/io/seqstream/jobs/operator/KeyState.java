package io.seqstream.jobs.operator;

/**
 * Everything the job keeps per key, as ONE keyed-state value: the model's recurrent state, how many events
 * it has seen since the last reset (Prediction.step), and what the idle-key expiry needs.
 *
 * <p>A Flink POJO (public fields, no-arg constructor): the POJO serializer allows adding fields later.
 */
public final class KeyState {
    /** The model state (for each recurrent layer h, then c); all zeros for a fresh key. */
    public float[] state;
    /** Events stepped since the key was created or last reset. */
    public long step;
    /** Processing time of the last micro-batch that stepped this key. */
    public long lastSeen;
    /** Timestamp of the pending expiry timer, 0 when none is registered. */
    public long expiryTimer;

    public KeyState() {
    }

    static KeyState fresh(int stateSize) {
        KeyState s = new KeyState();
        s.state = new float[stateSize];
        return s;
    }
}
