package io.seqstream.jobs;

import java.util.Map;

/**
 * The TaskManager network options the job's local environment sets and deploy/ writes into the cluster's config.yaml:
 * buffer debloating with a 20 ms target. A checkpoint barrier queues behind the records already in the network
 * buffers before the stepping operator; Flink's fixed 32 KB buffers held 25-60 ms of events at half load, and an
 * exactly-once prediction waits for the whole checkpoint. Debloating sizes the buffers to about 20 ms of the measured
 * throughput: on a 2-vCPU machine with 200 ms checkpoints, the checkpoints' p99 at half load fell from 138-149 ms to
 * 97-99 ms, with no loss of throughput (docs/BENCHMARKS.md, "Network buffers sized to 20 ms").
 */
public final class NetworkTuning {
    private NetworkTuning() {
    }

    /** Flink configuration keys and values (TaskManager options: a cluster takes them from its config.yaml). */
    public static final Map<String, String> OPTIONS = Map.of(
            "taskmanager.network.memory.buffer-debloat.enabled", "true",
            "taskmanager.network.memory.buffer-debloat.target", "20 ms");
}
