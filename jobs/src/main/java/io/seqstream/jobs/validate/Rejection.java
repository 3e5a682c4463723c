package io.seqstream.jobs.validate;

import io.seqstream.schemas.ErrorKind;

/** Why an event cannot be stepped: the DeadLetter's error kind and a message naming the key and the bad value. */
public record Rejection(ErrorKind kind, String message) {
}
