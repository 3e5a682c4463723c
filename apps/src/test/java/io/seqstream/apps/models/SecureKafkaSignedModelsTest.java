package io.seqstream.apps.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seqstream.jobs.KafkaPredictionJob;
import io.seqstream.jobs.config.ConfigKeys;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.it.PredictionJobKafkaTest;
import io.seqstream.jobs.model.StepModelBackend;
import io.seqstream.jobs.retrain.ModelSnapshots;
import io.seqstream.jobs.testing.KafkaTopics;
import io.seqstream.jobs.testing.LogCapture;
import io.seqstream.jobs.testing.TestCertificates;
import io.seqstream.jobs.trust.KeyFiles;
import io.seqstream.jobs.trust.ModelSigner;
import io.seqstream.model.io.ModelFile;
import io.seqstream.schemas.AvroCodec;
import io.seqstream.schemas.DeadLetter;
import io.seqstream.schemas.ErrorKind;
import io.seqstream.schemas.Event;
import io.seqstream.schemas.ModelSnapshot;
import io.seqstream.schemas.Prediction;
import io.seqstream.testkit.RestartableKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on a broker that speaks only SASL_SSL to clients (PLAIN users, a certificate made here with the JDK's keytool),
 * configured through {@code kafka.client.*} alone, with {@code models.trusted-keys}: signed versions swap in (also
 * after a key rotation), unsigned, unknown-key and tampered snapshots are UNTRUSTED_MODEL_SNAPSHOT dead letters while
 * the old model keeps serving, every event is predicted exactly once as the serving model computes it, and neither
 * password appears in any log line or dead letter.
 */
class SecureKafkaSignedModelsTest {
    static final String USER_PASSWORD = "u5er-Secret-" + Long.toHexString(System.nanoTime());
    static final String STORE_PASSWORD = "st0re-Secret-" + Long.toHexString(System.nanoTime() * 31);

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).setConfiguration(PredictionJobKafkaTest.flinkConfig()).build());

    @TempDir
    Path dir;

    static Properties client(TestCertificates certs, String password) {
        Properties p = new Properties();
        p.put("security.protocol", "SASL_SSL");
        p.put("sasl.mechanism", "PLAIN");
        p.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"seqstream\" password=\""
                + password + "\";");
        p.put("ssl.truststore.location", certs.trustStore().toString());
        p.put("ssl.truststore.type", "PKCS12");
        p.put("ssl.truststore.password", certs.password());
        return p;
    }

    static List<String> flags(Properties client) {
        List<String> out = new ArrayList<>();
        client.forEach((k, v) -> {
            out.add("--" + ConfigKeys.KAFKA_CLIENT_PREFIX + k);
            out.add(v.toString());
        });
        return out;
    }

    static String[] models(Properties client, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(flags(client));
        return all.toArray(new String[0]);
    }

    @Test
    @Timeout(300)
    void theJobRunsOverSaslSslAndServesOnlySignedModels() throws Exception {
        TestCertificates certs = TestCertificates.create(dir, STORE_PASSWORD);
        KeyPair oldKey = KeyFiles.generate(), newKey = KeyFiles.generate(), stranger = KeyFiles.generate();
        KeyFiles.write(oldKey, dir.resolve("old.key"), dir.resolve("old.pub"));
        KeyFiles.write(newKey, dir.resolve("new.key"), dir.resolve("new.pub"));
        Path bFile = dir.resolve("b.seqstream"), cFile = dir.resolve("c.seqstream");
        ModelFile.save(ModelsTopicKafkaTest.B, bFile);
        ModelFile.save(ModelsTopicKafkaTest.C, cFile);
        Properties client = client(certs, USER_PASSWORD);

        try (RestartableKafka kafka = RestartableKafka.create(Path.of(ModelsTopicKafkaTest.TMP),
                new RestartableKafka.Security(certs.keyStore(), STORE_PASSWORD, Map.of("seqstream", USER_PASSWORD)));
                LogCapture logs = new LogCapture(List.of("org.apache.kafka", "kafka", "org.apache.flink", "io.seqstream"))) {
            String bs = kafka.bootstrapServers();
            // The listener authenticates: a wrong password is refused.
            try (Admin wrong = Admin.create(withBootstrap(client(certs, "wrong-password"), bs))) {
                assertThatThrownBy(() -> wrong.listTopics().names().get(30, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SaslAuthenticationException.class);
            }
            String id = "secure";
            for (String t : List.of("events", "predictions")) {
                kafka.createTopic(id + "-" + t, 2, Map.of());
            }
            kafka.createTopic(id + "-dead-letters", 1, Map.of());
            kafka.createTopic(id + "-models", 1, Map.of("cleanup.policy", "compact", "max.message.bytes", String.valueOf(16 << 20)));
            List<String> args = new ArrayList<>(List.of("--kafka.bootstrap", bs, "--kafka.group-id", id, "--kafka.transactional-id-prefix",
                    id,
                    "--kafka.transaction-timeout", "2m", "--topics.events", id + "-events", "--topics.predictions", id + "-predictions",
                    "--topics.dead-letters", id + "-dead-letters", "--topics.models", id + "-models", "--source.start", "earliest",
                    "--parallelism", "2", "--batch.size", "16", "--checkpoint.interval", "300ms",
                    "--checkpoint.dir", dir.resolve("checkpoints").toUri().toString(), "--top-k", "2", "--output.full-vector", "true",
                    "--swap.state-policy", "reset",
                    "--models.trusted-keys", dir.resolve("old.pub") + "," + dir.resolve("new.pub")));
            args.addAll(flags(client));
            JobConfig config = JobConfig.fromArgs(args.toArray(new String[0]));
            String events = id + "-events", predictions = id + "-predictions", deadLetters = id + "-dead-letters",
                    modelsTopic = id + "-models";

            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            KafkaPredictionJob.build(env, StepModelBackend.of(ModelsTopicKafkaTest.A, 3), config, false);
            JobClient job = env.executeAsync("secure kafka, signed models");
            try {
                List<Event> b1 = ModelsTopicKafkaTest.batch(30, 4, 0), b2 = ModelsTopicKafkaTest.batch(30, 4, 4),
                        b3 = ModelsTopicKafkaTest.batch(30, 4, 8);
                KafkaTopics.write(bs, client, b1.stream().map(e -> ModelsTopicKafkaTest.record(events, e)).toList());
                awaitCommitted(bs, client, predictions, b1.size());

                ModelsTopicKafkaTest.models(models(client, "publish", "--model", bFile.toString(), "--version", "5", "--bootstrap", bs,
                        "--topic", modelsTopic, "--signing-key", dir.resolve("old.key").toString()));
                // Three forgeries: unsigned (anyone with write access), signed by an unknown key, and v5's signed
                // snapshot with another model put in (checksum updated) as v8.
                ModelsTopicKafkaTest.models(models(client, "publish", "--model", cFile.toString(), "--version", "6", "--bootstrap", bs,
                        "--topic", modelsTopic));
                ModelSnapshot byStranger = ModelSigner.of(stranger.getPrivate()).sign(
                        ModelSnapshots.of(ModelFile.toBytes(ModelsTopicKafkaTest.C), 7, null, 0, 0, Map.of(), "stranger"));
                byte[] cBytes = ModelFile.toBytes(ModelsTopicKafkaTest.C);
                ModelSnapshot signedB = ModelSigner.of(oldKey.getPrivate()).sign(
                        ModelSnapshots.of(ModelFile.toBytes(ModelsTopicKafkaTest.B), 8, null, 0, 0, Map.of(), "b"));
                ModelSnapshot tampered = ModelSnapshot.newBuilder(signedB).setModelBytes(java.nio.ByteBuffer.wrap(cBytes))
                        .setSha256(ModelSnapshots.sha256Hex(cBytes)).build();
                KafkaTopics.write(bs, client, List.of(snapshotRecord(modelsTopic, byStranger), snapshotRecord(modelsTopic, tampered)));
                awaitCommitted(bs, client, deadLetters, 3);
                KafkaTopics.write(bs, client, b2.stream().map(e -> ModelsTopicKafkaTest.record(events, e)).toList());
                awaitCommitted(bs, client, predictions, b1.size() + b2.size());

                // Rotation: the new key signs v9; one more unsigned record marks when every subtask has passed v9.
                ModelsTopicKafkaTest.models(models(client, "publish", "--model", cFile.toString(), "--version", "9", "--bootstrap", bs,
                        "--topic", modelsTopic, "--signing-key", dir.resolve("new.key").toString()));
                KafkaTopics.write(bs, client, List.of(snapshotRecord(modelsTopic,
                        ModelSnapshots.of(ModelFile.toBytes(ModelsTopicKafkaTest.B), 10, null, 0, 0, Map.of(), "unsigned marker"))));
                awaitCommitted(bs, client, deadLetters, 4);
                KafkaTopics.write(bs, client, b3.stream().map(e -> ModelsTopicKafkaTest.record(events, e)).toList());
                awaitCommitted(bs, client, predictions, b1.size() + b2.size() + b3.size());
                Thread.sleep(700); // more checkpoints: a duplicate would show now

                List<Prediction> all = KafkaTopics.readCommitted(bs, client, predictions, Prediction.class);
                assertThat(all).hasSize(b1.size() + b2.size() + b3.size());
                ModelsTopicKafkaTest.assertBatch(all, b1, 3, ModelsTopicKafkaTest.A, 1);
                ModelsTopicKafkaTest.assertBatch(all, b2, 5, ModelsTopicKafkaTest.B, 5);
                ModelsTopicKafkaTest.assertBatch(all, b3, 9, ModelsTopicKafkaTest.C, 9);

                List<DeadLetter> dead = KafkaTopics.readCommitted(bs, client, deadLetters, DeadLetter.class);
                assertThat(dead).hasSize(4).allSatisfy(d -> {
                    assertThat(d.getErrorKind()).isEqualTo(ErrorKind.UNTRUSTED_MODEL_SNAPSHOT);
                    assertThat(d.getSourceTopic()).isEqualTo(modelsTopic);
                    assertThat(d.toString()).doesNotContain(USER_PASSWORD).doesNotContain(STORE_PASSWORD);
                });
                assertThat(dead).extracting(DeadLetter::getMessage).satisfiesExactly(
                        m -> assertThat(m).contains("v6").contains("unsigned"),
                        m -> assertThat(m).contains("v7").contains("not trusted").contains(KeyFiles.keyId(stranger.getPublic())),
                        m -> assertThat(m).contains("v8").contains("does not verify"),
                        m -> assertThat(m).contains("v10").contains("unsigned"));
            } finally {
                job.cancel().get();
            }
            String log = logs.text();
            // The capture sees the Kafka clients' configuration dumps (so it would see a leak), and no password.
            assertThat(log).contains("sasl.jaas.config = [hidden]").contains("ssl.truststore.password = [hidden]");
            assertThat(log).doesNotContain(USER_PASSWORD).doesNotContain(STORE_PASSWORD);
        }
    }

    static Properties withBootstrap(Properties p, String bootstrap) {
        Properties q = new Properties();
        q.putAll(p);
        q.put("bootstrap.servers", bootstrap);
        q.put("request.timeout.ms", "10000");
        q.put("default.api.timeout.ms", "20000");
        return q;
    }

    static ProducerRecord<byte[], byte[]> snapshotRecord(String topic, ModelSnapshot s) {
        return new ProducerRecord<>(topic, Long.toString(s.getVersion()).getBytes(StandardCharsets.UTF_8), AvroCodec.encode(s));
    }

    static void awaitCommitted(String bootstrap, Properties client, String topic, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        int n = 0;
        while (System.nanoTime() < deadline) {
            n = KafkaTopics.readCommitted(bootstrap, client, topic).size();
            if (n >= count) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("only " + n + " of " + count + " committed records in " + topic);
    }
}
