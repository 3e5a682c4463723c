package io.seqstream.jobs.decode;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.seqstream.schemas.ErrorKind;
import java.io.IOException;

/**
 * {@code input.format=json}: each value is one JSON object (UTF-8). Bounded: a value over
 * {@code maxRecordBytes} is refused before parsing; nesting, string and number lengths are limited by the
 * parser's read constraints, so a record costs memory in proportion to its size.
 */
public final class JsonDecoder implements RecordDecoder {
    private static final long serialVersionUID = 1L;
    static final int MAX_DEPTH = 32;
    static final int MAX_NUMBER_CHARS = 64;

    private final int maxRecordBytes;
    private transient ObjectReader reader;

    public JsonDecoder(int maxRecordBytes) {
        this.maxRecordBytes = maxRecordBytes;
    }

    @Override
    public FieldRecord decode(byte[] value) throws DecodeException {
        if (value == null) {
            throw new DecodeException(ErrorKind.UNDECODABLE, "record has no value (a tombstone); a JSON object was expected");
        }
        if (value.length > maxRecordBytes) {
            throw new DecodeException(ErrorKind.OVERSIZED, "JSON value of " + value.length + " bytes is over input.max-record-bytes="
                    + maxRecordBytes);
        }
        JsonNode node;
        try {
            node = reader().readTree(value);
        } catch (IOException | RuntimeException e) {
            String m = String.valueOf(e.getMessage());
            int cut = m.indexOf('\n');
            throw new DecodeException(ErrorKind.UNDECODABLE, "not a JSON object: " + (cut > 0 ? m.substring(0, cut) : m));
        }
        if (node == null || !node.isObject()) {
            throw new DecodeException(ErrorKind.UNDECODABLE, "not a JSON object: the value is "
                    + (node == null || node.isMissingNode()
                            ? "empty"
                            : "a JSON " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
        }
        return new JsonFieldRecord(node);
    }

    private ObjectReader reader() {
        if (reader == null) {
            JsonFactory f = JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_DEPTH)
                            .maxNumberLength(MAX_NUMBER_CHARS)
                            .maxStringLength(Math.max(1024, maxRecordBytes))
                            .maxDocumentLength(maxRecordBytes)
                            .build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build();
            reader = new ObjectMapper(f).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).reader();
        }
        return reader;
    }
}
