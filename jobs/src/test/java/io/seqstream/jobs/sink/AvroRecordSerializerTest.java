package io.seqstream.jobs.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.schemas.Event;
import org.junit.jupiter.api.Test;

class AvroRecordSerializerTest {
    final AvroRecordSerializer<Event> serializer = new AvroRecordSerializer<>("t", e -> AvroRecordSerializer.utf8(e.getKey()));
    final Event event = Event.newBuilder().setKey("k").setEventTime(-5).setToken(1).build();

    @Test
    void theKafkaTimestampIsLeftToTheProducerWhateverTheEventTime() {
        // An event time before 1970 or far ahead is refused by the broker: every write would fail, the job restart for ever.
        assertThat(serializer.serialize(event, null, -1_700_000_000_001L).timestamp()).isNull();
        assertThat(serializer.serialize(event, null, 4_000_000_000_000L).timestamp()).isNull();
        assertThat(serializer.serialize(event, null, null).timestamp()).isNull();
        assertThat(serializer.serialize(event, null, 1_700_000_000_000L).key()).isEqualTo(new byte[]{ 'k' });
    }
}
