package io.seqstream.schemas;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;
import org.apache.avro.Schema;
import org.apache.avro.Schema.Field;

/**
 * Walks one binary-encoded datum against its writer schema without allocating anything, before Avro
 * decodes it.
 *
 * <p>Why: Avro's binary decoder trusts the lengths in the data. In 1.12 it checks them only against the
 * JVM-wide {@code org.apache.avro.limits.*} system properties (read once, default ~2^31), then allocates:
 * generated {@code customDecode} sizes a list from the first block count and {@code readBytes} allocates
 * the claimed length before reading it. A few crafted bytes would then cost gigabytes. This scan checks
 * every length and item count against the bytes that actually remain (times the smallest encoded size of
 * an element) and against the {@link AvroCodec} limits, so the real decode only allocates in proportion
 * to the input. It also rejects what Avro would misread silently: out-of-range union or enum indexes,
 * booleans other than 0/1, over-long varints, and trailing bytes.
 */
final class DatumScanner {

    // Schemas cache their hash code and compare to themselves by identity first: lookups are cheap.
    private static final Map<Schema, Integer> MIN_ITEM_SIZES = new ConcurrentHashMap<>();
    private static final Map<Schema, Integer> BREAKING_SIZES = new ConcurrentHashMap<>();
    private static final int MAX_CACHED_SCHEMAS = 4096;

    /** Deeper nesting only happens with recursive schemas; stop before the stack does. */
    private static final int MAX_DEPTH = 64;

    private static final Schema MAP_KEY = Schema.create(Schema.Type.STRING);

    private final byte[] data;
    private final String what;
    private int pos;

    private DatumScanner(byte[] data, String what) {
        this.data = data;
        this.what = what;
    }

    /**
     * Checks that {@code data} holds exactly one datum of {@code writer} within the codec limits.
     *
     * @param what name of the expected record, for messages
     * @throws AvroDecodeException if it does not
     */
    static void check(Schema writer, byte[] data, String what) {
        check(writer, data, 0, what);
    }

    /** As {@link #check(Schema, byte[], String)} for the datum that starts at {@code from} (after a framing header). */
    static void check(Schema writer, byte[] data, int from, String what) {
        if (data.length > AvroCodec.MAX_MESSAGE_BYTES) {
            throw new AvroDecodeException(ErrorKind.OVERSIZED, what + ": " + data.length
                    + " bytes exceed the limit of " + AvroCodec.MAX_MESSAGE_BYTES);
        }
        DatumScanner scanner = new DatumScanner(data, what);
        scanner.pos = from;
        scanner.skip(writer, 0);
        if (scanner.pos != data.length) {
            throw scanner.malformed((data.length - scanner.pos)
                    + " trailing bytes after the datum (corrupt input or another schema)");
        }
    }

    /**
     * Fewer encoded bytes than this cannot break a codec limit for a datum of {@code schema}: a string over the
     * limit needs more bytes than that limit, and a collection over its item limit needs that many items of at
     * least their smallest encoded size. 0 (always scan) when an item can encode to no bytes at all, or when the
     * schema nests deep enough (or recursively) to reach the depth limit. Computed once per schema.
     */
    static int smallestBreakingSize(Schema schema) {
        return cached(BREAKING_SIZES, schema,
                s -> (int) Math.min(breakingSize(s, 0, new IdentityHashMap<>()), AvroCodec.MAX_STRING_BYTES + 1L));
    }

