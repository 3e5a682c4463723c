package io.seqstream.jobs.source;

import io.seqstream.jobs.event.Ingested;
import java.io.Serializable;

/**
 * Turns one raw Kafka record into an {@link Ingested}: a model input, or a dead letter naming the source offset.
 * Never throws for bad input (only for outages that must fail the job, such as an unreachable schema registry).
 */
public interface IngestDecoder extends Serializable {
    Ingested decode(String topic, int partition, long offset, long recordTimestamp, byte[] key, byte[] value);
}
