package io.seqstream.apps.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seqstream.jobs.config.ConfigKeys;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.model.InputSpec;
import io.seqstream.jobs.model.StepModelBackend;
import io.seqstream.model.io.ModelFile;
import io.seqstream.testkit.SessionGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The embedded demo end to end, small: broker, training, job, producer, monitor; --events ends it with exit code 0. */
class DemoRunnerTest {
    @Test
    @Timeout(120)
    void aSmallDemoRunsToItsEventCountAndCleansUp() throws Exception {
        Path work = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "demo-test-");
        DemoOptions o = DemoOptions.parse("--events", "3000", "--keys", "200", "--rate", "0", "--train-samples", "128",
                "--train-epochs", "1", "--bad-every", "500", "--checkpoint.interval", "300ms", "--batch.size", "64",
                "--retrain.report", work.resolve("report.html").toString());
        assertThat(new DemoRunner(o, work).run()).isZero();
        assertThat(work).doesNotExist();
    }

    @Test
    @Timeout(120)
    void theJsonDemoRunsATwoInputModelOnStringEventTypesAndNumericFields() throws Exception {
        Path work = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "demo-json-test-");
        // The mapping names two inputs: the job starts only if the model the demo trains takes both per event (and the
        // trainer accepts it: retraining is on).
        DemoOptions o = DemoOptions.parse("--format", "json", "--events", "3000", "--keys", "200", "--rate", "0", "--train-samples", "128",
                "--train-epochs", "1", "--bad-every", "500", "--checkpoint.interval", "300ms", "--batch.size", "64", "--retrain.report",
                work.resolve("report.html").toString());
        DemoRunner runner = new DemoRunner(o, work);

        assertThat(runner.run()).isZero();
        assertThat(runner.deadLettersSeen()).as("one bad record in 500").isEqualTo(6);
        assertThat(runner.predictionsSeen()).isEqualTo(3000 - 6);
        assertThat(work).doesNotExist();
    }

    @Test
    void theJsonFormatSetsTheMappingAUserWouldWrite() {
        JobConfig c = DemoOptions.parse("--format", "json").jobConfig("b", Path.of("/tmp/run"));
        assertThat(c.get(ConfigKeys.INPUT_FORMAT).configName()).isEqualTo("json");
        assertThat(c.get(ConfigKeys.MAPPING_INPUTS)).isEqualTo("lookup(event_type); features(amount, seconds_since_last)");
        assertThat(c.get(ConfigKeys.RETRAIN_ENABLED)).as("the two-input model is retrained too").isTrue();
        assertThat(c.get(ConfigKeys.MAPPING_VOCABULARIES)).isEqualTo("event_type:/tmp/run/" + DemoOptions.VOCABULARY_FILE);
        assertThat(DemoEventTypes.vocabularyTerms()).hasSize(SessionGenerator.VOCABULARY - 1).doesNotContain(DemoEventTypes.name(0));
        assertThat(DemoEventTypes.vocabularyTerms().indexOf(DemoEventTypes.name(7)) + 1).as("lookup index = token id").isEqualTo(7);
        assertThatThrownBy(() -> DemoOptions.parse("--format", "xml")).hasMessageContaining("--format");
    }

    @Test
    void theJsonDemosModelTakesTheEventTypeAndTwoNumbersPerEvent() throws Exception {
        Path file = Files.createTempFile(Path.of(System.getProperty("java.io.tmpdir")), "demo-two-inputs-", ".seqstream");
        try {
            DemoModel.trainTwoInput(file, 1, 64, 1, 1.0, line -> {
            });
            StepModelBackend b = StepModelBackend.of(ModelFile.load(file), 1);
            assertThat(b.inputSpecs()).containsExactly(InputSpec.tokens(SessionGenerator.VOCABULARY), InputSpec.features(2));
            assertThat(b.inputNames()).containsExactly("event_type", "amount_and_seconds_since_last");
            assertThat(b.outputSize()).isEqualTo(SessionGenerator.VOCABULARY);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void demoFlagsAndJobFlagsAreSeparated() {
        DemoOptions o = DemoOptions.parse("--events", "10", "--delivery", "at-least-once", "--model", "/m.h5");
        JobConfig c = o.jobConfig("127.0.0.1:1", Path.of("/tmp/x"));
        assertThat(o.events()).isEqualTo(10);
        assertThat(o.hasModelFile()).isTrue();
        assertThat(c.get(ConfigKeys.MODEL_PATH)).isEqualTo("/m.h5");
        assertThat(c.delivery().configName()).isEqualTo("at-least-once");
        assertThat(c.get(ConfigKeys.CHECKPOINT_INTERVAL).toMillis()).isEqualTo(1000);
        assertThatThrownBy(() -> DemoOptions.parse("--events", "-1")).hasMessageContaining("--events");
        assertThat(c.get(ConfigKeys.RETRAIN_ENABLED)).as("retraining is on by default").isTrue();
        assertThat(c.get(ConfigKeys.RETRAIN_REPORT)).isEqualTo(Path.of(DemoOptions.DEFAULT_REPORT).toAbsolutePath().toString());
        assertThat(DemoOptions.parse("--retrain", "false").jobConfig("b", Path.of("/tmp")).get(ConfigKeys.RETRAIN_ENABLED)).isFalse();
        // Real-time by default; exactly-once on request, and the demo says what each means.
        JobConfig dflt = DemoOptions.parse().jobConfig("b", Path.of("/tmp"));
        assertThat(dflt.delivery().configName()).isEqualTo("at-least-once");
        assertThat(DemoRunner.deliveryNote(dflt)).contains("at-least-once").contains("--delivery exactly-once");
        JobConfig eo = DemoOptions.parse("--delivery", "exactly-once").jobConfig("b", Path.of("/tmp"));
        assertThat(DemoRunner.deliveryNote(eo)).contains("exactly-once").contains("1000 ms").contains("--delivery at-least-once");
        assertThatThrownBy(() -> DemoOptions.parse("--retrain", "maybe")).hasMessageContaining("--retrain");
        assertThatThrownBy(() -> DemoOptions.parse("--batch.sise", "1")).hasMessageContaining("'--batch.sise'");
        assertThatThrownBy(() -> DemoOptions.parse("--batch.size", "0").jobConfig("b", Path.of("/tmp")))
                .hasMessageContaining("'batch.size' (flag --batch.size)");
    }

    @Test
    void theGeneratedStreamHasTheStructureTheModelLearns() {
        SessionGenerator g = new SessionGenerator(42, 1);
        SessionGenerator.Cursor c = new SessionGenerator.Cursor();
        SessionGenerator.Step first = g.next(c);
        assertThat(first.sessionStart()).isTrue();
        assertThat(first.token()).isBetween(0, SessionGenerator.INTENTS - 1);
        SessionGenerator.Step s;
        int n = 0;
        do {
            s = g.next(c);
            n++;
        } while (s.token() < SessionGenerator.INTENTS + SessionGenerator.ACTIONS);
        assertThat(s.token()).as("the end token names the session's intent")
                .isEqualTo(SessionGenerator.INTENTS + SessionGenerator.ACTIONS + first.token());
        assertThat(n).isBetween(SessionGenerator.MIN_ACTIONS + 1, SessionGenerator.MAX_ACTIONS + 1);
        assertThat(g.next(c).sessionStart()).isTrue();
    }
}
