package io.seqstream.jobs.operator;

import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.MODEL;
import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.VOCAB;
import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.ev;
import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.output;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seqstream.jobs.config.ShapeChangePolicy;
import io.seqstream.jobs.event.ModelInput;
import io.seqstream.jobs.model.InputSpec;
import io.seqstream.jobs.retrain.ModelSnapshots;
import io.seqstream.jobs.retrain.ModelUpdate;
import io.seqstream.jobs.retrain.SnapshotCheck;
import io.seqstream.jobs.testing.Reference;
import io.seqstream.jobs.testing.Snapshots;
import io.seqstream.jobs.testing.TestModels;
import io.seqstream.jobs.trust.KeyFiles;
import io.seqstream.jobs.trust.ModelSigner;
import io.seqstream.jobs.trust.TrustedKeys;
import io.seqstream.model.Model;
import io.seqstream.model.Models;
import io.seqstream.model.io.ModelFile;
import io.seqstream.schemas.AvroCodec;
import io.seqstream.schemas.DeadLetter;
import io.seqstream.schemas.ErrorKind;
import io.seqstream.schemas.ModelSnapshot;
import io.seqstream.schemas.Prediction;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Hostile records on the models stream, hundreds of them, into one running operator that requires signatures: random
 * bytes, truncated and bit-flipped snapshot records, unsigned, unknown-key and changed-after-signing snapshots, and,
 * signed by the trusted key (a trainer gone wrong), truncated
 * model bytes, other shapes, NaN weights and an architecture declaring a tensor of billions of values. None is served,
 * each is a dead letter (or, when a flip lowered its version, ignored as stale), the old model keeps predicting
 * exactly as before, and the huge declaration is refused without allocating it.
 */
class PoisonedModelsTest {
    static final KeyPair KEY = KeyFiles.generate();
    static final ModelSigner SIGNER = ModelSigner.of(KEY.getPrivate());
    static final TrustedKeys TRUSTED = TrustedKeys.of(List.of(KEY.getPublic()));
    static final Model OTHER = TestModels.tokenModel(VOCAB, 6, 10, 99);

    static ModelUpdate signed(byte[] modelBytes, long version) {
        return Snapshots.update(SIGNER.sign(ModelSnapshots.of(modelBytes, version, null, 0, 1, Map.of(), "poison")));
    }

