package io.seqstream.jobs.event;

import io.seqstream.jobs.event.ModelInput;
import io.seqstream.schemas.DeadLetter;
import java.util.Objects;

/**
 * What the source emits per Kafka record: either a validated {@link ModelInput} or a {@link DeadLetter}
 * (undecodable bytes, a wrong schema, a payload the model cannot take), so a bad record never stops the
 * job and keeps its source offset. {@code timestamp} is the event time, or the Kafka record timestamp for
 * a dead letter; the watermark strategy reads it.
 *
 * <p>A Flink POJO: exactly one of {@code input} and {@code deadLetter} is non-null; use {@link #isDeadLetter()}.
 */
public final class Ingested {
    public ModelInput input;
    public DeadLetter deadLetter;
    public long timestamp;

    public Ingested() {
    }

    public static Ingested of(ModelInput input) {
        Ingested i = new Ingested();
        i.input = Objects.requireNonNull(input, "input");
        i.timestamp = input.eventTime;
        return i;
    }

    public static Ingested of(DeadLetter deadLetter, long timestamp) {
        Ingested i = new Ingested();
        i.deadLetter = Objects.requireNonNull(deadLetter, "deadLetter");
        i.timestamp = timestamp;
        return i;
    }

    public boolean isDeadLetter() {
        return deadLetter != null;
    }

    @Override
    public String toString() {
        return isDeadLetter()
                ? "Ingested{dead letter " + deadLetter.getErrorKind() + " at " + deadLetter.getSourceTopic() + "/"
                        + deadLetter.getPartition() + "@" + deadLetter.getOffset() + "}"
                : "Ingested{" + input + "}";
    }
}
