package io.seqstream.jobs.operator;

import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.BACKEND;
import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.MODEL;
import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.VOCAB;
import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.assertMatchesReference;
import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.ev;
import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.settle;
import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.stateEntries;
import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.stateOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.jobs.event.ModelInput;
import io.seqstream.jobs.retrain.ModelUpdate;
import io.seqstream.jobs.state.RocksDbTuning;
import io.seqstream.schemas.Prediction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.storage.JobManagerCheckpointStorage;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Correctness at scale on RocksDB: 200k keys, two events each in passes over every key in a new random order
 * (so every state is read back from RocksDB), pipelined, with a checkpoint and a restore into a new instance
 * between passes. Every key's steps run 1, 2 without gap or duplicate; sampled keys' predictions equal
 * predict() on their sequence; then every key idles past state.ttl and the state is empty again (entries,
 * timers and the keys-in-state gauge back to 0).
 */
class ManyKeysRocksDbTest {
    static final int KEYS = 200_000;
    static final int PASSES = 2;
    static final long TTL = 60_000;

    static KeyedTwoInputStreamOperatorTestHarness<String, ModelInput, ModelUpdate, Prediction> open(OperatorSubtaskState restore)
            throws Exception {
        var op = new MicroBatchStepOperator(BACKEND, StepOperatorOptions.of(256, 1_000_000, TTL, 3, true).withPipelined(true));
        var h = new KeyedTwoInputStreamOperatorTestHarness<String, ModelInput, ModelUpdate, Prediction>(op, ModelInput::getKey, null,
                Types.STRING);
        // Full snapshots: an incremental one refers to the previous one's files through placeholders that only a
        // checkpoint coordinator resolves, which the harness does not have.
        h.setStateBackend(productionLikeRocksDb());
        h.setCheckpointStorage(new JobManagerCheckpointStorage(Integer.MAX_VALUE)); // in memory, without the 5 MB default cap
        h.setup();
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    /**
     * RocksDB as the job configures it ({@link RocksDbTuning}), with a memory budget like a slot's instead of the
     * harness's few hundred KB of managed memory: with those, every few hundred puts flush a memtable into a new file,
     * and each get searched hundreds of files (a profile put 70 % of this test's time in {@code RocksDB.get}).
     */
    static EmbeddedRocksDBStateBackend productionLikeRocksDb() {
        Configuration c = new Configuration();
        RocksDbTuning.OPTIONS.forEach(c::setString);
        c.set(RocksDBOptions.FIX_PER_SLOT_MEMORY_SIZE, MemorySize.parse("256m"));
        return new EmbeddedRocksDBStateBackend(false).configure(c, ManyKeysRocksDbTest.class.getClassLoader());
    }

    @Test
    void twoHundredThousandKeysStepExactlyOnceMatchPredictAndExpire() throws Exception {
        Random rnd = new Random(13);
        int[] order = new int[KEYS];
        for (int i = 0; i < KEYS; i++) {
            order[i] = i;
        }
        long[] lastStep = new long[KEYS];
        Map<String, List<ModelInput>> sampleSent = new HashMap<>();
        List<Prediction> sampleGot = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            sampleSent.put(key(rnd.nextInt(KEYS)), new ArrayList<>());
        }
        OperatorSubtaskState snapshot = null;
        long now = 0;
        for (int pass = 0; pass < PASSES; pass++) {
            shuffle(order, rnd);
            try (var h = open(snapshot)) {
                h.setProcessingTime(now);
                for (int i = 0; i < KEYS; i++) {
                    String k = key(order[i]);
                    ModelInput e = ev(k, rnd.nextInt(VOCAB));
                    List<ModelInput> sample = sampleSent.get(k);
                    if (sample != null) {
                        sample.add(e);
                    }
                    h.processElement1(e, pass + 1);
                    if (i % 50_000 == 49_999) {
                        drain(h, lastStep, sampleSent, sampleGot);
                    }
                }
                h.prepareSnapshotPreBarrier(pass + 1); // as the task does before every checkpoint: flushes the buffer
                snapshot = h.snapshot(pass + 1, now);
                drain(h, lastStep, sampleSent, sampleGot);
                assertThat(stateEntries(h, true)).as("one entry per key after pass %d", pass + 1).isEqualTo(KEYS);
                now += 1000;
            }
        }
        for (int k = 0; k < KEYS; k++) {
            assertThat(lastStep[k]).as("steps of key %s", key(k)).isEqualTo(PASSES);
        }
        assertMatchesReference(sampleGot, sampleSent);

        try (var h = open(snapshot)) {
            MicroBatchStepOperator op = (MicroBatchStepOperator) h.getOperator();
            String probe = sampleSent.keySet().iterator().next();
            assertThat(stateOf(h, probe).step).as("restored step count of %s", probe).isEqualTo(PASSES);
            assertThat(op.metrics().keysInState()).isEqualTo(KEYS);
            assertThat(h.numProcessingTimeTimers()).as("one expiry timer per key").isEqualTo(KEYS);
            h.setProcessingTime(now + TTL);
            settle(h);
            assertThat(stateEntries(h, true)).as("every key idled past state.ttl").isZero();
            assertThat(h.numProcessingTimeTimers()).isZero();
            assertThat(op.metrics().keysInState()).isZero();
            assertThat(op.metrics().expiredKeys.getCount()).isEqualTo(KEYS);
        }
    }

    /** Checks the steps of every prediction emitted so far and keeps the sampled keys' ones; clears the output. */
    private static void drain(KeyedTwoInputStreamOperatorTestHarness<String, ModelInput, ModelUpdate, Prediction> h, long[] lastStep,
            Map<String, List<ModelInput>> sampleSent, List<Prediction> sampleGot) throws Exception {
        settle(h);
        ConcurrentLinkedQueue<Object> out = h.getOutput();
        for (Object o : out) {
            if (!(o instanceof StreamRecord<?> r) || !(r.getValue() instanceof Prediction p)) {
                continue;
            }
            int k = Integer.parseInt(p.getKey().substring(2));
            assertThat(p.getStep()).as("step of key %s: no gap, no duplicate", p.getKey()).isEqualTo(lastStep[k] + 1);
            lastStep[k] = p.getStep();
            if (sampleSent.containsKey(p.getKey())) {
                sampleGot.add(p);
            }
        }
        out.clear();
    }

    private static String key(int k) {
        return "k-" + k;
    }

    private static void shuffle(int[] a, Random rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
