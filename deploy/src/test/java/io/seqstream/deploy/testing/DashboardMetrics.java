package io.seqstream.deploy.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The PromQL expressions of deploy/grafana and deploy/prometheus, and the metric names and labels they use. */
public final class DashboardMetrics {
    public static final String DASHBOARD = "grafana/seqstream-dashboard.json";
    public static final String ALERTS = "prometheus/seqstream-alerts.yaml";
    private static final Pattern METRIC = Pattern.compile("\\b(flink_[a-zA-Z0-9_:]+)(\\{([^}]*)})?");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"");

    private DashboardMetrics() {
    }

    /** Every expression, by where it is (panel title or alert name). */
    public static Map<String, String> expressions(Path deployDir) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        JsonNode dashboard = new ObjectMapper().readTree(deployDir.resolve(DASHBOARD).toFile());
        for (JsonNode p : dashboard.path("panels")) {
            for (JsonNode t : p.path("targets")) {
                out.put("panel '" + p.path("title").asText() + "' " + t.path("refId").asText(), t.path("expr").asText());
            }
        }
        JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(deployDir.resolve(ALERTS).toFile());
        for (JsonNode g : rules.path("groups")) {
            for (JsonNode r : g.path("rules")) {
                out.put("alert " + r.path("alert").asText(), r.path("expr").asText());
            }
        }
        return out;
    }

    /** Metric names used in one expression. */
    public static Set<String> metricNames(String expr) {
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(expr);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** Label names each metric is selected by in one expression ({@code name{label="..."}}). */
    public static Map<String, Set<String>> selectorLabels(String expr) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        Matcher m = METRIC.matcher(expr);
        while (m.find()) {
            Set<String> labels = out.computeIfAbsent(m.group(1), k -> new TreeSet<>());
            if (m.group(3) != null) {
                Matcher l = MATCHER.matcher(m.group(3));
                while (l.find()) {
                    labels.add(l.group(1));
                }
            }
        }
        return out;
    }

    /** Every metric name of the dashboard and the alert rules. */
    public static Set<String> allMetricNames(Path deployDir) throws IOException {
        Set<String> all = new TreeSet<>();
        for (String e : expressions(deployDir).values()) {
            all.addAll(metricNames(e));
        }
        return all;
    }

    /** The alert names of the rule file. */
    public static List<String> alertNames(Path deployDir) throws IOException {
        List<String> out = new ArrayList<>();
        expressions(deployDir).keySet().stream().filter(k -> k.startsWith("alert ")).forEach(k -> out.add(k.substring(6)));
        return out;
    }
}
