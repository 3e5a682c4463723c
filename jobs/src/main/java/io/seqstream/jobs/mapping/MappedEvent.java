package io.seqstream.jobs.mapping;

/**
 * One input record after the field mapping: the sequence key, the event time (ms), one value per model input,
 * the label (-1: none), the reset flag, the event id (null: none) and the copied fields as name/value pairs
 * ({@code [name0, value0, name1, value1, ...]}, absent fields left out).
 */
public record MappedEvent(String key, long eventTime, ModelInputs inputs, int label, boolean reset, String eventId, String[] copied) {
}
