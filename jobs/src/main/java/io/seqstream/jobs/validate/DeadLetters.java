package io.seqstream.jobs.validate;

import io.seqstream.schemas.DeadLetter;
import io.seqstream.schemas.ErrorKind;
import java.nio.ByteBuffer;

/** Builds DeadLetter records with bounded size: raw bytes over the limit are left out, long messages are cut. */
public final class DeadLetters {
    static final int MAX_MESSAGE_CHARS = 2000;

    private DeadLetters() {
    }

    /**
     * A dead letter for the record at {@code topic/partition/offset}. {@code rawKey}/{@code rawValue} may be
     * null (as read from Kafka); a value longer than {@code maxRawBytes} is not kept and the message says so.
     */
    public static DeadLetter of(String topic, int partition, long offset, byte[] rawKey, byte[] rawValue, ErrorKind kind,
            String message, int maxRawBytes, long now) {
        String msg = message;
        ByteBuffer value = null;
        if (rawValue != null) {
            if (rawValue.length <= maxRawBytes) {
                value = ByteBuffer.wrap(rawValue);
            } else {
                msg = msg + " [raw value of " + rawValue.length + " bytes not kept: over dead-letters.max-raw-bytes=" + maxRawBytes + "]";
            }
        }
        ByteBuffer key = null;
        if (rawKey != null) {
            if (rawKey.length <= maxRawBytes) {
                key = ByteBuffer.wrap(rawKey);
            } else {
                msg = msg + " [raw key of " + rawKey.length + " bytes not kept]";
            }
        }
        if (msg.length() > MAX_MESSAGE_CHARS) {
            msg = msg.substring(0, MAX_MESSAGE_CHARS) + "...";
        }
        return new DeadLetter(topic, partition, offset, key, value, kind, msg, now);
    }
}
