package io.seqstream.jobs.operator;

import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.BACKEND;
import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.MODEL;
import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.TOL;
import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.ev;
import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.open;
import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.output;
import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.outputs;
import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.stateEntries;
import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.stateOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.seqstream.jobs.config.RetrainTarget;
import io.seqstream.jobs.event.ModelInput;
import io.seqstream.jobs.report.AccuracyTally;
import io.seqstream.jobs.serde.EntityKeyType;
import io.seqstream.jobs.testing.Reference;
import io.seqstream.schemas.Prediction;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A checkpoint written when {@link KeyState} used Flink's POJO serializer restores into the operator, whose state
 * now uses {@link io.seqstream.jobs.state.KeyStateSerializer}: Flink migrates the entries, and the key continues
 * its sequence (step and recurrent state). Checkpoints keyed with Flink's {@code Types.STRING} (before
 * {@link EntityKeyType}) restore too, and the other way round.
 */
class KeyStateMigrationTest {
    /** The state to write for every key (a test runs alone in its JVM fork; reset by each test). */
    static volatile KeyState toWrite;

    /** Writes a key's state the way the operator did before, with the POJO serializer. */
    static final class PojoWriter extends KeyedProcessFunction<String, ModelInput, Void> {
        private transient ValueState<KeyState> state;

        @Override
        public void open(OpenContext ctx) {
            state = getRuntimeContext()
                    .getState(new ValueStateDescriptor<>(MicroBatchStepOperator.STATE_NAME, TypeInformation.of(KeyState.class)));
        }

        @Override
        public void processElement(ModelInput e, Context ctx, Collector<Void> out) throws Exception {
            state.update(toWrite);
        }
    }

    /** Writes a key's state the way the operator did in format 1 of {@link KeyStateSerializer} (before lastTopClass). */
    static final class Format1Writer extends KeyedProcessFunction<String, ModelInput, Void> {
        private transient ValueState<KeyState> state;

        @Override
        public void open(OpenContext ctx) {
            state = getRuntimeContext().getState(new ValueStateDescriptor<>(MicroBatchStepOperator.STATE_NAME, new KeyStateSerializer(1)));
        }

        @Override
        public void processElement(ModelInput e, Context ctx, Collector<Void> out) throws Exception {
            state.update(toWrite);
        }
    }

