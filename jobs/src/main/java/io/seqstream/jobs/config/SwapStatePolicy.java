package io.seqstream.jobs.config;

/** What happens to a key's recurrent state when the model is swapped ({@code swap.state-policy}). */
public enum SwapStatePolicy {
    /** The new model continues the key's state as is (only when the state shapes are the same). */
    KEEP("keep"),
    /** The key's recurrent state starts from zeros under the new model; its step count goes on. */
    RESET("reset"),
    /** The key's last {@code swap.rewarm-events} events are replayed through the new model from zeros before its next event. */
    REWARM("rewarm");

    private final String configName;

    SwapStatePolicy(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }
}
