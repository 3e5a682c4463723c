package io.seqstream.jobs.decode;

import static io.seqstream.jobs.decode.RegistryAvroDecoderTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.schemas.ErrorKind;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonDecoderTest {
    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsScalarsArraysAndNestedObjectsByPath() throws Exception {
        FieldRecord r = new JsonDecoder(1024).decode(utf8("""
                {"s": "x", "i": 7, "big": 12345678901, "d": 2.5, "b": true, "n": null, "a": [1, 2.5], "o": {"p": {"q": "deep"}}}"""));

        assertThat(r.get(FieldPath.parse("s"))).isEqualTo("x");
        assertThat(r.get(FieldPath.parse("i"))).isEqualTo(7L);
        assertThat(r.get(FieldPath.parse("big"))).isEqualTo(12345678901L);
        assertThat(r.get(FieldPath.parse("d"))).isEqualTo(2.5);
        assertThat(r.get(FieldPath.parse("b"))).isEqualTo(true);
        assertThat(r.get(FieldPath.parse("n"))).isNull();
        assertThat(r.get(FieldPath.parse("missing"))).isNull();
        assertThat(r.get(FieldPath.parse("a"))).isEqualTo(List.of(1L, 2.5));
        assertThat(r.get(FieldPath.parse("o.p.q"))).isEqualTo("deep");
        assertThat(r.get(FieldPath.parse("s.t"))).isNull();
    }

    @Test
    void nonObjectsGarbageDuplicatesAndOversizedValuesAreDecodeErrors() {
        JsonDecoder d = new JsonDecoder(100);

        assertError(d, utf8("[1, 2]"), ErrorKind.UNDECODABLE, "a JSON array");
        assertError(d, utf8("{\"a\": 1} trailing"), ErrorKind.UNDECODABLE, "not a JSON object");
        assertError(d, utf8("{\"a\": 1, \"a\": 2}"), ErrorKind.UNDECODABLE, "Duplicate field 'a'");
        assertError(d, utf8("{\"a\": "), ErrorKind.UNDECODABLE, "not a JSON object");
        assertError(d, utf8(""), ErrorKind.UNDECODABLE, "empty");
        assertError(d, new byte[101], ErrorKind.OVERSIZED, "101 bytes is over input.max-record-bytes=100");
        assertError(d, utf8("[".repeat(40) + "]".repeat(40)), ErrorKind.UNDECODABLE, "not a JSON object");
        assertError(d, null, ErrorKind.UNDECODABLE, "tombstone");
    }
}
