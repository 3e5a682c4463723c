package io.seqstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

/** When encode may skip its bounds scan: only below the smallest encoding that could break a codec limit. */
class DatumScannerBreakingSizeTest {

    @Test
    void theJobsRecordsNeedAMapOfMoreThanTheItemLimitToBreakOne() {
        // attributes / fields: 65,537 entries of at least a 1-byte key and a 1-byte value
        int mapOverLimit = (AvroCodec.MAX_COLLECTION_ITEMS + 1) * 2;
        assertThat(DatumScanner.smallestBreakingSize(Event.getClassSchema())).isEqualTo(mapOverLimit);
        assertThat(DatumScanner.smallestBreakingSize(Prediction.getClassSchema())).isEqualTo(mapOverLimit);
    }

    @Test
    void aStringAloneNeedsMoreThanItsLimit() {
        Schema s = SchemaBuilder.record("S").fields().requiredString("s").requiredLong("n").endRecord();
        assertThat(DatumScanner.smallestBreakingSize(s)).isEqualTo(AvroCodec.MAX_STRING_BYTES + 1);
    }

    @Test
    void itemsThatEncodeToNoBytesAndRecursiveOrDeepSchemasAreAlwaysScanned() {
        Schema nulls = SchemaBuilder.record("N").fields().name("a").type().array().items().nullType().noDefault().endRecord();
        Schema empty = SchemaBuilder.record("Empty").fields().endRecord();
        Schema empties = SchemaBuilder.record("E").fields().name("a").type().array().items(empty).noDefault().endRecord();
        Schema list = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Node\",\"fields\":[{\"name\":\"v\",\"type\":\"int\"},"
                + "{\"name\":\"next\",\"type\":[\"null\",\"Node\"]}]}");
        Schema deep = SchemaBuilder.record("L0").fields().requiredInt("x").endRecord();
        for (int i = 1; i <= 40; i++) {
            deep = SchemaBuilder.record("L" + i).fields().name("in").type(deep).noDefault().endRecord();
        }

        assertThat(DatumScanner.smallestBreakingSize(nulls)).isZero();
        assertThat(DatumScanner.smallestBreakingSize(empties)).isZero();
        assertThat(DatumScanner.smallestBreakingSize(list)).isZero();
        assertThat(DatumScanner.smallestBreakingSize(deep)).isZero();
    }

    @Test
    void aRecordAboveTheSizeIsStillScannedAndRefused() {
        Map<String, String> attributes = new HashMap<>();
        for (int i = 0; i <= AvroCodec.MAX_COLLECTION_ITEMS; i++) {
            attributes.put("k" + i, "v");
        }
        Event event = Event.newBuilder().setKey("k").setEventTime(1L).setToken(0).setAttributes(attributes).build();

        assertThatThrownBy(() -> AvroCodec.encode(event)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exceed the limit");
    }
}
