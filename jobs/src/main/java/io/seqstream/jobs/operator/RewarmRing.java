package io.seqstream.jobs.operator;

/**
 * A key's last events since its last reset, kept for {@code swap.state-policy=rewarm} only: after a hot swap the new
 * model replays them to rebuild the key's state. Held by {@link KeyState#recent}, which stays null under the other
 * policies, so a key that never rewarms pays one reference for it.
 *
 * <p>Public fields and a no-arg constructor, like {@link KeyState}, for checkpoints of the former POJO format.
 */
public final class RewarmRing {
    /**
     * Token ids, {@code swap.rewarm-events} long; for a model with several inputs per event, {@code swap.rewarm-events x}
     * its token inputs. Null for a feature model.
     */
    public int[] tokens;
    /**
     * Feature vectors, flattened, {@code swap.rewarm-events x featureSize}; for several inputs per event, each event's
     * feature inputs concatenated. Null for a token model.
     */
    public float[] features;
    /** Events in the ring (at most its capacity), all after the key's last reset. */
    public int count;
    /** Slot the next event goes to. */
    public int next;

    public RewarmRing() {
    }

    RewarmRing(int[] tokens, float[] features) {
        this.tokens = tokens;
        this.features = features;
    }

    /** An empty ring of {@code tokens} token ids and {@code features} numbers in all (0: that array is null). */
    static RewarmRing of(int tokens, int features) {
        return new RewarmRing(tokens > 0 ? new int[tokens] : null, features > 0 ? new float[features] : null);
    }

    /** Whether this ring has the shape {@link #of} would give (a model swap can change it). */
    boolean holds(int tokens, int features) {
        return (tokens > 0 ? this.tokens != null && this.tokens.length == tokens : this.tokens == null)
                && (features > 0 ? this.features != null && this.features.length == features : this.features == null);
    }

    /** A deep copy. */
    RewarmRing copy() {
        RewarmRing r = new RewarmRing(tokens == null ? null : tokens.clone(), features == null ? null : features.clone());
        r.count = count;
        r.next = next;
        return r;
    }
}
