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
 * checkpoints of the former POJO format still restore (they are migrated).
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
     * Rewarm ring of token ids (token models), {@code swap.rewarm-events} long; for a model with several inputs per
     * event, {@code swap.rewarm-events x} its token inputs. Null unless the policy is rewarm.
     */
    public int[] recentTokens;
    /**
     * Rewarm ring of feature vectors (feature models), flattened, {@code swap.rewarm-events x featureSize}; for several
     * inputs per event, each event's feature inputs concatenated. Else null.
     */
    public float[] recentFeatures;
    /** Events in the rewarm ring (at most its capacity), all after the key's last reset. */
    public int recentCount;
    /** Ring slot the next event goes to. */
    public int recentNext;
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
