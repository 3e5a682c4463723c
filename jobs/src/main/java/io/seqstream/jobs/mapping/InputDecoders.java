package io.seqstream.jobs.mapping;

import io.seqstream.jobs.config.ConfigException;
import io.seqstream.jobs.config.ConfigKeys;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.decode.FieldPath;
import io.seqstream.jobs.decode.InputFormat;
import io.seqstream.jobs.decode.JsonDecoder;
import io.seqstream.jobs.decode.PlainAvroDecoder;
import io.seqstream.jobs.decode.RecordDecoder;
import io.seqstream.jobs.decode.RegistryAvroDecoder;
import io.seqstream.jobs.decode.RegistryClient;
import io.seqstream.jobs.decode.RegistrySettings;
import io.seqstream.jobs.mapping.spec.FieldMapping;
import io.seqstream.jobs.mapping.spec.Vocabulary;
import io.seqstream.jobs.model.InputSpec;
import io.seqstream.jobs.source.EventDecoder;
import io.seqstream.jobs.source.IngestDecoder;
import io.seqstream.jobs.validate.EventValidator;
import io.seqstream.schemas.AvroDecodeException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * The source decoder the configuration asks for ({@code input.format}, {@code mapping.*}, {@code registry.*}),
 * checked against the model's input when the job is built: a wrong mapping or schema stops the job at start with
 * the key that is wrong.
 */
public final class InputDecoders {
    private InputDecoders() {
    }

    public static IngestDecoder forJob(JobConfig config, InputSpec modelInput) {
        return forJob(config, List.of(modelInput));
    }

    /** The decoder for a model with these inputs per event, in order. */
    public static IngestDecoder forJob(JobConfig config, List<InputSpec> modelInputs) {
        int maxRaw = config.get(ConfigKeys.DEAD_LETTER_MAX_RAW_BYTES);
        InputFormat format = config.get(ConfigKeys.INPUT_FORMAT);
        if (!format.mapped()) {
            if (modelInputs.size() != 1) {
                throw new ConfigException("input.format=" + format.name().toLowerCase().replace('_', '-') + ": the job's Event"
                        + " records carry one token or one feature vector, but the model takes " + modelInputs.size() + " inputs per"
                        + " event " + modelInputs + "; use input.format json, avro or avro-registry with mapping.inputs");
            }
            return new EventDecoder(new EventValidator(modelInputs.get(0)), maxRaw);
        }
        RecordMapper mapper;
        try {
            mapper = new RecordMapper(mapping(config), modelInputs);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("mapping.* does not fit the model: " + e.getMessage());
        }
        return new MappedRecordDecoder(recordDecoder(config, format), mapper, maxRaw);
    }

    /** The value decoder of a mapped format. */
    public static RecordDecoder recordDecoder(JobConfig config, InputFormat format) {
        Schema reader = config.find(ConfigKeys.INPUT_AVRO_READER_SCHEMA).map(p -> schema(p, ConfigKeys.INPUT_AVRO_READER_SCHEMA.name()))
                .orElse(null);
        try {
            return switch (format) {
                case AVRO -> new PlainAvroDecoder(schema(config.get(ConfigKeys.INPUT_AVRO_WRITER_SCHEMA),
                        ConfigKeys.INPUT_AVRO_WRITER_SCHEMA.name()), reader);
                case AVRO_REGISTRY -> new RegistryAvroDecoder(new RegistryClient(registry(config)), reader);
                case JSON -> new JsonDecoder(config.get(ConfigKeys.INPUT_MAX_RECORD_BYTES));
                case SEQSTREAM -> throw new IllegalArgumentException("seqstream records are not mapped");
            };
        } catch (AvroDecodeException e) {
            throw new ConfigException("input.avro.reader-schema cannot read input.avro.writer-schema: " + e.getMessage());
        }
    }

    /** The field mapping of {@code mapping.*}; vocabulary files are read now. */
    public static FieldMapping mapping(JobConfig config) {
        FieldMapping.Builder b = FieldMapping.builder(FieldMapping.parseInputs(config.get(ConfigKeys.MAPPING_INPUTS)))
                .key(FieldMapping.keySource(config.get(ConfigKeys.MAPPING_KEY)))
                .eventTime(FieldMapping.timeSource(config.get(ConfigKeys.MAPPING_EVENT_TIME)));
        config.find(ConfigKeys.MAPPING_VOCABULARIES).ifPresent(v -> {
            for (Map.Entry<String, Path> e : ConfigKeys.parseVocabularyFiles(v).entrySet()) {
                b.vocabulary(e.getKey(), Vocabulary.load(e.getValue()));
            }
        });
        config.find(ConfigKeys.MAPPING_LABEL).ifPresent(f -> b.label(FieldPath.parse(f)));
        config.find(ConfigKeys.MAPPING_RESET).ifPresent(r -> {
            String[] fv = ConfigKeys.parseReset(r);
            b.reset(FieldPath.parse(fv[0]), fv[1]);
        });
        config.find(ConfigKeys.MAPPING_EVENT_ID).ifPresent(f -> b.eventId(FieldPath.parse(f)));
        config.find(ConfigKeys.MAPPING_COPY).ifPresent(c -> b.copy(FieldMapping.parseFields(c)));
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    public static RegistrySettings registry(JobConfig config) {
        return new RegistrySettings(config.get(ConfigKeys.REGISTRY_URL),
                config.find(ConfigKeys.REGISTRY_BASIC_AUTH_USER_INFO).orElse(""),
                config.find(ConfigKeys.REGISTRY_TRUSTSTORE_LOCATION).map(Path::toString).orElse(""),
                config.find(ConfigKeys.REGISTRY_TRUSTSTORE_PASSWORD).orElse(""),
                config.get(ConfigKeys.REGISTRY_TRUSTSTORE_TYPE), config.get(ConfigKeys.REGISTRY_TIMEOUT));
    }

    static Schema schema(Path file, String key) {
        try {
            return new Schema.Parser().parse(file.toFile());
        } catch (IOException | SchemaParseException e) {
            throw new ConfigException(key + ": cannot read Avro schema " + file + ": " + e.getMessage());
        }
    }
}
