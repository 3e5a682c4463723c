package io.seqstream.jobs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.seqstream.jobs.KafkaPredictionJob;
import io.seqstream.jobs.config.ConfigKeys;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.event.ModelInput;
import io.seqstream.jobs.model.StepModelBackend;
import io.seqstream.jobs.testing.KafkaTopics;
import io.seqstream.jobs.testing.Reference;
import io.seqstream.jobs.testing.ShopEvents;
import io.seqstream.jobs.testing.TestModels;
import io.seqstream.model.Model;
import io.seqstream.schemas.AvroCodec;
import io.seqstream.schemas.DeadLetter;
import io.seqstream.schemas.ErrorKind;
import io.seqstream.schemas.Prediction;
import io.seqstream.testkit.EmbeddedKafka;
import io.seqstream.testkit.LocalSchemaRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Users' own topics through the whole job on the real in-process broker: a JSON topic whose string event types go
 * through the model's lookup vocabulary into a token model (JSON predictions), and a registry-Avro topic (the
 * schema served by the registry stand-in, two writer schema versions) whose numeric fields are a feature model's
 * input (registry-framed predictions). Per key, the predictions equal model-core predict() on the mapped sequence,
 * carry their source offsets and copied fields, and bad records are dead letters naming field and offset.
 */
class MappedFormatsKafkaTest {
    static final String TMP = System.getProperty("java.io.tmpdir");
    static final ObjectMapper JSON = new ObjectMapper();
    static final double TOL = 1e-5;
    static final int TYPES = ShopEvents.TYPES.size() + 1; // + OOV

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).setConfiguration(PredictionJobKafkaTest.flinkConfig()).build());

    static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start(Path.of(TMP));
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    static JobConfig setUp(String name, String... extra) {
        String id = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        kafka.createTopic(id + "-events", 2, Map.of());
        kafka.createTopic(id + "-predictions", 2, Map.of());
        kafka.createTopic(id + "-dead-letters", 1, Map.of());
        JobConfig c = JobConfig.fromArgs("--kafka.bootstrap", kafka.bootstrapServers(), "--kafka.group-id", id,
                "--kafka.transactional-id-prefix", id, "--kafka.transaction-timeout", "2m", "--topics.events", id + "-events",
                "--topics.predictions", id + "-predictions", "--topics.dead-letters", id + "-dead-letters", "--source.start", "earliest",
                "--parallelism", "2", "--batch.size", "16", "--checkpoint.interval", "300ms",
                "--checkpoint.dir", Path.of(TMP, "checkpoints-" + id).toUri().toString(), "--top-k", "3", "--output.full-vector", "true",
                "--models.watch", "false");
        for (int i = 0; i < extra.length; i += 2) {
            c = c.with(extra[i], extra[i + 1]);
        }
        return c;
    }

    /** Shop events of many keys, interleaved, in time order per key; about one in 30 a session start. */
    static List<ShopEvents.Shop> shopEvents(int keys, int perKey, long seed) {
        Random rnd = new Random(seed);
        List<List<ShopEvents.Shop>> pending = new ArrayList<>();
        for (int k = 0; k < keys; k++) {
            List<ShopEvents.Shop> seq = new ArrayList<>();
            for (int t = 0; t < perKey; t++) {
                String type = t > 0 && rnd.nextInt(30) == 0
                        ? "session_start"
                        : rnd.nextInt(20) == 0 ? "never_seen_type" : ShopEvents.TYPES.get(rnd.nextInt(4));
                seq.add(new ShopEvents.Shop("user-" + k, 1_700_000_000_000L + t * 1000L + k, type, rnd.nextInt(10_000) / 100.0,
                        rnd.nextFloat() * 60, "e-" + k + "-" + t, k % 2 == 0 ? "CH" : "DE",
                        List.of(rnd.nextFloat(), rnd.nextFloat(), rnd.nextFloat()), null));
            }
            pending.add(seq);
        }
        List<ShopEvents.Shop> stream = new ArrayList<>();
        while (!pending.isEmpty()) {
            int k = rnd.nextInt(pending.size());
            stream.add(pending.get(k).remove(0));
            if (pending.get(k).isEmpty()) {
                pending.remove(k);
            }
        }
        return stream;
    }

    /**
     * The committed records of a topic once there are {@code expected} of them (or after 60 s): the sink's last
     * transaction may become visible to read_committed readers a moment after the bounded job has finished.
     */
    static List<ConsumerRecord<byte[], byte[]>> awaitCommitted(String topic, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        List<ConsumerRecord<byte[], byte[]>> out = KafkaTopics.readCommitted(kafka.bootstrapServers(), topic);
        while (out.size() < expected && System.nanoTime() < deadline) {
            Thread.sleep(500);
            out = KafkaTopics.readCommitted(kafka.bootstrapServers(), topic);
        }
        return out;
    }

    static void assertMatchesReference(Model model, Map<String, List<ModelInput>> sent, Map<String, List<float[]>> gotOutputs,
            Map<String, List<Long>> gotSteps) {
        assertThat(gotOutputs.keySet()).containsExactlyInAnyOrderElementsOf(sent.keySet());
        for (var e : sent.entrySet()) {
            List<float[]> ref = Reference.outputs(model, e.getValue());
            assertThat(gotSteps.get(e.getKey())).as("steps of %s", e.getKey()).containsExactlyElementsOf(Reference.steps(e.getValue()));
            List<float[]> got = gotOutputs.get(e.getKey());
            assertThat(got).hasSameSizeAs(ref);
            for (int t = 0; t < ref.size(); t++) {
                for (int j = 0; j < ref.get(t).length; j++) {
                    assertThat((double) got.get(t)[j]).as("%s event %d class %d", e.getKey(), t, j).isCloseTo(ref.get(t)[j], within(TOL));
                }
            }
        }
    }

    @Test
    @Timeout(180)
    void aJsonTopicWithStringEventTypesThroughTheLookupVocabulary() throws Exception {
        Path vocab = Files.createTempFile(Path.of(TMP), "types", ".txt");
        Files.write(vocab, ShopEvents.TYPES);
        JobConfig config = setUp("json", "input.format", "json", "mapping.key", "user_id", "mapping.event-time", "ts",
                "mapping.inputs", "lookup(event_type)", "mapping.vocabularies", "event_type:" + vocab,
                "mapping.reset", "event_type == session_start", "mapping.event-id", "event_id", "mapping.copy", "country, amount",
                "output.format", "json");
        Model model = TestModels.tokenModel(TYPES, 8, 16, 41);
        String topic = config.get(ConfigKeys.TOPIC_EVENTS);
        List<ShopEvents.Shop> events = shopEvents(200, 15, 5);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        List<Integer> bad = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            ShopEvents.Shop s = events.get(i);
            byte[] key = s.user().getBytes(StandardCharsets.UTF_8);
            if (i % 500 == 250) {
                bad.add(records.size());
                records.add(new ProducerRecord<>(topic, key, ("{\"user_id\": \"" + s.user() + "\", \"ts\": 1, \"event_type\": 42.5}")
                        .getBytes(StandardCharsets.UTF_8)));
            }
            records.add(new ProducerRecord<>(topic, key, ShopEvents.json(s)));
        }
        List<RecordMetadata> written = KafkaTopics.write(kafka.bootstrapServers(), records);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        KafkaPredictionJob.build(env, StepModelBackend.of(model, 1), config, true);
        env.execute("json topic it");

        Map<String, List<ModelInput>> sent = new LinkedHashMap<>();
        Map<String, ShopEvents.Shop> byEventId = new HashMap<>();
        for (ShopEvents.Shop s : events) {
            int token = ShopEvents.TYPES.indexOf(s.type()) + 1; // StringLookup: 0 is OOV
            sent.computeIfAbsent(s.user(), k -> new ArrayList<>())
                    .add(ModelInput.token(s.user(), s.ts(), token, s.type().equals("session_start")));
            byEventId.put(s.eventId(), s);
        }
        Map<String, List<float[]>> outputs = new LinkedHashMap<>();
        Map<String, List<Long>> steps = new LinkedHashMap<>();
        List<ConsumerRecord<byte[], byte[]>> out = awaitCommitted(config.get(ConfigKeys.TOPIC_PREDICTIONS), events.size());
        assertThat(out).hasSize(events.size());
        for (ConsumerRecord<byte[], byte[]> r : out) {
            JsonNode p = JSON.readTree(r.value());
            String key = p.get("key").asText();
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(key);
            float[] o = new float[TYPES];
            for (int j = 0; j < TYPES; j++) {
                o[j] = (float) p.get("output").get(j).asDouble();
            }
            outputs.computeIfAbsent(key, k -> new ArrayList<>()).add(o);
            steps.computeIfAbsent(key, k -> new ArrayList<>()).add(p.get("step").asLong());
            ShopEvents.Shop src = byEventId.get(p.get("eventId").asText());
            assertThat(src.user()).isEqualTo(key);
            assertThat(p.get("eventTime").asLong()).isEqualTo(src.ts());
            assertThat(p.get("sourceTopic").asText()).isEqualTo(topic);
            assertThat(p.get("sourceOffset").asLong()).isNotNegative();
            assertThat(p.get("fields").get("country").asText()).isEqualTo(src.country());
            assertThat(Double.parseDouble(p.get("fields").get("amount").asText())).isEqualTo(src.amount());
        }
        assertMatchesReference(model, sent, outputs, steps);

        List<DeadLetter> dead = awaitCommitted(config.get(ConfigKeys.TOPIC_DEAD_LETTERS), bad.size()).stream()
                .map(r -> AvroCodec.decode(r.value(), DeadLetter.class)).toList();
        assertThat(dead).hasSize(bad.size());
        assertThat(dead).extracting(d -> d.getPartition() + "@" + d.getOffset()).containsExactlyInAnyOrderElementsOf(
                bad.stream().map(i -> written.get(i).partition() + "@" + written.get(i).offset()).toList());
        assertThat(dead).allSatisfy(d -> {
            assertThat(d.getErrorKind()).isEqualTo(ErrorKind.WRONG_FIELD_TYPE);
            assertThat(d.getMessage()).startsWith(topic + "/" + d.getPartition() + "@" + d.getOffset() + ": field 'event_type': expected");
        });
    }

    @Test
    @Timeout(180)
    void aRegistryAvroTopicWithNumericFieldsAndRegistryFramedPredictions() throws Exception {
        try (LocalSchemaRegistry registry = LocalSchemaRegistry.start()) {
            JobConfig config = setUp("registry", "input.format", "avro-registry", "registry.url", registry.url(),
                    "mapping.key", "user_id", "mapping.event-time", "ts", "mapping.inputs", "features(amount, seconds_since_last)",
                    "mapping.copy", "event_type", "output.format", "avro-registry");
            Model model = TestModels.featureModel(2, 4, 43);
            String topic = config.get(ConfigKeys.TOPIC_EVENTS);
            int v1 = registry.register(topic + "-value", ShopEvents.SCHEMA);
            // A second writer version with a field more: the job reads both (each with its own writer schema).
            org.apache.avro.Schema v2Schema = new org.apache.avro.Schema.Parser().parse(ShopEvents.SCHEMA.toString()
                    .replace("{\"name\":\"country\",\"type\":\"string\"}",
                            "{\"name\":\"country\",\"type\":\"string\"},{\"name\":\"channel\",\"type\":\"string\",\"default\":\"web\"}"));
            assertThat(v2Schema.getField("channel")).isNotNull();
            int v2 = registry.register(topic + "-value", v2Schema);
            List<ShopEvents.Shop> events = shopEvents(150, 12, 7);
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            for (int i = 0; i < events.size(); i++) {
                ShopEvents.Shop s = events.get(i);
                byte[] body;
                int id;
                if (i % 2 == 0) {
                    body = ShopEvents.avroBytes(ShopEvents.SCHEMA, ShopEvents.avro(s));
                    id = v1;
                } else {
                    org.apache.avro.generic.GenericRecord r = new org.apache.avro.generic.GenericData.Record(v2Schema);
                    s.fields().forEach(r::put);
                    r.put("channel", "app");
                    body = ShopEvents.avroBytes(v2Schema, r);
                    id = v2;
                }
                records.add(new ProducerRecord<>(topic, s.user().getBytes(StandardCharsets.UTF_8), ShopEvents.framed(id, body)));
            }
            byte[] unknownId = ShopEvents.framed(999, ShopEvents.avroBytes(ShopEvents.SCHEMA, ShopEvents.avro(events.get(0))));
            records.add(new ProducerRecord<>(topic, "x".getBytes(StandardCharsets.UTF_8), unknownId));
            KafkaTopics.write(kafka.bootstrapServers(), records);

            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            KafkaPredictionJob.build(env, StepModelBackend.of(model, 1), config, true);
            env.execute("registry avro topic it");

            Map<String, List<ModelInput>> sent = new LinkedHashMap<>();
            for (ShopEvents.Shop s : events) {
                sent.computeIfAbsent(s.user(), k -> new ArrayList<>())
                        .add(ModelInput.features(s.user(), s.ts(), new float[]{ (float) s.amount(), s.secondsSinceLast() }, false));
            }
            String predictionsTopic = config.get(ConfigKeys.TOPIC_PREDICTIONS);
            assertThat(registry.subjects()).containsKey(predictionsTopic + "-value");
            int predictionId = registry.subjects().get(predictionsTopic + "-value").get(0);
            Map<String, List<float[]>> outputs = new LinkedHashMap<>();
            Map<String, List<Long>> steps = new LinkedHashMap<>();
            List<ConsumerRecord<byte[], byte[]>> out = awaitCommitted(predictionsTopic, events.size());
            List<DeadLetter> dead = awaitCommitted(config.get(ConfigKeys.TOPIC_DEAD_LETTERS), 1).stream()
                    .map(r -> AvroCodec.decode(r.value(), DeadLetter.class)).toList();
            assertThat(out).as("predictions; dead letters: %s", dead.stream().limit(3).map(DeadLetter::getMessage).toList())
                    .hasSize(events.size());
            for (ConsumerRecord<byte[], byte[]> r : out) {
                byte[] v = r.value();
                assertThat(v[0]).isZero();
                assertThat(ByteBuffer.wrap(v, 1, 4).getInt()).isEqualTo(predictionId);
                Prediction p = AvroCodec.decode(Arrays.copyOfRange(v, 5, v.length), Prediction.class);
                float[] o = new float[4];
                for (int j = 0; j < 4; j++) {
                    o[j] = p.getOutput().get(j);
                }
                outputs.computeIfAbsent(p.getKey(), k -> new ArrayList<>()).add(o);
                steps.computeIfAbsent(p.getKey(), k -> new ArrayList<>()).add(p.getStep());
                assertThat(p.getSourceTopic()).isEqualTo(topic);
                assertThat(p.getSourcePartition()).isIn(0, 1);
                assertThat(p.getSourceOffset()).isNotNull().isNotNegative();
                assertThat(p.getFields()).containsKey("event_type");
            }
            assertMatchesReference(model, sent, outputs, steps);
            assertThat(dead).singleElement().satisfies(d -> {
                assertThat(d.getErrorKind()).isEqualTo(ErrorKind.UNKNOWN_SCHEMA);
                assertThat(d.getMessage()).contains("@" + d.getOffset() + ": schema id 999 is unknown to the registry");
            });
        }
    }

    /**
     * A model with two inputs per event, {@code Embedding(event_type) ⊕ [amount, seconds_since_last] -> LSTM -> Dense},
     * fed from one record per event (JSON or registry Avro); a record without a number is a dead letter naming the
     * field and its offset.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "json", "avro-registry" })
    @Timeout(180)
    void aTwoInputModelFromOneRecordPerEvent(String format) throws Exception {
        try (LocalSchemaRegistry registry = LocalSchemaRegistry.start()) {
            Path vocab = Files.createTempFile(Path.of(TMP), "types", ".txt");
            Files.write(vocab, ShopEvents.TYPES);
            JobConfig config = setUp("two-inputs-" + format, "input.format", format, "registry.url", registry.url(),
                    "mapping.key", "user_id", "mapping.event-time", "ts",
                    "mapping.inputs", "lookup(event_type); features(amount, seconds_since_last)",
                    "mapping.vocabularies", "event_type:" + vocab, "mapping.reset", "event_type == session_start",
                    "mapping.event-id", "event_id", "output.format", "json");
            Model model = TestModels.tokenAndFeaturesModel(TYPES, 12, 5, 47);
            String topic = config.get(ConfigKeys.TOPIC_EVENTS);
            // The bad record's schema lets seconds_since_last be null (registry) or the JSON leaves it out.
            org.apache.avro.Schema nullable = new org.apache.avro.Schema.Parser().parse(ShopEvents.SCHEMA.toString()
                    .replace("{\"name\":\"seconds_since_last\",\"type\":\"float\"}",
                            "{\"name\":\"seconds_since_last\",\"type\":[\"null\",\"float\"]}"));
            int v1 = format.equals("json") ? 0 : registry.register(topic + "-value", ShopEvents.SCHEMA);
            int v2 = format.equals("json") ? 0 : registry.register(topic + "-value", nullable);
            List<ShopEvents.Shop> events = shopEvents(120, 12, 13);
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            List<Integer> bad = new ArrayList<>();
            for (int i = 0; i < events.size(); i++) {
                ShopEvents.Shop s = events.get(i);
                byte[] key = s.user().getBytes(StandardCharsets.UTF_8);
                if (i % 400 == 200) {
                    Map<String, Object> f = new LinkedHashMap<>(s.fields());
                    f.put("seconds_since_last", null);
                    bad.add(records.size());
                    records.add(new ProducerRecord<>(topic, key, value(format, v2, nullable, f)));
                }
                records.add(new ProducerRecord<>(topic, key, value(format, v1, ShopEvents.SCHEMA, s.fields())));
            }
            List<RecordMetadata> written = KafkaTopics.write(kafka.bootstrapServers(), records);

            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            KafkaPredictionJob.build(env, StepModelBackend.of(model, 1), config, true);
            env.execute("two-input model it (" + format + ")");

            Map<String, List<ModelInput>> sent = new LinkedHashMap<>();
            for (ShopEvents.Shop s : events) {
                int token = ShopEvents.TYPES.indexOf(s.type()) + 1; // lookup: 0 is OOV
                sent.computeIfAbsent(s.user(), k -> new ArrayList<>()).add(ModelInput.inputs(s.user(), s.ts(), new int[]{ token },
                        new float[]{ (float) s.amount(), s.secondsSinceLast() }, s.type().equals("session_start")));
            }
            Map<String, List<float[]>> outputs = new LinkedHashMap<>();
            Map<String, List<Long>> steps = new LinkedHashMap<>();
            List<ConsumerRecord<byte[], byte[]>> out = awaitCommitted(config.get(ConfigKeys.TOPIC_PREDICTIONS), events.size());
            assertThat(out).hasSize(events.size());
            for (ConsumerRecord<byte[], byte[]> r : out) {
                JsonNode p = JSON.readTree(r.value());
                float[] o = new float[5];
                for (int j = 0; j < o.length; j++) {
                    o[j] = (float) p.get("output").get(j).asDouble();
                }
                outputs.computeIfAbsent(p.get("key").asText(), k -> new ArrayList<>()).add(o);
                steps.computeIfAbsent(p.get("key").asText(), k -> new ArrayList<>()).add(p.get("step").asLong());
            }
            assertMatchesReference(model, sent, outputs, steps);

            List<DeadLetter> dead = awaitCommitted(config.get(ConfigKeys.TOPIC_DEAD_LETTERS), bad.size()).stream()
                    .map(r -> AvroCodec.decode(r.value(), DeadLetter.class)).toList();
            assertThat(dead).extracting(d -> d.getPartition() + "@" + d.getOffset()).containsExactlyInAnyOrderElementsOf(
                    bad.stream().map(i -> written.get(i).partition() + "@" + written.get(i).offset()).toList());
            assertThat(dead).allSatisfy(d -> {
                assertThat(d.getErrorKind()).isEqualTo(ErrorKind.MISSING_FIELD);
                assertThat(d.getMessage()).startsWith(topic + "/" + d.getPartition() + "@" + d.getOffset() + ": ")
                        .contains("'seconds_since_last'");
            });
        }
    }

    /** A record value of {@code format}: JSON (null fields left out) or registry-framed Avro of {@code schema}. */
    static byte[] value(String format, int schemaId, org.apache.avro.Schema schema, Map<String, Object> fields) throws Exception {
        if (format.equals("json")) {
            Map<String, Object> present = new LinkedHashMap<>();
            fields.forEach((k, v) -> {
                if (v != null) {
                    present.put(k, v);
                }
            });
            return JSON.writeValueAsBytes(present);
        }
        org.apache.avro.generic.GenericRecord r = new org.apache.avro.generic.GenericData.Record(schema);
        fields.forEach(r::put);
        return ShopEvents.framed(schemaId, ShopEvents.avroBytes(schema, r));
    }
}
