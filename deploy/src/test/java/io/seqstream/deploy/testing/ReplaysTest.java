package io.seqstream.deploy.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.schemas.Prediction;
import io.seqstream.schemas.TopClass;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplaysTest {
    static Prediction p(String key, long step, long version, float first, float second, long processingTime) {
        return new Prediction(key, 1000L + step, version, step, List.of(new TopClass(3, first), new TopClass(1, second)),
                List.of(0.1f, second, 0.2f, first), processingTime, "events", 0, step, null, Map.of());
    }

    @Test
    void aReplayWithinRoundingIsDroppedAndTheRestStaysInOrder() {
        List<Prediction> in = List.of(p("a", 1, 7, 0.6f, 0.3f, 1), p("b", 1, 7, 0.5f, 0.4f, 2), p("a", 2, 7, 0.7f, 0.2f, 3),
                p("a", 2, 7, Math.nextUp(0.7f), 0.2f, 9), p("a", 3, 7, 0.6f, 0.3f, 10));
        Replays.Result r = Replays.drop(in);
        assertThat(r.dropped()).isEqualTo(1);
        assertThat(r.mismatches()).isEmpty();
        assertThat(r.distinct()).extracting(Prediction::getKey, Prediction::getStep)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", 1L), org.assertj.core.groups.Tuple.tuple("b", 1L),
                        org.assertj.core.groups.Tuple.tuple("a", 2L), org.assertj.core.groups.Tuple.tuple("a", 3L));
    }

    @Test
    void aReplayWithAnotherResultIsAMismatch() {
        Prediction first = p("a", 1, 7, 0.6f, 0.3f, 1);
        assertThat(Replays.drop(List.of(first, p("a", 1, 7, 0.6f + 1e-4f, 0.3f, 2))).mismatches()).as("another probability")
                .hasSize(1);
        assertThat(Replays.drop(List.of(first, p("a", 1, 8, 0.6f, 0.3f, 2))).mismatches()).as("another model version").hasSize(1);
        Prediction otherClass = new Prediction("a", 1001L, 7L, 1L, List.of(new TopClass(2, 0.6f), new TopClass(1, 0.3f)),
                first.getOutput(), 2L, "events", 0, 1L, null, Map.of());
        assertThat(Replays.drop(List.of(first, otherClass)).mismatches()).as("another top class").hasSize(1);
    }
}