    /** OTHER's model file with every "units" of its architecture set to {@code units}: the file itself stays small. */
    static byte[] declaring(int units) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(ModelFile.toBytes(OTHER)));
                ZipOutputStream zip = new ZipOutputStream(out)) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                byte[] b = in.readAllBytes();
                if (e.getName().endsWith(".json")) {
                    ObjectMapper om = new ObjectMapper();
                    JsonNode root = om.readTree(b);
                    setUnits(root, units);
                    b = om.writeValueAsBytes(root);
                }
                zip.putNextEntry(new ZipEntry(e.getName()));
                zip.write(b);
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }

    static void setUnits(JsonNode n, int units) {
        if (n instanceof ObjectNode o && o.has("units")) {
            o.put("units", units);
        }
        for (Iterator<JsonNode> it = n.elements(); it.hasNext();) {
            setUnits(it.next(), units);
        }
    }

    static List<ModelUpdate> poison() throws Exception {
        Random rnd = new Random(18);
        List<ModelUpdate> out = new ArrayList<>();
        for (int i = 0; i < 150; i++) { // random bytes, 0 B .. 64 KiB
            byte[] b = new byte[rnd.nextInt(i % 10 == 0 ? 65_536 : 512)];
            rnd.nextBytes(b);
            out.add(ModelUpdate.raw(b, "poison-random"));
        }
        byte[] valid = AvroCodec.encode(SIGNER.sign(Snapshots.snapshot(OTHER, 8)));
        for (int i = 0; i < 100; i++) { // truncated records
            out.add(ModelUpdate.raw(Arrays.copyOf(valid, rnd.nextInt(valid.length)), "poison-truncated"));
        }
        for (int i = 0; i < 150; i++) { // one to three flipped bits anywhere in a signed record
            byte[] b = valid.clone();
            for (int f = 0; f <= rnd.nextInt(3); f++) {
                int bit = rnd.nextInt(b.length * 8);
                b[bit / 8] ^= (byte) (1 << (bit % 8));
            }
            out.add(ModelUpdate.raw(b, "poison-flipped"));
        }
        // Forged, deterministically: unsigned, signed by an unknown key, changed after signing.
        out.add(Snapshots.update(Snapshots.snapshot(OTHER, 9)));
        out.add(Snapshots.update(ModelSigner.of(KeyFiles.generate().getPrivate()).sign(Snapshots.snapshot(OTHER, 9))));
        out.add(Snapshots.update(ModelSnapshot.newBuilder(SIGNER.sign(Snapshots.snapshot(OTHER, 9))).setDescription("harmless").build()));
        byte[] model = ModelFile.toBytes(OTHER);
        for (int i = 0; i < 20; i++) { // signed, hashed, truncated model files
            out.add(signed(Arrays.copyOf(model, rnd.nextInt(model.length)), 8));
        }
        out.add(signed(ModelFile.toBytes(TestModels.tokenModel(VOCAB + 3, 6, 10, 1)), 8)); // other input
        out.add(signed(ModelFile.toBytes(ModelSwapTest.outputsOf(VOCAB - 2)), 8)); // other outputs
        Model nan = Models.copy(OTHER);
        nan.trainableWeights().get(2).values()[0] = Float.NaN;
        out.add(signed(ModelFile.toBytes(nan), 8));
        Model inf = Models.copy(OTHER);
        inf.trainableWeights().get(0).values()[5] = Float.POSITIVE_INFINITY;
        out.add(signed(ModelFile.toBytes(inf), 8));
        out.add(signed(declaring(1 << 26), 8)); // ~2^28 values per kernel: gigabytes if allocated
        return out;
    }

    @Test
    void hundredsOfPoisonedSnapshotsAreRefusedAndTheOldModelKeepsPredictingExactly() throws Exception {
        List<ModelUpdate> poison = poison();
        SwapOptions swap = SwapOptions.defaults().withTrust(TRUSTED).withOnShapeChange(ShapeChangePolicy.RESET);
        try (var h = ModelSwapTest.open(ModelSwapTest.operator(1, swap))) {
            List<ModelInput> sent = new ArrayList<>();
            int token = 0;
            for (ModelUpdate u : poison) {
                ModelInput e = ev("a", token++ % VOCAB);
                sent.add(e);
                h.processElement1(e, 1);
                h.processElement2(u, 1);
            }
            ModelSwapTest.settle(h);
            MicroBatchStepOperator op = (MicroBatchStepOperator) h.getOperator();
            List<Prediction> out = h.extractOutputValues();
            assertThat(out).hasSize(poison.size()).extracting(Prediction::getModelVersion).containsOnly(7L);
            assertThat(out).extracting(Prediction::getStep).containsExactlyElementsOf(
                    java.util.stream.LongStream.rangeClosed(1, poison.size()).boxed().toList());
            List<float[]> ref = Reference.outputs(MODEL, sent);
            for (int i = 0; i < out.size(); i++) {
                ModelSwapTest.assertClose(output(out.get(i)), ref.get(i), "event " + i);
            }
            List<DeadLetter> dead = ModelSwapTest.deadLetters(h);
            long rejected = op.metrics().modelsRejected.getCount();
            long stale = op.metrics().modelsStale.getCount();
            assertThat(dead).hasSize((int) rejected);
            assertThat(rejected + stale).isEqualTo(poison.size());
            assertThat(rejected).isGreaterThan(poison.size() - 40L); // stale only where a flip lowered the version
            assertThat(op.activeVersion()).isEqualTo(7);
            assertThat(dead).extracting(DeadLetter::getErrorKind).containsOnly(ErrorKind.BAD_MODEL_SNAPSHOT,
                    ErrorKind.UNTRUSTED_MODEL_SNAPSHOT);
            assertThat(dead).filteredOn(d -> d.getErrorKind() == ErrorKind.UNTRUSTED_MODEL_SNAPSHOT).isNotEmpty();
            List<String> messages = dead.stream().map(DeadLetter::getMessage).toList();
            for (String reason : List.of("cannot decode", "checksum mismatch", "do not load", "incompatible input", "incompatible output",
                    "non-finite weight", "unsigned", "not trusted", "does not verify", "declares")) {
                assertThat(messages).as("a dead letter says '%s'", reason).anySatisfy(m -> assertThat(m).contains(reason));
            }
        }
    }

    /**
     * Every single-bit change of a signed record, bit by bit, is refused or (a lower version) ignored: none is served.
     * The sha256 field lies outside the signature, so a hash spelled in upper case must not pass as the signed record.
     */
    @Test
    void noSingleBitFlipOfASignedRecordIsServed() {
        SnapshotCheck check = new SnapshotCheck(InputSpec.tokens(VOCAB), VOCAB, ShapeChangePolicy.RESET, TRUSTED);
        byte[] valid = AvroCodec.encode(SIGNER.sign(Snapshots.snapshot(OTHER, 8)));
        assertThat(check.check(ModelUpdate.raw(valid, "intact"), 7, null, 0)).as("the intact record")
                .isInstanceOf(SnapshotCheck.Result.Accepted.class);
        List<String> served = new ArrayList<>();
        for (int bit = 0; bit < valid.length * 8; bit++) {
            byte[] b = valid.clone();
            b[bit / 8] ^= (byte) (1 << (bit % 8));
            SnapshotCheck.Result r = check.check(ModelUpdate.raw(b, "flip"), 7, null, 0);
            if (r instanceof SnapshotCheck.Result.Accepted a) {
                served.add("bit " + bit + " (byte " + bit / 8 + "): v" + a.snapshot().getVersion() + " sha256 " + a.snapshot().getSha256());
            }
        }
        assertThat(served).as("flipped records served").isEmpty();
    }

    @Test
    void aHugeDeclaredTensorIsRefusedWithoutAllocatingIt() throws Exception {
        SnapshotCheck check = new SnapshotCheck(InputSpec.tokens(VOCAB), VOCAB, ShapeChangePolicy.RESET, TRUSTED);
        ModelUpdate huge = signed(declaring(1 << 26), 8);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();

        SnapshotCheck.Result r = check.check(huge, 7, null, 0);

        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(r).isInstanceOfSatisfying(SnapshotCheck.Result.Rejected.class,
                x -> assertThat(x.message()).contains("v8").contains("declares").contains("more than"));
        assertThat(allocated).as("bytes allocated by the check").isLessThan(32L << 20);
    }
}
