package io.seqstream.schemas;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** One filled-in sample of each record, every optional field set somewhere. */
final class TestRecords {

    private TestRecords() {
    }

    static Event tokenEvent() {
        return Event.newBuilder()
                .setKey("user-42")
                .setEventTime(1_700_000_000_123L)
                .setToken(17)
                .setLabel(3)
                .setAttributes(Map.of("source", "web", "région", "ÉU"))
                .build();
    }

    static Event featureEvent() {
        return Event.newBuilder()
                .setKey("sensor-7")
                .setEventTime(1_700_000_000_456L)
                .setFeatures(List.of(0.5f, -1.25f, 3.0e-7f, Float.MAX_VALUE))
                .setReset(true)
                .build();
    }

    static Prediction prediction() {
        return Prediction.newBuilder()
                .setKey("user-42")
                .setEventTime(1_700_000_000_123L)
                .setModelVersion(12)
                .setStep(5)
                .setTopK(List.of(new TopClass(4, 0.7f), new TopClass(1, 0.2f), new TopClass(9, 0.05f)))
                .setOutput(List.of(0.01f, 0.2f, 0.0f, 0.0f, 0.7f, 0.04f))
                .setProcessingTime(1_700_000_000_200L)
                .build();
    }

    static ModelSnapshot snapshot() {
        return ModelSnapshot.newBuilder()
                .setVersion(12)
                .setParentVersion(11L)
                .setCreatedAt(1_700_000_100_000L)
                .setModelBytes(ByteBuffer.wrap(new byte[]{ 1, 2, 3, 4, 5, 0, -1 }))
                .setSha256("0".repeat(64))
                .setMetrics(Map.of("loss", 0.42, "accuracy", 0.87))
                .setWindowStart(1_699_990_000_000L)
                .setWindowEnd(1_700_000_000_000L)
                .setDescription("retrained on the last 3 hours")
                .build();
    }

    static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
                .setSourceTopic("events")
                .setPartition(3)
                .setOffset(123_456_789_012L)
                .setRawKey(ByteBuffer.wrap("user-42".getBytes(StandardCharsets.UTF_8)))
                .setRawValue(ByteBuffer.wrap(new byte[]{ (byte) 0xde, (byte) 0xad }))
                .setErrorKind(ErrorKind.UNDECODABLE)
                .setMessage("Event: truncated")
                .setTime(1_700_000_000_999L)
                .build();
    }

    static List<SpecificRecord> all() {
        return List.of(tokenEvent(), featureEvent(), prediction(), new TopClass(2, 0.5f), snapshot(), deadLetter());
    }
}
