package io.seqstream.apps.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.schemas.AvroCodec;
import io.seqstream.schemas.Prediction;
import io.seqstream.schemas.TopClass;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PredictionTimesTest {

    private static Prediction prediction(String key, long eventTime, long processingTime, List<Float> output) {
        return Prediction.newBuilder().setKey(key).setEventTime(eventTime).setModelVersion(3).setStep(17)
                .setTopK(List.of(new TopClass(4, 0.7f), new TopClass(1, 0.2f))).setOutput(output)
                .setProcessingTime(processingTime).setSourceTopic("events").setSourcePartition(1).setSourceOffset(99L)
                .setFields(Map.of("region", "eu")).build();
    }

    @Test
    void readsTheTwoTimesPastTheFieldsBeforeAndAfterThem() {
        PredictionTimes times = new PredictionTimes();

        times.read(AvroCodec.encode(prediction("user-42", 1_700_000_000_123L, 1_700_000_000_200L, List.of(0.1f, 0.9f))));
        assertThat(times.eventTime()).isEqualTo(1_700_000_000_123L);
        assertThat(times.processingTime()).isEqualTo(1_700_000_000_200L);

        // The reused record and decoder must not carry anything over to the next prediction.
        times.read(AvroCodec.encode(prediction("a-much-longer-key-than-before", 5L, 8L, null)));
        assertThat(times.eventTime()).isEqualTo(5L);
        assertThat(times.processingTime()).isEqualTo(8L);
    }
}
