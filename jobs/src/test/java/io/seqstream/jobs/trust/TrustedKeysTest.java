package io.seqstream.jobs.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seqstream.jobs.config.ConfigException;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.config.ShapeChangePolicy;
import io.seqstream.jobs.model.InputSpec;
import io.seqstream.jobs.retrain.ModelSnapshots;
import io.seqstream.jobs.retrain.ModelUpdate;
import io.seqstream.jobs.retrain.SnapshotCheck;
import io.seqstream.jobs.testing.Snapshots;
import io.seqstream.jobs.testing.TestModels;
import io.seqstream.model.Model;
import io.seqstream.model.io.ModelFile;
import io.seqstream.schemas.AvroCodec;
import io.seqstream.schemas.ErrorKind;
import io.seqstream.schemas.ModelSnapshot;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signing and verifying model snapshots: who may make the job serve a model. */
class TrustedKeysTest {
    static final Model MODEL = TestModels.tokenModel(10, 4, 6, 5);
    static final KeyPair OLD = KeyFiles.generate();
    static final KeyPair NEW = KeyFiles.generate();
    static final KeyPair STRANGER = KeyFiles.generate();

    @TempDir
    Path dir;

    static ModelSnapshot snapshot(long version) {
        return Snapshots.snapshot(MODEL, version);
    }

    @Test
    void aSnapshotSignedByATrustedKeyVerifiesAndCarriesTheKeyId() {
        ModelSnapshot s = ModelSigner.of(OLD.getPrivate()).sign(snapshot(2));

        assertThat(s.getSigningKeyId()).isEqualTo(KeyFiles.keyId(OLD.getPublic())).hasSize(16);
        assertThat(s.getSignature().remaining()).isEqualTo(64);
        assertThat(TrustedKeys.of(List.of(OLD.getPublic())).problem(s)).isEmpty();
    }

    @Test
    void unsignedUnknownKeyAndTamperedSnapshotsAreRefused() {
        TrustedKeys trusted = TrustedKeys.of(List.of(OLD.getPublic()));
        ModelSnapshot signed = ModelSigner.of(OLD.getPrivate()).sign(snapshot(2));
        byte[] otherBytes = ModelFile.toBytes(TestModels.tokenModel(10, 4, 6, 99));

        assertThat(trusted.problem(snapshot(2))).hasValueSatisfying(m -> assertThat(m).startsWith("unsigned"));
        assertThat(trusted.problem(ModelSigner.of(STRANGER.getPrivate()).sign(snapshot(2))))
                .hasValueSatisfying(m -> assertThat(m).contains("not trusted").contains(KeyFiles.keyId(STRANGER.getPublic())));
        // The key id of a trusted key on a stranger's signature: the signature does not verify.
        ModelSnapshot claimed = ModelSnapshot.newBuilder(ModelSigner.of(STRANGER.getPrivate()).sign(snapshot(2)))
                .setSigningKeyId(KeyFiles.keyId(OLD.getPublic())).build();
        assertThat(trusted.problem(claimed)).hasValueSatisfying(m -> assertThat(m).contains("does not verify"));
        // Every signed field is covered: the model bytes (with a matching sha256), the version, the metrics, the text.
        List<ModelSnapshot> tampered = List.of(
                ModelSnapshot.newBuilder(signed).setModelBytes(ByteBuffer.wrap(otherBytes)).setSha256(ModelSnapshots.sha256Hex(otherBytes))
                        .build(),
                ModelSnapshot.newBuilder(signed).setVersion(3).build(),
                ModelSnapshot.newBuilder(signed).setParentVersion(1L).build(),
                ModelSnapshot.newBuilder(signed).setMetrics(Map.of("after_accuracy", 0.9)).build(),
                ModelSnapshot.newBuilder(signed).setDescription("harmless").build(),
                ModelSnapshot.newBuilder(signed).setWindowEnd(7).build(),
                ModelSnapshot.newBuilder(signed).setCreatedAt(signed.getCreatedAt() + 1).build());
        assertThat(tampered)
                .allSatisfy(t -> assertThat(trusted.problem(t)).hasValueSatisfying(m -> assertThat(m).contains("does not verify")));
        assertThat(trusted.problem(signed)).isEmpty();
    }

    @Test
    void twoTrustedKeysAtOnceLetARotationServeBoth() {
        TrustedKeys both = TrustedKeys.of(List.of(OLD.getPublic(), NEW.getPublic()));
        TrustedKeys newOnly = TrustedKeys.of(List.of(NEW.getPublic()));
        ModelSnapshot byOld = ModelSigner.of(OLD.getPrivate()).sign(snapshot(2));
        ModelSnapshot byNew = ModelSigner.of(NEW.getPrivate()).sign(snapshot(3));

        assertThat(both.problem(byOld)).isEmpty();
        assertThat(both.problem(byNew)).isEmpty();
        assertThat(newOnly.problem(byNew)).isEmpty();
        assertThat(newOnly.problem(byOld)).isPresent();
    }

