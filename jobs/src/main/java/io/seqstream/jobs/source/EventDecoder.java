package io.seqstream.jobs.source;

import io.seqstream.jobs.event.Ingested;
import io.seqstream.jobs.validate.DeadLetters;
import io.seqstream.jobs.validate.EventValidator;
import io.seqstream.schemas.AvroCodec;
import io.seqstream.schemas.AvroDecodeException;
import io.seqstream.schemas.ErrorKind;
import io.seqstream.schemas.Event;

/**
 * Turns one raw record (topic, partition, offset, key and value bytes) into an {@link Ingested}: decodes the
 * Avro Event with the bounded {@link AvroCodec} and validates it for the model. Every failure becomes a
 * dead letter carrying the source offset; nothing here throws for bad input.
 */
public final class EventDecoder implements IngestDecoder {
    private static final long serialVersionUID = 1L;

    private final EventValidator validator;
    private final int maxRawBytes;

    public EventDecoder(EventValidator validator, int maxRawBytes) {
        this.validator = validator;
        this.maxRawBytes = maxRawBytes;
    }

    @Override
    public Ingested decode(String topic, int partition, long offset, long recordTimestamp, byte[] key, byte[] value) {
        Event event;
        try {
            if (value == null) {
                return dead(topic, partition, offset, recordTimestamp, key, null, ErrorKind.UNDECODABLE,
                        "record has no value (a tombstone); an Event was expected");
            }
            event = AvroCodec.decode(value, Event.class);
        } catch (AvroDecodeException e) {
            return dead(topic, partition, offset, recordTimestamp, key, value, e.errorKind(), "cannot decode an Event: " + e.getMessage());
        } catch (RuntimeException e) {
            // A codec bug must not stop the job either; keep the record for inspection.
            return dead(topic, partition, offset, recordTimestamp, key, value, ErrorKind.OTHER,
                    "unexpected " + e.getClass().getSimpleName() + " while decoding an Event: " + e.getMessage());
        }
        EventValidator.Result r = validator.validate(event);
        if (r instanceof EventValidator.Result.Rejected rej) {
            return dead(topic, partition, offset, recordTimestamp, key, value, rej.rejection().kind(), rej.rejection().message());
        }
        return Ingested.of(((EventValidator.Result.Valid) r).input().withSource(topic, partition, offset));
    }

    private Ingested dead(String topic, int partition, long offset, long recordTimestamp, byte[] key, byte[] value, ErrorKind kind,
            String message) {
        String where = topic + "/" + partition + "@" + offset + ": ";
        return Ingested.of(DeadLetters.of(topic, partition, offset, key, value, kind, where + message, maxRawBytes,
                System.currentTimeMillis()), recordTimestamp);
    }
}
