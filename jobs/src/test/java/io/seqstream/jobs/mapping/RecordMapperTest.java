package io.seqstream.jobs.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seqstream.jobs.decode.DecodeException;
import io.seqstream.jobs.decode.FieldPath;
import io.seqstream.jobs.decode.FieldRecord;
import io.seqstream.jobs.decode.JsonDecoder;
import io.seqstream.jobs.decode.PlainAvroDecoder;
import io.seqstream.jobs.mapping.spec.FieldMapping;
import io.seqstream.jobs.mapping.spec.Vocabulary;
import io.seqstream.jobs.model.InputSpec;
import io.seqstream.jobs.testing.ShopEvents;
import io.seqstream.schemas.ErrorKind;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecordMapperTest {
    static final Vocabulary TYPES = Vocabulary.of("types", ShopEvents.TYPES);
    static final ShopEvents.Shop CART = new ShopEvents.Shop("u1", 1_700_000_000_123L, "add_to_cart", 12.5, 3.25f, "e-1", "CH",
            List.of(1f, 2f, 3f), 3);

    /** lookup(event_type) ; features(amount, seconds_since_last): the two inputs of Embedding ⊕ numbers. */
    static FieldMapping twoInputs() {
        return FieldMapping.builder(FieldMapping.parseInputs("lookup(event_type); features(amount, seconds_since_last)"))
                .key(FieldMapping.keySource("user_id")).eventTime(FieldMapping.timeSource("ts"))
                .vocabulary("event_type", TYPES).label(FieldPath.parse("next_type_id"))
                .reset(FieldPath.parse("event_type"), "session_start").eventId(FieldPath.parse("event_id"))
                .copy(FieldMapping.parseFields("country, amount, missing_field")).build();
    }

    static final List<InputSpec> TWO = List.of(InputSpec.tokens(ShopEvents.TYPES.size() + 1), InputSpec.features(2));

    static FieldRecord json(String text) throws DecodeException {
        return new JsonDecoder(1 << 20).decode(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aJsonAndAnAvroRecordMapToTheSameTwoInputEvent() throws Exception {
        RecordMapper mapper = new RecordMapper(twoInputs(), TWO);
        FieldRecord fromJson = new JsonDecoder(1 << 20).decode(ShopEvents.json(CART));
        FieldRecord fromAvro = new PlainAvroDecoder(ShopEvents.SCHEMA, null)
                .decode(ShopEvents.avroBytes(ShopEvents.SCHEMA, ShopEvents.avro(CART)));

        MappedEvent a = mapper.map(fromJson, null, 0);
        MappedEvent b = mapper.map(fromAvro, null, 0);

        for (MappedEvent m : List.of(a, b)) {
            assertThat(m.key()).isEqualTo("u1");
            assertThat(m.eventTime()).isEqualTo(1_700_000_000_123L);
            assertThat(m.inputs()).isEqualTo(ModelInputs.of(2, new float[]{ 12.5f, 3.25f }));
            assertThat(m.label()).isEqualTo(3);
            assertThat(m.reset()).isFalse();
            assertThat(m.eventId()).isEqualTo("e-1");
            assertThat(m.copied()).containsExactly("country", "CH", "amount", "12.5");
        }
    }

    @Test
    void anUnknownCategoryIsTheOovIndexNotAnError() throws Exception {
        RecordMapper mapper = new RecordMapper(twoInputs(), TWO);

        MappedEvent m = mapper.map(json("""
                {"user_id": "u1", "ts": 5, "event_type": "never_seen", "amount": 1, "seconds_since_last": 0}"""), null, 0);

        assertThat(m.inputs().token(0)).isEqualTo(Vocabulary.OOV_INDEX);
        assertThat(m.label()).isEqualTo(-1);
        assertThat(m.copied()).as("country absent: left out").containsExactly("amount", "1");
    }

    @Test
    void theResetValueAndIsoTimesAndRecordKeyAndTimestampAreUnderstood() throws Exception {
        FieldMapping fromRecord = FieldMapping.builder(FieldMapping.parseInputs("token(t)"))
                .reset(FieldPath.parse("kind"), "start").build();
        RecordMapper byRecord = new RecordMapper(fromRecord, List.of(InputSpec.tokens(10)));
        RecordMapper iso = new RecordMapper(FieldMapping.builder(FieldMapping.parseInputs("features(v[])"))
                .key(FieldMapping.keySource("u.id")).eventTime(FieldMapping.timeSource("when")).build(), List.of(InputSpec.features(2)));

        MappedEvent r = byRecord.map(json("{\"t\": 7, \"kind\": \"start\"}"), "k9".getBytes(StandardCharsets.UTF_8), 42L);
        MappedEvent z = iso.map(json("{\"u\": {\"id\": 17}, \"when\": \"2026-12-03T14:05:00Z\", \"v\": [1, 2.5]}"), null, 0);
        MappedEvent offset = iso.map(json("{\"u\": {\"id\": 17}, \"when\": \"2026-12-03T15:05:00+01:00\", \"v\": [1, 2.5]}"), null, 0);
        MappedEvent digits = iso.map(json("{\"u\": {\"id\": 17}, \"when\": \"1796306700000\", \"v\": [1, 2.5]}"), null, 0);

        assertThat(r.key()).isEqualTo("k9");
        assertThat(r.eventTime()).isEqualTo(42L);
        assertThat(r.reset()).isTrue();
        assertThat(r.inputs().token(0)).isEqualTo(7);
        assertThat(z.key()).isEqualTo("17");
        assertThat(z.eventTime()).isEqualTo(java.time.Instant.parse("2026-12-03T14:05:00Z").toEpochMilli());
        assertThat(offset.eventTime()).isEqualTo(z.eventTime());
        assertThat(digits.eventTime()).isEqualTo(1796306700000L);
        assertThat(z.inputs().features(0)).containsExactly(1f, 2.5f);
    }

    @Test
    void badRecordsNameTheFieldTheExpectedTypeAndWhatWasFound() {
        RecordMapper mapper = new RecordMapper(twoInputs(), TWO);
        String ok = "\"user_id\": \"u1\", \"ts\": 5, \"event_type\": \"view\", \"seconds_since_last\": 1";

        assertRejected(mapper, "{" + ok + "}", ErrorKind.MISSING_FIELD, "field 'amount' is missing", "a number");
        assertRejected(mapper, "{" + ok + ", \"amount\": \"n/a\"}", ErrorKind.WRONG_FIELD_TYPE, "field 'amount'",
                "expected a finite number", "found string 'n/a'");
        assertRejected(mapper, "{" + ok + ", \"amount\": 1e300}", ErrorKind.NON_FINITE_FEATURE, "field 'amount'");
        assertRejected(mapper, "{\"user_id\": [1], \"ts\": 5, \"event_type\": \"view\", \"amount\": 1, \"seconds_since_last\": 1}",
                ErrorKind.WRONG_FIELD_TYPE, "field 'user_id'", "sequence key");
        assertRejected(mapper,
                "{\"user_id\": \"u\", \"ts\": \"yesterday\", \"event_type\": \"view\", \"amount\": 1, \"seconds_since_last\": 1}",
                ErrorKind.WRONG_FIELD_TYPE, "field 'ts'", "ISO-8601", "found string 'yesterday'");
        assertRejected(mapper, "{\"user_id\": \"u\", \"ts\": 5, \"event_type\": {\"a\": 1}, \"amount\": 1, \"seconds_since_last\": 1}",
                ErrorKind.WRONG_FIELD_TYPE, "field 'event_type'", "a string (or integer) category", "found record");
        assertRejected(mapper, "{" + ok + ", \"amount\": 1, \"next_type_id\": 1.5}", ErrorKind.WRONG_FIELD_TYPE, "field 'next_type_id'");
        RecordMapper tokens = new RecordMapper(FieldMapping.builder(FieldMapping.parseInputs("token(t)")).build(),
                List.of(InputSpec.tokens(10)));
        assertThatThrownBy(() -> tokens.map(json("{\"t\": 10}"), "k".getBytes(StandardCharsets.UTF_8), 0))
                .isInstanceOf(DecodeException.class).hasMessageContaining("field 't': token id 10 is outside the vocabulary [0, 10)");
        assertThatThrownBy(() -> tokens.map(json("{\"t\": 1}"), null, 0))
                .isInstanceOf(DecodeException.class).hasMessageContaining("no key");
        RecordMapper arrays = new RecordMapper(FieldMapping.builder(FieldMapping.parseInputs("features(v[])")).build(),
                List.of(InputSpec.features(3)));
        assertThatThrownBy(() -> arrays.map(json("{\"v\": [1, 2]}"), "k".getBytes(StandardCharsets.UTF_8), 0))
                .isInstanceOf(DecodeException.class).hasMessageContaining("field 'v': expected an array of 3 numbers, found 2")
                .extracting(e -> ((DecodeException) e).kind()).isEqualTo(ErrorKind.WRONG_FEATURE_LENGTH);
    }

    private static void assertRejected(RecordMapper mapper, String json, ErrorKind kind, String... parts) {
        assertThatThrownBy(() -> mapper.map(json(json), null, 0)).isInstanceOf(DecodeException.class)
                .hasMessageContainingAll(parts).extracting(e -> ((DecodeException) e).kind()).isEqualTo(kind);
    }

    @Test
    void aMappingThatDoesNotFitTheModelFailsWhenBuilt() {
        assertThatThrownBy(() -> new RecordMapper(twoInputs(), List.of(InputSpec.tokens(6))))
                .hasMessageContaining("names 2 input(s)").hasMessageContaining("the model has 1");
        assertThatThrownBy(() -> new RecordMapper(twoInputs(), List.of(InputSpec.tokens(6), InputSpec.features(3))))
                .hasMessageContaining("features(amount, seconds_since_last)").hasMessageContaining("2 fields are named");
        assertThatThrownBy(() -> new RecordMapper(twoInputs(), List.of(InputSpec.tokens(4), InputSpec.features(2))))
                .hasMessageContaining("yields indexes up to 5");
        assertThatThrownBy(() -> new RecordMapper(twoInputs(), List.of(InputSpec.features(2), InputSpec.features(2))))
                .hasMessageContaining("another kind of input");
        assertThatThrownBy(() -> FieldMapping.builder(FieldMapping.parseInputs("lookup(x)")).build())
                .hasMessageContaining("mapping.vocabularies = x:FILE");
        assertThatThrownBy(() -> FieldMapping.parseInputs("embed(x)")).hasMessageContaining("unknown input kind 'embed'");
        assertThatThrownBy(() -> FieldMapping.parseInputs("token(1x)")).hasMessageContaining("not a field name");
        assertThat(FieldMapping.keySource("@key")).isEqualTo(Optional.empty());
    }

    @Test
    void vocabulariesFollowKerasLookupDefaults() {
        assertThat(TYPES.lookup("view")).isEqualTo(1);
        assertThat(TYPES.lookup("session_start")).isEqualTo(5);
        assertThat(TYPES.lookup("VIEW")).isEqualTo(0);
        assertThat(TYPES.size()).isEqualTo(6);
        assertThatThrownBy(() -> Vocabulary.of("dup", List.of("a", "a"))).hasMessageContaining("appears twice");
    }
}
