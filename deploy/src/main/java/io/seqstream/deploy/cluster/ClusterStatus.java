package io.seqstream.deploy.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.seqstream.deploy.FlinkRest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** What {@code cluster.sh status} reports: each recorded process, Flink's /overview, and whether the broker answers. */
public record ClusterStatus(RunDir dir, List<ProcessLine> processes, Optional<JsonNode> overview, String restUrl,
        Optional<String> kafkaBootstrap, Optional<Integer> kafkaNodes, String kafkaError) {

    /**
     * One pid file: the process name, its pid, whether it is alive (and still the process that was started) and
     * its Prometheus endpoint (empty for the broker).
     */
    public record ProcessLine(String name, long pid, boolean alive, String metricsUrl) {
    }

    static ClusterStatus of(RunDir dir) {
        Properties props = dir.clusterProperties();
        List<ProcessLine> lines = new ArrayList<>();
        for (PidFile p : dir.pidFiles()) {
            lines.add(new ProcessLine(p.processName(), p.pid().orElse(-1L), p.liveProcess().isPresent(),
                    props.getProperty(RunDir.METRICS_URL_PREFIX + p.processName(), "")));
        }
        String restUrl = props.getProperty(RunDir.REST_URL);
        Optional<JsonNode> overview;
        try {
            overview = Optional.of(new FlinkRest(restUrl).overview());
        } catch (RuntimeException e) {
            overview = Optional.empty();
        }
        Optional<String> bootstrap = Optional.ofNullable(props.getProperty(RunDir.KAFKA_BOOTSTRAP));
        Optional<Integer> nodes = Optional.empty();
        String kafkaError = "";
        boolean brokerAlive = lines.stream().anyMatch(l -> l.name().equals(LocalCluster.KAFKA) && l.alive());
        if (bootstrap.isPresent() && !brokerAlive) {
            kafkaError = "the broker process is not running";
        } else if (bootstrap.isPresent()) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap.get(),
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000", AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000"))) {
                nodes = Optional.of(admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size());
            } catch (Exception e) {
                kafkaError = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
        }
        return new ClusterStatus(dir, List.copyOf(lines), overview, restUrl, bootstrap, nodes, kafkaError);
    }

    /** Every recorded process alive, Flink answering with at least one TaskManager, and the broker (if any) answering. */
    public boolean healthy() {
        boolean allAlive = !processes.isEmpty() && processes.stream().allMatch(ProcessLine::alive);
        boolean flinkUp = overview.map(o -> o.path("taskmanagers").asInt() > 0).orElse(false);
        boolean kafkaUp = kafkaBootstrap.isEmpty() || kafkaNodes.map(n -> n > 0).orElse(false);
        return allAlive && flinkUp && kafkaUp;
    }

    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append("run folder   ").append(dir).append('\n');
        for (ProcessLine p : processes) {
            sb.append(String.format("%-13s pid %-8d %s%s%n", p.name(), p.pid(), p.alive() ? "alive" : "NOT RUNNING",
                    p.metricsUrl().isEmpty() ? "" : "  metrics " + p.metricsUrl()));
        }
        if (processes.isEmpty()) {
            sb.append("(no processes recorded)\n");
        }
        if (overview.isPresent()) {
            JsonNode o = overview.get();
            sb.append(String.format("flink        %s  version %s, taskmanagers %d, slots %d (%d free), jobs running %d, "
                    + "finished %d, cancelled %d, failed %d%n", restUrl, o.path("flink-version").asText(),
                    o.path("taskmanagers").asInt(), o.path("slots-total").asInt(), o.path("slots-available").asInt(),
                    o.path("jobs-running").asInt(), o.path("jobs-finished").asInt(), o.path("jobs-cancelled").asInt(),
                    o.path("jobs-failed").asInt()));
        } else {
            sb.append("flink        ").append(restUrl).append("  NOT ANSWERING\n");
        }
        if (kafkaBootstrap.isPresent()) {
            sb.append("kafka        ").append(kafkaBootstrap.get()).append("  ")
                    .append(kafkaNodes.map(n -> "reachable (" + n + " node" + (n == 1 ? "" : "s") + ")")
                            .orElse("NOT REACHABLE (" + kafkaError + ")"))
                    .append('\n');
        }
        sb.append(healthy() ? "status       healthy\n" : "status       NOT HEALTHY (see " + dir.logs() + ")\n");
        return sb.toString();
    }
}
