package io.seqstream.jobs.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.decode.JsonDecoder;
import io.seqstream.jobs.decode.RegistryAvroDecoder;
import io.seqstream.jobs.decode.RegistryUnavailableException;
import io.seqstream.jobs.decode.SchemaSource;
import io.seqstream.jobs.event.Ingested;
import io.seqstream.jobs.event.ModelInput;
import io.seqstream.jobs.mapping.spec.FieldMapping;
import io.seqstream.jobs.model.InputSpec;
import io.seqstream.jobs.source.EventDecoder;
import io.seqstream.jobs.source.IngestDecoder;
import io.seqstream.jobs.testing.ShopEvents;
import io.seqstream.schemas.ErrorKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappedRecordDecoderTest {
    @TempDir
    Path dir;

    static final ShopEvents.Shop CART = new ShopEvents.Shop("u1", 1_700_000_000_123L, "add_to_cart", 12.5, 3.25f, "e-1", "CH",
            List.of(1f, 2f, 3f), 3);

    JobConfig config(String... extra) throws Exception {
        Path vocab = dir.resolve("types.txt");
        Files.write(vocab, ShopEvents.TYPES);
        String[] base = { "--input.format", "json", "--mapping.key", "user_id", "--mapping.event-time", "ts",
                "--mapping.inputs", "lookup(event_type)", "--mapping.vocabularies", "event_type:" + vocab,
                "--mapping.label", "next_type_id", "--mapping.reset", "event_type == 'session_start'",
                "--mapping.event-id", "event_id", "--mapping.copy", "country,amount" };
        String[] all = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return JobConfig.fromArgs(all);
    }

    @Test
    void aJsonRecordBecomesAModelInputWithItsSourceAndJoinFields() throws Exception {
        IngestDecoder d = InputDecoders.forJob(config(), InputSpec.tokens(6));

        Ingested i = d.decode("shop", 2, 77, 5L, null, ShopEvents.json(CART));

        assertThat(i.isDeadLetter()).isFalse();
        ModelInput expected = ModelInput.token("u1", 1_700_000_000_123L, 2, 3, false).withSource("shop", 2, 77)
                .withJoinFields("e-1", new String[]{ "country", "CH", "amount", "12.5" });
        assertThat(i.input).isEqualTo(expected);
        assertThat(i.timestamp).isEqualTo(1_700_000_000_123L);
    }

    @Test
    void aBadRecordIsADeadLetterNamingOffsetFieldAndExpectedType() throws Exception {
        IngestDecoder d = InputDecoders.forJob(config(), InputSpec.tokens(6));
        byte[] bad = "{\"user_id\": \"u1\", \"ts\": 5, \"event_type\": 17.5}".getBytes(StandardCharsets.UTF_8);

        Ingested i = d.decode("shop", 2, 78, 5L, "k".getBytes(StandardCharsets.UTF_8), bad);

        assertThat(i.isDeadLetter()).isTrue();
        assertThat(i.deadLetter.getErrorKind()).isEqualTo(ErrorKind.WRONG_FIELD_TYPE);
        assertThat(i.deadLetter.getMessage())
                .startsWith("shop/2@78: field 'event_type': expected a string (or integer) category, found double '17.5'");
        assertThat(i.deadLetter.getOffset()).isEqualTo(78);
        assertThat(i.deadLetter.getRawValue().array()).containsExactly(bad);
        assertThat(i.timestamp).isEqualTo(5L);
    }

    @Test
    void theSeqstreamFormatKeepsTheEventDecoderAndMisfitsFailAtBuild() throws Exception {
        assertThat(InputDecoders.forJob(JobConfig.defaults(), InputSpec.tokens(6))).isInstanceOf(EventDecoder.class);
        assertThatThrownBy(() -> InputDecoders.forJob(config(), InputSpec.tokens(3)))
                .hasMessageContaining("mapping.* does not fit the model").hasMessageContaining("indexes up to 5");
        assertThatThrownBy(() -> InputDecoders.forJob(config("--mapping.inputs", "features(amount)"), InputSpec.tokens(6)))
                .hasMessageContaining("another kind of input");
        assertThatThrownBy(() -> JobConfig.fromArgs("--mapping.inputs", "tokens(x)")).hasMessageContaining("mapping.inputs")
                .hasMessageContaining("unknown input kind");
        assertThatThrownBy(() -> JobConfig.fromArgs("--registry.url", "ftp://x")).hasMessageContaining("http:// or https://");
        assertThatThrownBy(() -> JobConfig.fromArgs("--mapping.reset", "event_type")).hasMessageContaining("field == value");
        assertThat(JobConfig.fromArgs("--registry.basic-auth.user-info", "me:secret").describe()).doesNotContain("secret");
    }

    @Test
    void aRegistryOutageFailsTheJobInsteadOfDeadLetteringGoodRecords() {
        SchemaSource down = id -> {
            throw new RegistryUnavailableException("registry down", null);
        };
        RecordMapper mapper = new RecordMapper(FieldMapping.builder(FieldMapping.parseInputs("token(next_type_id)")).build(),
                List.of(InputSpec.tokens(6)));
        MappedRecordDecoder d = new MappedRecordDecoder(new RegistryAvroDecoder(down, null), mapper, 1000);

        assertThatThrownBy(() -> d.decode("t", 0, 1, 0, null, ShopEvents.framed(1, new byte[]{ 2 })))
                .isInstanceOf(RegistryUnavailableException.class);
        assertThat(new MappedRecordDecoder(new JsonDecoder(100), mapper, 1000).decode("t", 0, 1, 0, null, new byte[]{ '{' })
                .isDeadLetter()).isTrue();
    }
}