    /**
     * A checkpoint of format 1 restores: the key continues its sequence, its last top class is unknown (so the first
     * event after the restore judges nothing, the next one does), and the state is written in format 2 from then on.
     */
    @ParameterizedTest(name = "rocksdb={0}")
    @ValueSource(booleans = { false, true })
    void aFormat1CheckpointRestoresAndTheKeyContinues(boolean rocksdb) throws Exception {
        ModelInput first = ev("a", 3);
        StepOperatorOptions options = StepOperatorOptions.of(1, 0, 0, 3, true)
                .withAccuracy(new OnlineAccuracy.Options(true, RetrainTarget.NEXT_EVENT, 1000));
        try (var h = open(new MicroBatchStepOperator(BACKEND, options), false)) {
            h.processElement1(first, 1);
            outputs(h);
            toWrite = stateOf(h, "a");
        }
        assertThat(toWrite.lastTopClass).isNotNegative();
        OperatorSubtaskState old;
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new Format1Writer()), ModelInput::getKey,
                Types.STRING)) {
            if (rocksdb) {
                h.setStateBackend(new EmbeddedRocksDBStateBackend());
            }
            h.open();
            h.processElement(first, 1);
            old = h.snapshot(1, 1);
        }
        OperatorSubtaskState migrated;
        try (var h = open(new MicroBatchStepOperator(BACKEND, options), rocksdb, old)) {
            assertThat(stateOf(h, "a").lastTopClass).as("format 1 has no last top class").isEqualTo(-1);
            ModelInput second = ev("a", 7);
            h.processElement1(second, 2);
            List<Prediction> out = outputs(h);
            assertThat(out).hasSize(1);
            assertThat(out.get(0).getStep()).isEqualTo(2);
            float[] want = Reference.outputs(MODEL, List.of(first, second)).get(1);
            float[] got = output(out.get(0));
            for (int j = 0; j < want.length; j++) {
                assertThat((double) got[j]).as("class %d", j).isCloseTo(want[j], within(TOL));
            }
            h.processElement1(ev("a", 1), 3);
            outputs(h);
            h.prepareSnapshotPreBarrier(2);
            List<AccuracyTally> tallies = h.getSideOutput(MicroBatchStepOperator.ONLINE_ACCURACY).stream().map(r -> r.getValue()).toList();
            assertThat(tallies).as("only the third event judges (the second's prediction)").singleElement()
                    .satisfies(t -> assertThat(t.total).isOne());
            migrated = h.snapshot(2, 2);
        }
        try (var h = open(new MicroBatchStepOperator(BACKEND, options), rocksdb, migrated)) {
            assertThat(stateOf(h, "a").step).isEqualTo(3);
            assertThat(stateOf(h, "a").lastTopClass).as("kept in format 2").isNotNegative();
        }
    }

    @ParameterizedTest(name = "rocksdb={0}")
    @ValueSource(booleans = { false, true })
    void aPojoFormatCheckpointRestoresAndTheKeyContinues(boolean rocksdb) throws Exception {
        ModelInput first = ev("a", 3);
        try (var h = open(new MicroBatchStepOperator(BACKEND, StepOperatorOptions.of(1, 0, 0, 3, true)), false)) {
            h.processElement1(first, 1);
            outputs(h);
            toWrite = stateOf(h, "a"); // the state after the first event, as the old format will hold it
        }
        assertThat(toWrite.step).isEqualTo(1);
        OperatorSubtaskState old;
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new PojoWriter()), ModelInput::getKey,
                Types.STRING)) {
            if (rocksdb) {
                h.setStateBackend(new EmbeddedRocksDBStateBackend());
            }
            h.open();
            h.processElement(first, 1);
            old = h.snapshot(1, 1);
        }
        try (var h = open(new MicroBatchStepOperator(BACKEND, StepOperatorOptions.of(1, 0, 0, 3, true)), rocksdb, old)) {
            ModelInput second = ev("a", 7);
            h.processElement1(second, 2);
            List<Prediction> out = outputs(h);
            assertThat(out).hasSize(1);
            assertThat(out.get(0).getStep()).isEqualTo(2);
            float[] want = Reference.outputs(MODEL, List.of(first, second)).get(1);
            float[] got = output(out.get(0));
            for (int j = 0; j < want.length; j++) {
                assertThat((double) got[j]).as("class %d", j).isCloseTo(want[j], within(TOL));
            }
        }
    }

    /**
     * The job keyed its stream with Flink's {@code Types.STRING} before {@link EntityKeyType}: the same bytes, so a
     * checkpoint of either restores with the other, keys, states and expiry timers alike (on RocksDB the restored job
     * must find the old keys by their bytes).
     */
    @ParameterizedTest(name = "rocksdb={0}, written with Types.STRING={1}")
    @CsvSource({ "false,true", "false,false", "true,true", "true,false" })
    void aCheckpointRestoresAcrossTheTwoKeySerializers(boolean rocksdb, boolean writtenWithFlinksString) throws Exception {
        TypeInformation<String> before = writtenWithFlinksString ? Types.STRING : EntityKeyType.INSTANCE;
        TypeInformation<String> after = writtenWithFlinksString ? EntityKeyType.INSTANCE : Types.STRING;
        StepOperatorOptions options = StepOperatorOptions.of(1, 0, 1000, 3, true); // idle keys expire after 1 s
        ModelInput first = ev("user-ä1", 3);
        OperatorSubtaskState old;
        try (var h = open(new MicroBatchStepOperator(BACKEND, options), rocksdb, null, before)) {
            h.setProcessingTime(0);
            h.processElement1(first, 1);
            h.processElement1(ev("idle", 5), 1);
            outputs(h);
            old = h.snapshot(1, 1);
        }
        try (var h = open(new MicroBatchStepOperator(BACKEND, options), rocksdb, old, after)) {
            assertThat(h.numProcessingTimeTimers()).as("both keys' expiry timers").isEqualTo(2);
            assertThat(stateEntries(h, rocksdb)).isEqualTo(2);
            h.setProcessingTime(500);
            ModelInput second = ev("user-ä1", 7);
            h.processElement1(second, 2);
            List<Prediction> out = outputs(h);
            assertThat(out).singleElement().satisfies(p -> assertThat(p.getStep()).isEqualTo(2));
            float[] want = Reference.outputs(MODEL, List.of(first, second)).get(1);
            float[] got = output(out.get(0));
            for (int j = 0; j < want.length; j++) {
                assertThat((double) got[j]).as("class %d", j).isCloseTo(want[j], within(TOL));
            }
            h.setProcessingTime(1000);
            assertThat(stateEntries(h, rocksdb)).as("the idle key expired on its restored timer").isOne();
            assertThat(stateOf(h, "user-ä1").step).isEqualTo(2);
        }
    }
}
