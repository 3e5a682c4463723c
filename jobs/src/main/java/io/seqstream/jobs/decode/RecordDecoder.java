package io.seqstream.jobs.decode;

import java.io.Serializable;

/**
 * Decodes one record value of the events topic into a {@link FieldRecord}. Every bad input is a
 * {@link DecodeException} (never another exception, never an allocation beyond a small multiple of the
 * input size). One instance per source reader: implementations may keep per-thread caches.
 */
public interface RecordDecoder extends Serializable {
    FieldRecord decode(byte[] value) throws DecodeException;
}
