package io.seqstream.jobs.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.jobs.JobEnvironment;
import io.seqstream.jobs.PredictionJob;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.event.Ingested;
import io.seqstream.jobs.event.ModelInput;
import io.seqstream.jobs.metrics.MetricCatalog;
import io.seqstream.jobs.model.StepModelBackend;
import io.seqstream.jobs.testing.CollectingSink;
import io.seqstream.jobs.testing.Pace;
import io.seqstream.jobs.testing.TestModels;
import io.seqstream.jobs.validate.DeadLetters;
import io.seqstream.schemas.DeadLetter;
import io.seqstream.schemas.ErrorKind;
import io.seqstream.schemas.Prediction;
import io.seqstream.testkit.PrometheusScrape;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Flink's Prometheus reporter, configured as the cluster configs of deploy/ configure it, on a MiniCluster running
 * the prediction pipeline: /metrics serves the job's metrics under the names MetricCatalog gives them, with their
 * labels and sane values, and the JobManager metrics the dashboard and the alerts use.
 */
class PrometheusReporterTest {
    static final int PORT = freePort();
    static final int KEYS = 20;
    static final int ROUNDS = 60;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).setConfiguration(prometheus(PredictionJobKafkaTest.flinkConfig()))
            .build());

    static Configuration prometheus(Configuration c) {
        c.setString("metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        c.setString("metrics.reporter.prom.port", String.valueOf(PORT));
        return c;
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @Timeout(180)
    void theJobsMetricsAreScrapedWithLabelsAndSaneValues() throws Exception {
        long now = System.currentTimeMillis();
        List<Ingested> input = new ArrayList<>();
        // The dead letter first: it is counted long before the scrape below stops waiting.
        input.add(Ingested.of(DeadLetters.of("events", 0, 1, null, new byte[]{ 1 }, ErrorKind.UNDECODABLE, "test", 1024, now), now));
        for (int r = 0; r < ROUNDS; r++) {
            for (int k = 0; k < KEYS; k++) {
                input.add(Ingested.of(ModelInput.token("key-" + k, now + r, (r * 7 + k) % 16, false)));
            }
        }
        int events = ROUNDS * KEYS;
        JobConfig config = JobConfig.fromArgs("--parallelism", "2", "--batch.size", "16", "--batch.timeout-ms", "5",
                "--checkpoint.interval", "500ms", "--model.version", "3", "--models.watch", "false",
                "--checkpoint.dir", Path.of(System.getProperty("java.io.tmpdir"), "prom-" + UUID.randomUUID()).toUri().toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobEnvironment.configure(env, config);
        TypeInformation<Ingested> type = TypeInformation.of(Ingested.class);
        // ~8 s, so the job is running while /metrics is scraped.
        DataStream<Ingested> source = env.fromData(input, type).setParallelism(1).map(new Pace<>(input.size() / 8.0), type)
                .setParallelism(1)
                .assignTimestampsAndWatermarks(PredictionJob.watermarks(config)).setParallelism(1);
        PredictionJob.Outputs out = PredictionJob.attach(source, StepModelBackend.of(TestModels.tokenModel(16, 8, 16, 5), 3), config);
        CollectingSink<Prediction> predictions = new CollectingSink<>();
        CollectingSink<DeadLetter> deadLetters = new CollectingSink<>();
        out.predictions().sinkTo(predictions);
        out.deadLetters().sinkTo(deadLetters);
        JobClient job = env.executeAsync("prometheus scrape");
        String url = "http://127.0.0.1:" + PORT + "/metrics";
        String p = MetricCatalog.OPERATOR_PREFIX;
        PrometheusScrape s = null;
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            Thread.sleep(500);
            s = PrometheusScrape.of(url);
            if (s.sum(p + "predictionsOut") >= events / 2.0 && s.sum("flink_jobmanager_job_numberOfCompletedCheckpoints") >= 1) {
                break;
            }
        }
        try {
            assertThat(s).isNotNull();
            assertThat(s.sum(p + "predictionsOut")).as(url + " predictionsOut").isGreaterThanOrEqualTo(events / 2.0);
            assertThat(s.samples(p + "predictionsOut")).as("one series per subtask").hasSize(2)
                    .allSatisfy(x -> assertThat(x.labels()).containsKeys("job_name", "subtask_index", "operator_name"));
            assertThat(s.samples(p + "modelVersion")).hasSize(2).allSatisfy(x -> assertThat(x.value()).isEqualTo(3));
            for (String q : List.of("0.5", "0.99", "0.999")) {
                assertThat(s.samples(p + "eventToPredictionMs", "quantile", q)).as("eventToPredictionMs p" + q).hasSize(2)
                        .allSatisfy(x -> assertThat(x.value()).isBetween(0.0, 60_000.0));
            }
            assertThat(s.samples(p + "eventTimeLagMs")).hasSize(2).allSatisfy(x -> assertThat(x.value()).isBetween(0.0, 60_000.0));
            for (ErrorKind k : ErrorKind.values()) {
                assertThat(s.samples(p + "kind_deadLetters", "kind", k.name())).as("dead letters of kind " + k).isNotEmpty();
            }
            assertThat(s.samples(p + "kind_deadLetters", "kind", "UNDECODABLE").stream().mapToDouble(PrometheusScrape.Sample::value).sum())
                    .isEqualTo(1);
            assertThat(s.sum(p + "deadLetters")).isEqualTo(1);
            // Every metric of the job (the trainer's and the training report's are not in this job) and every Flink metric the dashboard uses.
            for (MetricCatalog.Entry e : MetricCatalog.all()) {
                if (!e.operator().equals("retrain") && !e.operator().equals("training report")) {
                    assertThat(s.names()).as("scraped: " + e.prometheusName()).contains(e.prometheusName());
                }
            }
            assertThat(s.names()).containsAll(MetricCatalog.FLINK_METRICS);
        } finally {
            job.cancel().get();
        }
        predictions.clear();
        deadLetters.clear();
    }
}