    private static long breakingSize(Schema schema, int depth, Map<Schema, Boolean> visiting) {
        if (depth >= MAX_DEPTH / 2) {
            return 0; // deep enough to come near the scanner's depth limit, however it counts: always scan
        }
        return switch (schema.getType()) {
            case STRING -> AvroCodec.MAX_STRING_BYTES + 1L;
            case UNION -> schema.getTypes().stream().mapToLong(t -> breakingSize(t, depth + 1, visiting)).min().orElse(Long.MAX_VALUE);
            case RECORD -> {
                if (visiting.put(schema, Boolean.TRUE) != null) {
                    yield 0; // recursive: nesting is unbounded
                }
                long min = Long.MAX_VALUE;
                for (Field field : schema.getFields()) {
                    min = Math.min(min, breakingSize(field.schema(), depth + 1, visiting));
                }
                visiting.remove(schema);
                yield min;
            }
            case ARRAY -> {
                Schema items = schema.getElementType();
                int limit = items.getType() == Schema.Type.FLOAT ? AvroCodec.MAX_FEATURES : AvroCodec.MAX_COLLECTION_ITEMS;
                yield Math.min((limit + 1L) * minItemSize(items), breakingSize(items, depth + 1, visiting));
            }
            case MAP -> Math.min((AvroCodec.MAX_COLLECTION_ITEMS + 1L) * (minItemSize(schema.getValueType()) + 1),
                    breakingSize(schema.getValueType(), depth + 1, visiting));
            default -> Long.MAX_VALUE;
        };
    }

    private void skip(Schema schema, int depth) {
        if (depth > MAX_DEPTH) {
            throw malformed("nesting deeper than " + MAX_DEPTH);
        }
        switch (schema.getType()) {
            case NULL -> {
            }
            case BOOLEAN -> {
                int b = readByte();
                if (b > 1) {
                    throw malformed("boolean byte " + b + " at offset " + (pos - 1));
                }
            }
            case INT -> readVarLong(5);
            case LONG -> readVarLong(10);
            case FLOAT -> advance(4);
            case DOUBLE -> advance(8);
            case FIXED -> advance(schema.getFixedSize());
            case STRING -> {
                long length = readLength("string");
                if (length > AvroCodec.MAX_STRING_BYTES) {
                    throw oversized("string of " + length + " bytes exceeds the limit of " + AvroCodec.MAX_STRING_BYTES);
                }
                advance(length);
            }
            case BYTES -> advance(readLength("bytes"));
            case ENUM -> readIndex(schema.getEnumSymbols().size(), "enum " + schema.getName());
            case UNION -> {
                int branch = readIndex(schema.getTypes().size(), "union");
                skip(schema.getTypes().get(branch), depth + 1);
            }
            case RECORD -> {
                for (Field field : schema.getFields()) {
                    skip(field.schema(), depth + 1);
                }
            }
            case ARRAY -> {
                Schema items = schema.getElementType();
                int limit = items.getType() == Schema.Type.FLOAT ? AvroCodec.MAX_FEATURES : AvroCodec.MAX_COLLECTION_ITEMS;
                skipBlocks(items, null, limit, depth);
            }
            case MAP -> skipBlocks(schema.getValueType(), MAP_KEY, AvroCodec.MAX_COLLECTION_ITEMS, depth);
        }
    }

    /** Arrays and maps: blocks of items until a zero count; a map item is a string key then a value. */
    private void skipBlocks(Schema value, Schema key, int limit, int depth) {
        int minItemSize = minItemSize(value) + (key == null ? 0 : 1);
        int fixedItemSize = key == null ? fixedSize(value) : -1;
        long total = 0;
        while (true) {
            long count = readVarLong(10);
            if (count == 0) {
                return;
            }
            if (count < 0) {
                // A negative count is followed by the block's size in bytes (lets readers skip blocks).
                if (count == Long.MIN_VALUE) {
                    throw malformed("invalid block count");
                }
                count = -count;
                long blockBytes = readVarLong(10);
                if (blockBytes < 0 || blockBytes > remaining()) {
                    throw malformed("block claims " + blockBytes + " bytes but " + remaining() + " remain");
                }
            }
            if (count > limit - total) {
                throw oversized((total + count) + " items exceed the limit of " + limit);
            }
            total += count;
            if (minItemSize > 0 && count > remaining() / minItemSize) {
                throw malformed("block claims " + count + " items of at least " + minItemSize + " bytes but only "
                        + remaining() + " bytes remain");
            }
            if (fixedItemSize >= 0) {
                advance(count * fixedItemSize);
                continue;
            }
            for (long i = 0; i < count; i++) {
                if (key != null) {
                    skip(key, depth + 1);
                }
                skip(value, depth + 1);
            }
        }
    }

