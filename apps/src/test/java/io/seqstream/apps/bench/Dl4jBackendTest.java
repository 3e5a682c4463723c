package io.seqstream.apps.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.seqstream.jobs.model.BatchStepper;
import io.seqstream.jobs.model.StepModelBackend;
import io.seqstream.jobs.testing.TestModels;
import io.seqstream.model.Model;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The benchmark's DL4J engine computes what the seqstream stepper computes (same weights, gate order mapped). */
class Dl4jBackendTest {
    @Test
    void dl4jRnnTimeStepMatchesTheStepper() {
        Model model = TestModels.tokenModel(20, 6, 10, 3);
        BatchStepper dl4j = new Dl4jBackend(model).open(4);
        BatchStepper ours = StepModelBackend.of(model, 1).open(4);
        NoopBackend noop = new NoopBackend(StepModelBackend.of(model, 1));
        assertThat(noop.stateSize()).isEqualTo(20);
        Random rnd = new Random(1);
        float[][] s1 = { new float[20], new float[20] }, s2 = { new float[20], new float[20] };
        float[][] o1 = { new float[20], new float[20] }, o2 = { new float[20], new float[20] };
        for (int step = 0; step < 12; step++) {
            int[] tokens = { rnd.nextInt(20), rnd.nextInt(20) };
            dl4j.stepTokens(s1, tokens, 2, o1);
            ours.stepTokens(s2, tokens, 2, o2);
            for (int k = 0; k < 2; k++) {
                for (int j = 0; j < 20; j++) {
                    assertThat(o1[k][j]).as("step %d key %d out %d", step, k, j).isCloseTo(o2[k][j], within(1e-5f));
                    assertThat(s1[k][j]).as("step %d key %d state %d", step, k, j).isCloseTo(s2[k][j], within(1e-5f));
                }
            }
        }
    }
}
