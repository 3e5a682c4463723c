package io.seqstream.jobs.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.jobs.operator.StepMetrics;
import io.seqstream.jobs.report.ReportMetrics;
import io.seqstream.jobs.retrain.RetrainMetrics;
import io.seqstream.jobs.validate.DeadLetterMetrics;
import io.seqstream.schemas.ErrorKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.metrics.MetricGroup;
import org.junit.jupiter.api.Test;

class MetricCatalogTest {
    private static final String P = MetricCatalog.OPERATOR_PREFIX;

    @Test
    void theNewMetricsAreRegisteredWithTheirLabels() {
        List<MetricCatalog.Entry> all = MetricCatalog.all();
        assertThat(all).contains(
                new MetricCatalog.Entry(P + "eventToPredictionMs", "histogram", "step", Set.of()),
                new MetricCatalog.Entry(P + "eventTimeLagMs", "gauge", "step", Set.of()),
                new MetricCatalog.Entry(P + "modelVersion", "gauge", "step", Set.of()),
                new MetricCatalog.Entry(P + "deadLetters", "counter", "dead-letter split", Set.of()),
                new MetricCatalog.Entry(P + "kind_deadLetters", "counter", "dead-letter split", Set.of("kind")),
                new MetricCatalog.Entry(P + "retrainRounds", "counter", "retrain", Set.of()),
                new MetricCatalog.Entry(P + "model_holdoutAccuracy", "gauge", "retrain", Set.of("model")),
                new MetricCatalog.Entry(P + "model_holdoutLoss", "gauge", "retrain", Set.of("model")),
                new MetricCatalog.Entry(P + "model_version", "gauge", "retrain", Set.of("model")),
                new MetricCatalog.Entry(P + "model_onlineAccuracy", "gauge", "training report", Set.of("model")));
        assertThat(MetricCatalog.prometheusNames()).allMatch(n -> n.matches("[a-zA-Z_:][a-zA-Z0-9_:]*"));
    }

    /** What Flink logs as "Name collision": a name twice in one group, or a metric and a group of the same name. */
    @Test
    void noNameCollisionsAndOneLabelPerKindOrModel() {
        for (Consumer<MetricGroup> register : List.<Consumer<MetricGroup>>of(g -> new StepMetrics(g, () -> 0, () -> 0),
                DeadLetterMetrics::new, RetrainMetrics::new, ReportMetrics::new)) {
            RecordingMetricGroup g = new RecordingMetricGroup();
            register.accept(g);
            Set<String> metrics = new HashSet<>();
            Set<String> groups = new HashSet<>();
            for (RecordingMetricGroup.Registration r : g.registrations()) {
                String where = r.scope() + " " + r.labels();
                assertThat(metrics.add(where + " " + r.name())).as("registered once: %s %s", where, r.name()).isTrue();
                // Each group on the path, at its level: the key of a key/value group is the group's name.
                for (int i = 0; i < r.scope().size(); i++) {
                    groups.add(r.scope().subList(0, i) + " " + r.scope().get(i));
                }
            }
            for (RecordingMetricGroup.Registration r : g.registrations()) {
                if (r.labels().isEmpty()) {
                    assertThat(groups).as("a group named like metric %s", r.name()).doesNotContain(r.scope() + " " + r.name());
                }
            }
        }
        RecordingMetricGroup g = new RecordingMetricGroup();
        new DeadLetterMetrics(g);
        Set<String> kinds = new TreeSet<>();
        g.registrations().stream().filter(r -> r.labels().containsKey("kind")).forEach(r -> kinds.add(r.labels().get("kind")));
        assertThat(kinds).hasSize(ErrorKind.values().length);
    }

    /** docs/OPERATIONS.md lists exactly the registered metrics. */
    @Test
    void operationsDocListsEveryMetric() throws IOException {
        String doc = Files.readString(Path.of("../docs/OPERATIONS.md"));
        Set<String> documented = new TreeSet<>();
        Matcher m = Pattern.compile("`(" + P + "[A-Za-z0-9_]+)`").matcher(doc);
        while (m.find()) {
            documented.add(m.group(1));
        }
        assertThat(documented).isEqualTo(MetricCatalog.prometheusNames());
    }
}
