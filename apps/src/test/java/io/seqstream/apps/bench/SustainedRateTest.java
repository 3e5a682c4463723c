package io.seqstream.apps.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The search for the highest rate a job keeps up with, against a job whose true limit is known. */
class SustainedRateTest {
    final List<Integer> probed = new ArrayList<>();

    SustainedRate.Prober limit(int keepsUpTo) {
        return rate -> {
            probed.add(rate);
            return rate <= keepsUpTo;
        };
    }

    @Test
    void aJobThatKeepsUpWithItsDrainMaximumIsProbedOnce() throws Exception {
        SustainedRate.Result r = SustainedRate.search(100_000, 5, limit(120_000));
        assertThat(r.rate()).isEqualTo(100_000);
        assertThat(r.sustained()).isTrue();
        assertThat(probed).containsExactly(100_000);
    }

    @Test
    void stepsDownByTenthsThenProbesHalfwayBackUp() throws Exception {
        SustainedRate.Result r = SustainedRate.search(100_000, 5, limit(86_000));
        assertThat(probed).containsExactly(100_000, 90_000, 80_000, 85_000);
        assertThat(r.rate()).as("85 %% kept up: within 5 %% below the true 86 %%").isEqualTo(85_000);
        assertThat(r.sustained()).isTrue();
        assertThat(r.probes()).extracting(SustainedRate.Probe::keptUp).containsExactly(false, false, true, true);
    }

    @Test
    void whenTheHalfwayProbeFallsBehindTheStepBelowIsTheAnswer() throws Exception {
        SustainedRate.Result r = SustainedRate.search(100_000, 5, limit(83_000));
        assertThat(probed).containsExactly(100_000, 90_000, 80_000, 85_000);
        assertThat(r.rate()).isEqualTo(80_000);
    }

    @Test
    void noProbeKeepingUpIsSaidAndTheLowestRateIsGiven() throws Exception {
        SustainedRate.Result r = SustainedRate.search(100_000, 3, limit(10_000));
        assertThat(probed).containsExactly(100_000, 90_000, 80_000);
        assertThat(r.sustained()).isFalse();
        assertThat(r.rate()).isEqualTo(80_000);
    }

    @Test
    void stepsOutsideOneToTenAreRefused() {
        assertThatThrownBy(() -> SustainedRate.search(1000, 0, limit(1))).hasMessageContaining("steps must be in [1, 10], got 0");
        assertThatThrownBy(() -> SustainedRate.search(1000, 11, limit(1))).hasMessageContaining("got 11");
        assertThat(SustainedRate.rate(0.4, 0.5)).as("at least 1 event/s").isEqualTo(1);
    }
}
