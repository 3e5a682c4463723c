package io.seqstream.jobs.operator;

import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.InternalTimerService;

/**
 * Idle-key expiry ({@code state.ttl}): each key with state has one processing-time timer. When it fires and the
 * key has been idle for the TTL, its state is cleared; otherwise the timer moves to the new expiry. Plain logic
 * over the key's {@link KeyState}; the operator reads and writes the keyed state around it.
 */
final class KeyExpiry {
    /** What a fired timer does to its key's state. */
    enum Outcome {
        /** Nothing: the key was cleared already, or the timer is one the key no longer uses. */
        NONE,
        /** The state changed (its timer moved or was dropped): store it. */
        UPDATE,
        /** Idle for the TTL: clear the key. */
        EXPIRE
    }

    private final long ttlMs;
    private final InternalTimerService<VoidNamespace> timers;

    KeyExpiry(long ttlMs, InternalTimerService<VoidNamespace> timers) {
        this.ttlMs = ttlMs;
        this.timers = timers;
    }

    /** The key was stepped at {@code now}: remember it, and give it a timer when it has none. */
    void touched(KeyState ks, long now) {
        ks.lastSeen = now;
        if (ttlMs > 0 && ks.expiryTimer == 0) {
            ks.expiryTimer = now + ttlMs;
            timers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, ks.expiryTimer);
        }
    }

    /**
     * The key's timer for {@code timerTime} fired at {@code now}; {@code buffered}: an event of the key waits in the
     * micro-batch being filled (it counts as seen now).
     */
    Outcome fired(KeyState ks, long timerTime, long now, boolean buffered) {
        if (ks == null || ks.expiryTimer != timerTime) {
            return Outcome.NONE;
        }
        if (ttlMs == 0) { // restored under a configuration without TTL
            ks.expiryTimer = 0;
            return Outcome.UPDATE;
        }
        long due = buffered ? now + ttlMs : ks.lastSeen + ttlMs;
        if (due > now) {
            ks.expiryTimer = due;
            timers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, due);
            return Outcome.UPDATE;
        }
        return Outcome.EXPIRE;
    }
}