    @Test
    void withoutTrustedKeysNothingIsChecked() {
        assertThat(TrustedKeys.none().enforced()).isFalse();
        assertThat(TrustedKeys.none().problem(snapshot(2))).isEmpty();
    }

    @Test
    void keyFilesRoundTripAsPemAndThePublicKeyIsDerivedFromThePrivateOne() throws Exception {
        KeyFiles.write(NEW, dir.resolve("k.key"), dir.resolve("k.pub"));
        String priv = Files.readString(dir.resolve("k.key"));
        assertThat(priv).startsWith("-----BEGIN PRIVATE KEY-----\n");
        assertThat(Files.readString(dir.resolve("k.pub"))).startsWith("-----BEGIN PUBLIC KEY-----\n");
        assertThat(Files.getPosixFilePermissions(dir.resolve("k.key"))).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE);

        ModelSigner signer = ModelSigner.fromFile(dir.resolve("k.key"));
        assertThat(signer.keyId()).contains(KeyFiles.keyId(NEW.getPublic()));
        assertThat(signer.toString()).doesNotContain(priv.substring(28, 60));
        JobConfig config = JobConfig.fromArgs("--models.trusted-keys", dir.resolve("k.pub") + ", " + dir.resolve("k.pub"),
                "--models.signing-key", dir.resolve("k.key").toString());
        TrustedKeys trusted = TrustedKeys.fromConfig(config);
        assertThat(trusted.keyIds()).containsExactly(KeyFiles.keyId(NEW.getPublic()));
        assertThat(trusted.problem(ModelSigner.fromConfig(config).sign(snapshot(4)))).isEmpty();
    }

    @Test
    void aMissingOrWrongKeyFileIsAConfigErrorNamingKeyAndFile() throws Exception {
        Files.writeString(dir.resolve("junk.pub"), "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
        assertThatThrownBy(() -> TrustedKeys.fromConfig(JobConfig.fromArgs("--models.trusted-keys", dir.resolve("nope.pub").toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("models.trusted-keys").hasMessageContaining("nope.pub");
        assertThatThrownBy(() -> TrustedKeys.fromConfig(JobConfig.fromArgs("--models.trusted-keys", dir.resolve("junk.pub").toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("junk.pub").hasMessageContaining("not an Ed25519 public key");
    }

    @Test
    void theCheckRejectsUntrustedSnapshotsWithTheirOwnKindBeforeLoadingTheModel() {
        TrustedKeys trusted = TrustedKeys.of(List.of(OLD.getPublic()));
        SnapshotCheck check = new SnapshotCheck(InputSpec.tokens(10), 10, ShapeChangePolicy.RESET, trusted);
        // Bytes that are no model at all but hash right: the signature check comes first and names the problem.
        ModelSnapshot junk = ModelSnapshots.of(new byte[]{ 1, 2, 3 }, 5, null, 0, 1, Map.of(), "junk");

        SnapshotCheck.Result forged = check.check(Snapshots.update(junk), 1, null, 0);
        SnapshotCheck.Result ok = check.check(Snapshots.update(ModelSigner.of(OLD.getPrivate()).sign(snapshot(5))), 1, null, 0);
        SnapshotCheck.Result stale = check.check(Snapshots.update(snapshot(1)), 1, null, 0);

        assertThat(forged).isInstanceOfSatisfying(SnapshotCheck.Result.Rejected.class, r -> {
            assertThat(r.kind()).isEqualTo(ErrorKind.UNTRUSTED_MODEL_SNAPSHOT);
            assertThat(r.message()).contains("v5").contains("unsigned");
        });
        assertThat(ok).isInstanceOf(SnapshotCheck.Result.Accepted.class);
        assertThat(stale).isInstanceOf(SnapshotCheck.Result.Stale.class);
    }

    @Test
    void aSnapshotWrittenBeforeSigningExistedStillDecodes() throws Exception {
        ModelSnapshot s = snapshot(3);
        Schema old = new Schema.Parser().parse(Files.readString(Path.of("../schemas/src/test/resources/released/v1/ModelSnapshot.avsc")));
        GenericRecord r = new GenericData.Record(old);
        for (Schema.Field f : old.getFields()) {
            r.put(f.name(), s.get(f.name()));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder e = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(old).write(r, e);
        e.flush();

        ModelSnapshot read = ModelSnapshots.decode(out.toByteArray());

        assertThat(read.getVersion()).isEqualTo(3);
        assertThat(read.getSignature()).isNull();
        assertThat(ModelSnapshots.modelBytes(read)).isEqualTo(ModelSnapshots.modelBytes(s));
        assertThat(ModelSnapshots.decode(AvroCodec.encode(s))).isEqualTo(s);
        assertThat(ModelUpdate.of(s, "x").value).isEqualTo(AvroCodec.encode(s));
    }
}
