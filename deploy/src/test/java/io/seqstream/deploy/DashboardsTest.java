package io.seqstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.seqstream.deploy.testing.DashboardMetrics;
import io.seqstream.jobs.metrics.MetricCatalog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard and the Prometheus alert rules under deploy/ use only metrics that exist: the job's,
 * as its operators register them (MetricCatalog, the same classes the operators use), with the labels they
 * carry, and the few Flink metrics listed here (LocalClusterIT finds all of them on a running cluster's
 * /metrics endpoints). A renamed metric fails here, not in someone's dashboard.
 */
class DashboardsTest {
    /** Flink's own metrics the dashboard and alerts use (JobManager scope). */
    static final Set<String> FLINK_METRICS = MetricCatalog.FLINK_METRICS;
    /** Labels Flink's Prometheus reporter adds to every job metric (its scope variables). */
    static final Set<String> FLINK_LABELS = Set.of("job_name", "job_id", "task_name", "task_id", "operator_name", "operator_id",
            "subtask_index", "task_attempt_num", "task_attempt_id", "tm_id", "host");
    private static final Path DEPLOY = TestPaths.deployDir();

    @Test
    void everyMetricOfTheDashboardAndTheAlertsIsRegisteredWithTheLabelsUsed() throws IOException {
        Map<String, MetricCatalog.Entry> catalog = new HashMap<>();
        MetricCatalog.all().forEach(e -> catalog.put(e.prometheusName(), e));
        Map<String, String> exprs = DashboardMetrics.expressions(DEPLOY);
        assertThat(exprs).isNotEmpty();
        Set<String> used = new HashSet<>();
        exprs.forEach((where, expr) -> {
            assertThat(DashboardMetrics.metricNames(expr)).as("%s uses a metric: %s", where, expr).isNotEmpty();
            DashboardMetrics.selectorLabels(expr).forEach((name, labels) -> {
                used.add(name);
                if (FLINK_METRICS.contains(name)) {
                    assertThat(FLINK_LABELS).as("%s: labels of %s", where, name).containsAll(labels);
                    return;
                }
                MetricCatalog.Entry e = catalog.get(name);
                assertThat(e).as("%s: %s is neither registered by the job (%s) nor one of Flink's listed here", where, name,
                        catalog.keySet()).isNotNull();
                Set<String> allowed = new HashSet<>(FLINK_LABELS);
                allowed.addAll(e.labels());
                if (e.kind().equals("histogram")) {
                    allowed.add("quantile");
                }
                assertThat(allowed).as("%s: labels of %s", where, name).containsAll(labels);
            });
        });
        // The dashboard shows the job's main signals.
        assertThat(used).contains(MetricCatalog.OPERATOR_PREFIX + "eventToPredictionMs", MetricCatalog.OPERATOR_PREFIX + "eventTimeLagMs",
                MetricCatalog.OPERATOR_PREFIX + "kind_deadLetters", MetricCatalog.OPERATOR_PREFIX + "modelVersion",
                MetricCatalog.OPERATOR_PREFIX + "model_holdoutAccuracy", MetricCatalog.OPERATOR_PREFIX + "retrainRounds",
                MetricCatalog.OPERATOR_PREFIX + "model_onlineAccuracy");
    }

    @Test
    void theAlertRulesCoverLagDeadLettersCheckpointsAccuracyAndSilence() throws IOException {
        JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(DEPLOY.resolve(DashboardMetrics.ALERTS).toFile());
        Map<String, JsonNode> byName = new HashMap<>();
        for (JsonNode g : rules.path("groups")) {
            assertThat(g.path("name").asText()).isNotBlank();
            for (JsonNode r : g.path("rules")) {
                String name = r.path("alert").asText();
                assertThat(byName.put(name, r)).as("alert %s once", name).isNull();
                assertThat(r.path("expr").asText()).as(name).isNotBlank();
                assertThat(r.path("for").asText()).as("%s: for", name).matches("\\d+[smh]");
                assertThat(r.path("labels").path("severity").asText()).as("%s: severity", name).isIn("warning", "critical");
                assertThat(r.path("annotations").path("summary").asText()).as("%s: summary", name).isNotBlank();
            }
        }
        String p = MetricCatalog.OPERATOR_PREFIX;
        assertThat(byName).containsKeys("SeqstreamPredictionLag", "SeqstreamDeadLetterRate", "SeqstreamCheckpointFailures",
                "SeqstreamModelAccuracyDrop", "SeqstreamNoPredictions");
        assertThat(byName.get("SeqstreamPredictionLag").path("expr").asText()).contains(p + "eventTimeLagMs");
        assertThat(byName.get("SeqstreamDeadLetterRate").path("expr").asText()).contains(p + "deadLetters", p + "recordsIn");
        assertThat(byName.get("SeqstreamCheckpointFailures").path("expr").asText())
                .contains("flink_jobmanager_job_numberOfFailedCheckpoints");
        assertThat(byName.get("SeqstreamModelAccuracyDrop").path("expr").asText()).contains(p + "model_holdoutAccuracy{model=\"serving\"}");
        assertThat(byName.get("SeqstreamNoPredictions").path("expr").asText()).contains(p + "predictionsOut");
    }

    @Test
    void theDashboardIsGrafanaJsonWithAPrometheusDatasourceVariable() throws IOException {
        JsonNode d = new ObjectMapper().readTree(DEPLOY.resolve(DashboardMetrics.DASHBOARD).toFile());
        assertThat(d.path("uid").asText()).isNotBlank();
        assertThat(d.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(36);
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : d.path("panels")) {
            assertThat(ids.add(panel.path("id").asInt())).as("panel ids unique").isTrue();
            assertThat(panel.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
            assertThat(panel.path("targets").size()).as("panel %s has queries", panel.path("title").asText()).isPositive();
        }
        assertThat(d.path("templating").path("list").findValuesAsText("name")).contains("datasource", "job");
    }
}
