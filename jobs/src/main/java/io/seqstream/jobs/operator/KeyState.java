package io.seqstream.jobs.operator;

/**
 * Everything the job keeps per key, as ONE keyed-state value: the model's recurrent state, how many events
 * it has seen since the last reset (Prediction.step), what the idle-key expiry needs, which model version
 * the state belongs to (a hot swap converts it lazily, at the key's next event), and, for
 * {@code swap.state-policy=rewarm}, the key's last events since its last reset, and the top-1 class of its last
 * prediction (judged by its next event: {@link OnlineAccuracy}).
 *
 * <p>Serialized in keyed state by {@link io.seqstream.jobs.operator.KeyStateSerializer} (the floats as one raw
 * block); a new field needs a new format version there. Public fields and a no-arg constructor remain, so
 * checkpoints of the former POJO format still restore (they are migrated; the rewarm ring of such a checkpoint, kept
 * in fields of this class then, is not carried over: a key restored from one rebuilds its ring from its next events).
 */
public final class KeyState {
    /** The model state (for each recurrent layer h, then c); all zeros for a fresh key. */
    public float[] state;
    /** Events stepped since the key was created or last reset. Goes on across model swaps. */
    public long step;
    /** Processing time of the last micro-batch that stepped this key. */
    public long lastSeen;
    /** Timestamp of the pending expiry timer, 0 when none is registered. */
    public long expiryTimer;
    /** Version of the model that computed {@link #state}; 0 = unknown (a state from before versions were kept). */
    public long modelVersion;
    /**
     * The key's last events since its last reset ({@link RewarmRing}), for {@code swap.state-policy=rewarm}; null under
     * the other policies. One reference here instead of the ring's four fields keeps a key that never rewarms at 56
     * bytes of object (72 with the fields inline), for each of millions of keys on the heap.
     */
    public RewarmRing recent;
    /**
     * Top-1 class of the key's last prediction, for {@code retrain.target=next-event} online accuracy; -1 when none
     * (new key, other targets, or a state of format 1).
     */
    public int lastTopClass = -1;

    public KeyState() {
    }

    static KeyState fresh(int stateSize) {
        KeyState s = new KeyState();
        s.state = new float[stateSize];
        return s;
    }
}
