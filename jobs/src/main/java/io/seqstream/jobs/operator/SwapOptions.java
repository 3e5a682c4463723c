package io.seqstream.jobs.operator;

import io.seqstream.jobs.config.ConfigKeys;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.config.ShapeChangePolicy;
import io.seqstream.jobs.config.SwapStatePolicy;
import io.seqstream.jobs.trust.TrustedKeys;
import java.io.Serializable;

/**
 * How the stepping operator applies a new model version: the per-key state policy, the rewarm length, what a
 * snapshot with other state shapes does, how many raw bytes of a rejected snapshot its dead letter keeps, and whose
 * signatures a snapshot needs ({@link TrustedKeys}).
 */
public record SwapOptions(SwapStatePolicy statePolicy, int rewarmEvents, ShapeChangePolicy onShapeChange, int deadLetterMaxRawBytes,
        TrustedKeys trust) implements Serializable {
    /** Without signature checks. */
    public SwapOptions(SwapStatePolicy statePolicy, int rewarmEvents, ShapeChangePolicy onShapeChange, int deadLetterMaxRawBytes) {
        this(statePolicy, rewarmEvents, onShapeChange, deadLetterMaxRawBytes, TrustedKeys.none());
    }

    public SwapOptions {
        if (rewarmEvents < 1 || deadLetterMaxRawBytes < 0) {
            throw new IllegalArgumentException("rewarmEvents >= 1 and deadLetterMaxRawBytes >= 0 needed, got " + rewarmEvents + ", "
                    + deadLetterMaxRawBytes);
        }
    }

    public static SwapOptions defaults() {
        return new SwapOptions(SwapStatePolicy.KEEP, 32, ShapeChangePolicy.RESET, 65_536);
    }

    public static SwapOptions fromConfig(JobConfig config) {
        return new SwapOptions(config.get(ConfigKeys.SWAP_STATE_POLICY), config.get(ConfigKeys.SWAP_REWARM_EVENTS),
                config.get(ConfigKeys.SWAP_ON_SHAPE_CHANGE), config.get(ConfigKeys.DEAD_LETTER_MAX_RAW_BYTES),
                TrustedKeys.fromConfig(config));
    }

    public SwapOptions withStatePolicy(SwapStatePolicy p) {
        return new SwapOptions(p, rewarmEvents, onShapeChange, deadLetterMaxRawBytes, trust);
    }

    public SwapOptions withRewarmEvents(int k) {
        return new SwapOptions(statePolicy, k, onShapeChange, deadLetterMaxRawBytes, trust);
    }

    public SwapOptions withOnShapeChange(ShapeChangePolicy p) {
        return new SwapOptions(statePolicy, rewarmEvents, p, deadLetterMaxRawBytes, trust);
    }

    public SwapOptions withTrust(TrustedKeys keys) {
        return new SwapOptions(statePolicy, rewarmEvents, onShapeChange, deadLetterMaxRawBytes, keys);
    }
}
