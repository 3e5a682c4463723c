package io.seqstream.jobs.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.jobs.decode.FieldPath;
import io.seqstream.jobs.decode.JsonDecoder;
import io.seqstream.jobs.decode.PlainAvroDecoder;
import io.seqstream.jobs.decode.RecordDecoder;
import io.seqstream.jobs.decode.RegistryAvroDecoder;
import io.seqstream.jobs.decode.SchemaSource;
import io.seqstream.jobs.event.Ingested;
import io.seqstream.jobs.mapping.spec.FieldMapping;
import io.seqstream.jobs.mapping.spec.Vocabulary;
import io.seqstream.jobs.model.InputSpec;
import io.seqstream.jobs.source.EventDecoder;
import io.seqstream.jobs.source.IngestDecoder;
import io.seqstream.jobs.testing.ShopEvents;
import io.seqstream.jobs.validate.EventValidator;
import io.seqstream.schemas.AvroCodec;
import io.seqstream.schemas.ErrorKind;
import io.seqstream.schemas.Event;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * 100k mutated records of each input format through the source's decoder (decode + field mapping): every one
 * becomes a model input or a dead letter naming its offset, none throws, and no record costs more memory than a
 * bound proportional to its size (lengths inside the bytes are never trusted). Mutations: bit flips, random and
 * "huge length" bytes (0xff runs, which Avro and varints read as giant counts), insertions, deletions,
 * truncation, splices of two records, and for JSON swaps of values for other JSON types.
 */
class DecoderFuzzTest {
    static final int RECORDS = 100_000;
    /** Most bytes one decode may allocate: a fixed part (parser buffers, the message) plus a multiple of the input. */
    static final long FIXED_ALLOCATION = 256 << 10;
    static final long ALLOCATION_PER_BYTE = 64;

    static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    static final Schema SHOP = ShopEvents.SCHEMA;

    static RecordMapper mapper() {
        return new RecordMapper(FieldMapping.builder(FieldMapping.parseInputs("lookup(event_type)"))
                .key(FieldMapping.keySource("user_id")).eventTime(FieldMapping.timeSource("ts"))
                .vocabulary("event_type", Vocabulary.of("types", ShopEvents.TYPES)).label(FieldPath.parse("next_type_id"))
                .reset(FieldPath.parse("event_type"), "session_start").eventId(FieldPath.parse("event_id"))
                .copy(FieldMapping.parseFields("country, amount")).build(), List.of(InputSpec.tokens(6)));
    }

    static RecordMapper featureMapper() {
        return new RecordMapper(FieldMapping.builder(FieldMapping.parseInputs("features(vector[])"))
                .key(FieldMapping.keySource("user_id")).build(), List.of(InputSpec.features(3)));
    }

