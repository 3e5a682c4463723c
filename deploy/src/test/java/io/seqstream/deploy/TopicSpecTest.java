package io.seqstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicSpecTest {
    @Test
    void parsesPlainAndCompactedTopics() {
        assertThat(TopicSpec.parse("events:4")).isEqualTo(new TopicSpec("events", 4, false));
        TopicSpec models = TopicSpec.parse("models:1:compact");
        assertThat(models.compacted()).isTrue();
        assertThat(models.configs()).isEqualTo(Map.of("cleanup.policy", "compact"));
        assertThat(models.toString()).isEqualTo("models:1:compact");
    }

    @Test
    void rejectsBadSpecs() {
        assertThatThrownBy(() -> TopicSpec.parse("events")).hasMessageContaining("NAME:PARTITIONS");
        assertThatThrownBy(() -> TopicSpec.parse("events:x")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> TopicSpec.parse("events:0")).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> TopicSpec.parse("events:1:delete")).hasMessageContaining("NAME:PARTITIONS:compact");
    }
}