    /** {@link #minSize} of an array's or map's items, computed once per schema: it is asked for every array read. */
    private static int minItemSize(Schema items) {
        return cached(MIN_ITEM_SIZES, items, s -> minSize(s, new IdentityHashMap<>()));
    }

    /** The value for {@code schema} in {@code cache}, computed on a miss; the cache is emptied when it grows large. */
    private static int cached(Map<Schema, Integer> cache, Schema schema, ToIntFunction<Schema> compute) {
        Integer hit = cache.get(schema);
        if (hit != null) {
            return hit;
        }
        int value = compute.applyAsInt(schema);
        if (cache.size() >= MAX_CACHED_SCHEMAS) {
            cache.clear(); // schemas of many writer versions: bounded, recomputed on demand
        }
        cache.put(schema, value);
        return value;
    }

    /** Smallest number of bytes one value of {@code schema} can take; 0 when a cycle is met. */
    private static int minSize(Schema schema, Map<Schema, Boolean> visiting) {
        return switch (schema.getType()) {
            case NULL -> 0;
            case BOOLEAN, INT, LONG, ENUM, STRING, BYTES, ARRAY, MAP -> 1;
            case FLOAT -> 4;
            case DOUBLE -> 8;
            case FIXED -> schema.getFixedSize();
            case UNION -> {
                int min = Integer.MAX_VALUE;
                for (Schema branch : schema.getTypes()) {
                    min = Math.min(min, minSize(branch, visiting));
                }
                yield 1 + min;
            }
            case RECORD -> {
                if (visiting.put(schema, Boolean.TRUE) != null) {
                    yield 0;
                }
                long sum = 0;
                for (Field field : schema.getFields()) {
                    sum += minSize(field.schema(), visiting);
                }
                visiting.remove(schema);
                yield (int) Math.min(sum, Integer.MAX_VALUE);
            }
        };
    }

    /** Exact encoded size when every value of {@code schema} has the same size, else -1. */
    private static int fixedSize(Schema schema) {
        return switch (schema.getType()) {
            case NULL -> 0;
            case FLOAT -> 4;
            case DOUBLE -> 8;
            case FIXED -> schema.getFixedSize();
            default -> -1;
        };
    }

    private long readLength(String kind) {
        long length = readVarLong(10);
        if (length < 0) {
            throw malformed("negative " + kind + " length " + length);
        }
        return length;
    }

    private int readIndex(int size, String kind) {
        long index = readVarLong(5);
        if (index < 0 || index >= size) {
            throw malformed(kind + " index " + index + " out of range [0, " + size + ")");
        }
        return (int) index;
    }

    /** Avro's zig-zag varint: at most 5 bytes for an int, 10 for a long. */
    private long readVarLong(int maxBytes) {
        long raw = 0;
        for (int i = 0; i < maxBytes; i++) {
            int b = readByte();
            raw |= (long) (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw malformed("varint longer than " + maxBytes + " bytes at offset " + (pos - maxBytes));
    }

    private int readByte() {
        if (pos >= data.length) {
            throw malformed("truncated: input ends at byte " + data.length);
        }
        return data[pos++] & 0xff;
    }

    private void advance(long n) {
        if (n > remaining()) {
            throw malformed("truncated: " + n + " bytes needed at offset " + pos + " but " + remaining() + " remain");
        }
        pos += (int) n;
    }

    private int remaining() {
        return data.length - pos;
    }

    private AvroDecodeException malformed(String reason) {
        return new AvroDecodeException(ErrorKind.UNDECODABLE, what + ": " + reason);
    }

    private AvroDecodeException oversized(String reason) {
        return new AvroDecodeException(ErrorKind.OVERSIZED, what + ": " + reason);
    }
}