    static List<ShopEvents.Shop> seeds(Random rnd) {
        List<ShopEvents.Shop> out = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            out.add(new ShopEvents.Shop("user-" + rnd.nextInt(1000), 1_700_000_000_000L + rnd.nextInt(1_000_000),
                    ShopEvents.TYPES.get(rnd.nextInt(ShopEvents.TYPES.size())), rnd.nextDouble() * 100, rnd.nextFloat() * 60,
                    "e-" + i, rnd.nextBoolean() ? "CH" : "DE", List.of(rnd.nextFloat(), rnd.nextFloat(), rnd.nextFloat()),
                    rnd.nextBoolean() ? null : rnd.nextInt(5)));
        }
        return out;
    }

    static final SchemaSource REGISTRY = id -> {
        if (id == 1) {
            return SHOP;
        }
        throw new io.seqstream.jobs.decode.DecodeException(ErrorKind.UNKNOWN_SCHEMA, "schema id " + id + " is unknown");
    };

    @TestFactory
    List<DynamicTest> everyMutatedRecordIsAnInputOrADeadLetter() {
        Random rnd = new Random(15);
        List<ShopEvents.Shop> seeds = seeds(rnd);
        List<DynamicTest> tests = new ArrayList<>();
        tests.add(fuzz("json", new MappedRecordDecoder(new JsonDecoder(1 << 16), mapper(), 1 << 16), seeds, ShopEvents::json, true));
        tests.add(fuzz("json features", new MappedRecordDecoder(new JsonDecoder(1 << 16), featureMapper(), 1 << 16), seeds,
                ShopEvents::json, true));
        tests.add(fuzz("avro", new MappedRecordDecoder(new PlainAvroDecoder(SHOP, null), mapper(), 1 << 16), seeds,
                s -> ShopEvents.avroBytes(SHOP, ShopEvents.avro(s)), false));
        RecordDecoder registry = new RegistryAvroDecoder(REGISTRY, null);
        tests.add(fuzz("avro-registry", new MappedRecordDecoder(registry, mapper(), 1 << 16), seeds,
                s -> ShopEvents.framed(1, ShopEvents.avroBytes(SHOP, ShopEvents.avro(s))), false));
        tests.add(fuzz("seqstream", new EventDecoder(new EventValidator(InputSpec.tokens(6)), 1 << 16), seeds,
                s -> AvroCodec.encode(Event.newBuilder().setKey(s.user()).setEventTime(s.ts())
                        .setToken(ShopEvents.TYPES.indexOf(s.type())).setLabel(s.next()).build()),
                false));
        return tests;
    }

    static DynamicTest fuzz(String name, IngestDecoder decoder, List<ShopEvents.Shop> seeds, Function<ShopEvents.Shop, byte[]> encode,
            boolean json) {
        return DynamicTest.dynamicTest(name, () -> {
            Random rnd = new Random(name.hashCode());
            List<byte[]> valid = seeds.stream().map(encode).toList();
            int inputs = 0;
            Map<ErrorKind, Integer> kinds = new EnumMap<>(ErrorKind.class);
            long worstRatio = 0;
            for (int i = 0; i < RECORDS; i++) {
                byte[] record = mutate(rnd, valid, json);
                long before = THREADS.getCurrentThreadAllocatedBytes();
                Ingested out = decoder.decode("fuzz", 0, i, 0L, null, record);
                long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
                int len = record == null ? 0 : record.length;
                if (allocated > FIXED_ALLOCATION + ALLOCATION_PER_BYTE * len) {
                    // First use of a code path (class loading, lazy parser set-up) costs once: the record's own cost is a second decode's.
                    before = THREADS.getCurrentThreadAllocatedBytes();
                    decoder.decode("fuzz", 0, i, 0L, null, record);
                    allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
                }
                assertThat(allocated).as("%s record %d of %d bytes allocated %d bytes", name, i, len, allocated)
                        .isLessThanOrEqualTo(FIXED_ALLOCATION + ALLOCATION_PER_BYTE * len);
                worstRatio = Math.max(worstRatio, allocated / Math.max(1, len));
                assertThat(out).isNotNull();
                if (out.isDeadLetter()) {
                    assertThat(out.input).isNull();
                    assertThat(out.deadLetter.getOffset()).isEqualTo(i);
                    assertThat(out.deadLetter.getMessage()).startsWith("fuzz/0@" + i + ": ");
                    ErrorKind k = out.deadLetter.getErrorKind();
                    assertThat(k).as("%s: %s", name, out.deadLetter.getMessage()).isNotEqualTo(ErrorKind.OTHER);
                    if (k == ErrorKind.MISSING_FIELD || k == ErrorKind.WRONG_FIELD_TYPE) {
                        assertThat(out.deadLetter.getMessage()).containsAnyOf("field '", "record key", "sequence key");
                        assertThat(out.deadLetter.getMessage()).containsAnyOf("expected", "needs");
                    }
                    kinds.merge(k, 1, Integer::sum);
                } else {
                    assertThat(out.input.key).isNotEmpty();
                    inputs++;
                }
            }
            System.out.printf("fuzz %s: %d records, %d inputs, dead letters %s, worst allocation/byte %d%n", name, RECORDS, inputs,
                    kinds, worstRatio);
            assertThat(inputs).as("some mutated records stay valid").isGreaterThan(RECORDS / 100);
            assertThat(kinds.values().stream().mapToInt(Integer::intValue).sum()).isGreaterThan(RECORDS / 4);
        });
    }

    static byte[] mutate(Random rnd, List<byte[]> valid, boolean json) {
        byte[] b = valid.get(rnd.nextInt(valid.size())).clone();
        int ops = 1 + rnd.nextInt(3);
        for (int op = 0; op < ops; op++) {
            int what = rnd.nextInt(json ? 10 : 9);
            if (b.length == 0) {
                b = new byte[]{ (byte) rnd.nextInt(256) };
            }
            int at = rnd.nextInt(b.length);
            switch (what) {
                case 0 -> b[at] ^= (byte) (1 << rnd.nextInt(8));
                case 1 -> b[at] = (byte) rnd.nextInt(256);
                case 2 -> { // a run of 0xff: giant varint lengths and counts
                    int n = 1 + rnd.nextInt(Math.min(6, b.length - at));
                    for (int j = 0; j < n; j++) {
                        b[at + j] = (byte) 0xff;
                    }
                    if (at + n < b.length) {
                        b[at + n] = 0x07;
                    }
                }
                case 3 -> b = java.util.Arrays.copyOf(b, at); // truncate
                case 4 -> { // delete a byte
                    byte[] c = new byte[b.length - 1];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(b, at + 1, c, at, b.length - at - 1);
                    b = c;
                }
                case 5 -> { // insert random bytes
                    int n = 1 + rnd.nextInt(8);
                    byte[] c = new byte[b.length + n];
                    System.arraycopy(b, 0, c, 0, at);
                    for (int j = 0; j < n; j++) {
                        c[at + j] = (byte) rnd.nextInt(256);
                    }
                    System.arraycopy(b, at, c, at + n, b.length - at);
                    b = c;
                }
                case 6 -> { // splice with another record
                    byte[] o = valid.get(rnd.nextInt(valid.size()));
                    int from = rnd.nextInt(o.length);
                    byte[] c = java.util.Arrays.copyOf(b, at + o.length - from);
                    System.arraycopy(o, from, c, at, o.length - from);
                    b = c;
                }
                case 7 -> { // a small varint-ish number at a random place (lengths, union branches, enum indexes)
                    b[at] = (byte) (rnd.nextInt(16) * 2);
                }
                case 8 -> { // leave as is (a valid record passes through the same path)
                }
                default -> b = jsonMutation(rnd, new String(b, StandardCharsets.UTF_8));
            }
        }
        return b;
    }

    static final String[] JSON_VALUES = { "null", "true", "-1", "0", "1e309", "\"\"", "\"x\"", "[]", "[1,\"a\"]", "{}", "{\"a\":{\"b\":1}}",
            "12345678901234567890123", "\"2026-12-03T14:05:00Z\"", "-0.0", "\"add_to_cart\"", "[[[[[[[[1]]]]]]]]", "1.5" };

    /** Replaces one value (after a ':') by another JSON type. */
    static byte[] jsonMutation(Random rnd, String s) {
        int colon = s.indexOf(':', rnd.nextInt(Math.max(1, s.length())));
        if (colon < 0) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        int end = colon + 1;
        int depth = 0;
        boolean inString = false;
        while (end < s.length()) {
            char c = s.charAt(end);
            if (inString) {
                if (c == '\\') {
                    end++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '[' || c == '{') {
                depth++;
            } else if (c == ']' || c == '}') {
                if (depth == 0) {
                    break;
                }
                depth--;
            } else if (c == ',' && depth == 0) {
                break;
            }
            end++;
        }
        return (s.substring(0, colon + 1) + JSON_VALUES[rnd.nextInt(JSON_VALUES.length)] + s.substring(end))
                .getBytes(StandardCharsets.UTF_8);
    }
}
