package io.seqstream.jobs.operator;

import io.seqstream.jobs.config.ConfigKeys;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.config.ShapeChangePolicy;
import io.seqstream.jobs.config.SwapStatePolicy;
import java.io.Serializable;

/**
 * How the stepping operator applies a new model version: the per-key state policy, the rewarm length, what a
 * snapshot with other state shapes does, and how many raw bytes of a rejected snapshot its dead letter keeps.
 */
public record SwapOptions(SwapStatePolicy statePolicy, int rewarmEvents, ShapeChangePolicy onShapeChange, int deadLetterMaxRawBytes)
        implements Serializable {
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
                config.get(ConfigKeys.SWAP_ON_SHAPE_CHANGE), config.get(ConfigKeys.DEAD_LETTER_MAX_RAW_BYTES));
    }

    public SwapOptions withStatePolicy(SwapStatePolicy p) {
        return new SwapOptions(p, rewarmEvents, onShapeChange, deadLetterMaxRawBytes);
    }

    public SwapOptions withRewarmEvents(int k) {
        return new SwapOptions(statePolicy, k, onShapeChange, deadLetterMaxRawBytes);
    }

    public SwapOptions withOnShapeChange(ShapeChangePolicy p) {
        return new SwapOptions(statePolicy, rewarmEvents, p, deadLetterMaxRawBytes);
    }
}
