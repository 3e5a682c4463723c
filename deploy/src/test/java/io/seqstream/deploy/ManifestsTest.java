package io.seqstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.seqstream.deploy.cluster.JavaOpts;
import io.seqstream.jobs.NetworkTuning;
import io.seqstream.jobs.PredictionJobMain;
import io.seqstream.jobs.config.ConfigKey;
import io.seqstream.jobs.config.ConfigKeys;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.config.StateBackendKind;
import io.seqstream.jobs.state.RocksDbTuning;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests and the Dockerfile agree with the code: entry class, jar path, job config keys and
 * values (the FlinkDeployment's seqstream.* entries, read by JobConfig itself, so an unknown or renamed key fails
 * here), each setting in one place, topic names (Strimzi v1), the Prometheus reporter and its port, Flink version,
 * durable state directories. A rename on either side breaks this test.
 */
class ManifestsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> DURABLE_SCHEMES = Set.of("s3", "s3a", "s3p", "gs", "abfs", "abfss", "wasb", "wasbs", "hdfs",
            "oss");
    private static Path k8s;
    private static JsonNode deployment;
    private static List<JsonNode> topics;
    private static JobConfig jobConfig;
    private static String dockerfile;

    @BeforeAll
    static void load() throws IOException {
        k8s = TestPaths.deployDir().resolve("k8s");
        deployment = single(docs(k8s.resolve("flink-deployment.yaml")), "FlinkDeployment");
        topics = docs(k8s.resolve("kafka-topics.yaml"));
        // What the job's main computes from the deployment: seqstream.* of flinkConfiguration, then the args.
        // Unknown keys and bad values throw, naming the entry.
        jobConfig = JobConfig.fromFlinkAndArgs(flinkConfiguration(), jobArgs().toArray(String[]::new));
        dockerfile = Files.readString(TestPaths.deployDir().resolve("Dockerfile"), StandardCharsets.UTF_8);
    }

    @Test
    void deploymentRunsTheJobJarOfTheImageInApplicationMode() {
        assertThat(deployment.path("apiVersion").asText()).isEqualTo("flink.apache.org/v1beta1");
        JsonNode job = deployment.path("spec").path("job");
        assertThat(job.path("entryClass").asText()).isEqualTo(PredictionJobMain.class.getName());
        String jarInImage = dockerCopyTarget("target/" + TestPaths.jobJar().getFileName());
        assertThat(job.path("jarURI").asText()).isEqualTo("local://" + jarInImage);
        assertThat(job.path("upgradeMode").asText()).isEqualTo("savepoint");
        assertThat(job.path("state").asText()).isEqualTo("running");
    }

    @Test
    void deploymentSetsTheJobsRocksDbOptions() {
        JsonNode conf = deployment.path("spec").path("flinkConfiguration");
        RocksDbTuning.OPTIONS.forEach((k, v) -> assertThat(conf.path(k).asText()).as(k).isEqualTo(v));
    }

    @Test
    void deploymentSetsTheJobsNetworkOptions() {
        JsonNode conf = deployment.path("spec").path("flinkConfiguration");
        NetworkTuning.OPTIONS.forEach((k, v) -> assertThat(conf.path(k).asText()).as(k).isEqualTo(v));
    }

    @Test
    void theJobsSettingsAreInTheSpecNotInAConfigMapOrArguments() throws IOException {
        assertThat(jobArgs()).as("spec.job.args: every setting is a seqstream.* entry of flinkConfiguration").isEmpty();
        JsonNode kustomization = YAML.readTree(k8s.resolve("kustomization.yaml").toFile());
        assertThat(kustomization.has("configMapGenerator")).as("no ConfigMap: a ConfigMap edit does not upgrade the job").isFalse();
        assertThat(flinkConfiguration().keySet().stream().filter(k -> k.startsWith(JobConfig.FLINK_PREFIX))).isNotEmpty();
        // Everything the job needs to run is set (model.path has no default).
        assertThat(jobConfig.isSet(ConfigKeys.MODEL_PATH)).isTrue();
        assertThat(jobConfig.isSet(ConfigKeys.KAFKA_BOOTSTRAP)).isTrue();
    }

    /** Parallelism, state backend, checkpoint storage and interval: each set in exactly one place. */
    @Test
    void parallelismAndCheckpointSettingsAreSetInOnePlace() {
        Map<String, String> flink = flinkConfiguration();
        for (ConfigKey<?> k : List.of(ConfigKeys.PARALLELISM, ConfigKeys.STATE_BACKEND, ConfigKeys.CHECKPOINT_DIR)) {
            assertThat(jobConfig.isSet(k)).as("%s: left to the Flink configuration / spec.job.parallelism", k.name()).isFalse();
        }
        assertThat(flink).doesNotContainKeys("parallelism.default", "execution.checkpointing.interval");
        assertThat(jobConfig.isSet(ConfigKeys.CHECKPOINT_INTERVAL)).isTrue();
    }

    @Test
    void kustomizationListsEveryManifest() throws IOException {
        List<String> listed = new ArrayList<>();
        YAML.readTree(k8s.resolve("kustomization.yaml").toFile()).path("resources").forEach(r -> listed.add(r.asText()));
        try (Stream<Path> files = Files.list(k8s)) {
            List<String> manifests = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml")).toList();
            assertThat(listed).containsExactlyInAnyOrderElementsOf(manifests);
        }
    }

    @Test
    void jobConfigAgreesWithTheDeployment() {
        JsonNode spec = deployment.path("spec");
        JsonNode flink = spec.path("flinkConfiguration");
        assertThat(spec.path("job").path("parallelism").asInt()).isPositive();
        assertThat(flink.path("state.backend.type").asText()).isEqualTo(StateBackendKind.ROCKSDB.configName());
        assertThat(String.valueOf(jobConfig.get(ConfigKeys.MODEL_PATH))).isEqualTo(dockerCopyTarget("${MODEL_FILE}"));
        assertThat(jobConfig.get(ConfigKeys.KAFKA_TRANSACTION_TIMEOUT)).as("at most the brokers' default transaction.max.timeout.ms")
                .isLessThanOrEqualTo(Duration.ofMinutes(15));
        assertThat(jobConfig.get(ConfigKeys.KAFKA_TRANSACTION_TIMEOUT)).isGreaterThan(jobConfig.get(ConfigKeys.CHECKPOINT_INTERVAL));
    }

    @Test
    void stateCheckpointsSavepointsAndHaAreOnDurableStorage() {
        JsonNode flink = deployment.path("spec").path("flinkConfiguration");
        for (String key : List.of("execution.checkpointing.dir", "execution.checkpointing.savepoint-dir", "high-availability.storageDir")) {
            String uri = flink.path(key).asText();
            assertThat(URI.create(uri).getScheme()).as(key + " = " + uri).isIn(DURABLE_SCHEMES);
        }
        assertThat(flink.path("high-availability.type").asText()).isEqualTo("kubernetes");
        assertThat(flink.path("execution.checkpointing.externalized-checkpoint-retention").asText()).isEqualTo("RETAIN_ON_CANCELLATION");
        // An S3 URI needs the S3 file system plugin in the image.
        assertThat(dockerfile).contains("/opt/flink/plugins/s3-fs-presto");
    }

    @Test
    void jvmOptionsIncludeFlinksModuleFlagsAndTheVectorApi() {
        String opts = deployment.path("spec").path("flinkConfiguration").path("env.java.opts.all").asText();
        Set<String> given = new HashSet<>(List.of(opts.trim().split("\\s+")));
        assertThat(given).containsAll(JavaOpts.ALL).containsAll(JavaOpts.SEQSTREAM);
    }

    @Test
    void topicsAreTheJobsTopicsAndModelsIsCompacted() {
        Set<String> names = new HashSet<>();
        for (JsonNode t : topics) {
            assertThat(t.path("kind").asText()).isEqualTo("KafkaTopic");
            names.add(t.path("spec").path("topicName").asText(t.path("metadata").path("name").asText()));
        }
        assertThat(names).containsExactlyInAnyOrder(jobConfig.get(ConfigKeys.TOPIC_EVENTS), jobConfig.get(ConfigKeys.TOPIC_PREDICTIONS),
                jobConfig.get(ConfigKeys.TOPIC_DEAD_LETTERS), jobConfig.get(ConfigKeys.TOPIC_MODELS));
        JsonNode models = topics.stream()
                .filter(t -> t.path("spec").path("topicName").asText().equals(jobConfig.get(ConfigKeys.TOPIC_MODELS)))
                .findFirst().orElseThrow();
        assertThat(models.path("spec").path("config").path("cleanup.policy").asText()).isEqualTo("compact");
        JsonNode events = topics.stream()
                .filter(t -> t.path("spec").path("topicName").asText().equals(jobConfig.get(ConfigKeys.TOPIC_EVENTS)))
                .findFirst().orElseThrow();
        assertThat(events.path("spec").path("partitions").asInt()).as("event partitions >= parallelism")
                .isGreaterThanOrEqualTo(deployment.path("spec").path("job").path("parallelism").asInt());
        assertThat(topics).as("Strimzi 1.0 serves v1 only")
                .allSatisfy(t -> assertThat(t.path("apiVersion").asText()).isEqualTo("kafka.strimzi.io/v1"));
    }

    @Test
    void topicsBelongToTheKafkaClusterTheJobConnectsTo() {
        // Strimzi names a cluster's bootstrap service <cluster>-kafka-bootstrap.<namespace>.svc.
        Set<String> bootstraps = new HashSet<>();
        for (JsonNode t : topics) {
            bootstraps.add(t.path("metadata").path("labels").path("strimzi.io/cluster").asText() + "-kafka-bootstrap."
                    + t.path("metadata").path("namespace").asText() + ".svc");
        }
        assertThat(bootstraps).hasSize(1);
        assertThat(jobConfig.bootstrap()).startsWith(bootstraps.iterator().next() + ":");
    }

    @Test
    void everyPodServesPrometheusMetricsOnTheAnnotatedPort() {
        Map<String, String> flink = flinkConfiguration();
        assertThat(flink).containsEntry("metrics.reporter.prom.factory.class",
                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        String port = flink.get("metrics.reporter.prom.port");
        assertThat(port).matches("\\d+");
        JsonNode pod = deployment.path("spec").path("podTemplate");
        assertThat(pod.path("metadata").path("annotations").path("prometheus.io/scrape").asText()).isEqualTo("true");
        assertThat(pod.path("metadata").path("annotations").path("prometheus.io/port").asText()).isEqualTo(port);
        List<Integer> ports = new ArrayList<>();
        pod.path("spec").path("containers").forEach(c -> c.path("ports").forEach(p -> ports.add(p.path("containerPort").asInt())));
        assertThat(ports).contains(Integer.parseInt(port));
        // The reporter is a plugin in the image.
        assertThat(dockerfile).contains("/opt/flink/plugins/metrics-prometheus");
    }

    @Test
    void imageIsOfficialFlinkOfTheBuildsVersionOnJava17() {
        Matcher m = Pattern.compile("(?m)^ARG FLINK_IMAGE=(\\S+)$").matcher(dockerfile);
        assertThat(m.find()).isTrue();
        assertThat(m.group(1)).isEqualTo("flink:" + EnvironmentInformation.getVersion() + "-java17");
        assertThat(dockerfile).contains("FROM ${FLINK_IMAGE}");
    }

    private static Map<String, String> flinkConfiguration() {
        Map<String, String> m = new LinkedHashMap<>();
        deployment.path("spec").path("flinkConfiguration").fields().forEachRemaining(e -> {
            assertThat(e.getValue().isTextual()).as("flinkConfiguration %s is a string (the CRD's type)", e.getKey()).isTrue();
            m.put(e.getKey(), e.getValue().asText());
        });
        return m;
    }

    private static List<String> jobArgs() {
        List<String> args = new ArrayList<>();
        deployment.path("spec").path("job").path("args").forEach(a -> args.add(a.asText()));
        return args;
    }

    /** The destination of the Dockerfile's COPY of {@code source}. */
    private static String dockerCopyTarget(String source) {
        Matcher m = Pattern.compile("(?m)^COPY (?:--\\S+ )*" + Pattern.quote(source) + " (\\S+)$").matcher(dockerfile);
        assertThat(m.find()).as("the Dockerfile copies " + source).isTrue();
        return m.group(1);
    }

    private static List<JsonNode> docs(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile())) {
            while (it.hasNext()) {
                JsonNode d = it.next();
                if (d != null && !d.isNull() && !d.isEmpty()) {
                    out.add(d);
                }
            }
        }
        return out;
    }

    private static JsonNode single(List<JsonNode> docs, String kind) {
        List<JsonNode> matching = docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
        assertThat(matching).as("one " + kind).hasSize(1);
        return matching.get(0);
    }
}
