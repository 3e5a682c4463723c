package io.seqstream.apps.cli;

import io.seqstream.jobs.config.ConfigKey;
import io.seqstream.jobs.config.ConfigKeys;
import io.seqstream.jobs.config.JobConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * The job's settings as options of a command: {@code --config FILE} and one {@code --<key> VALUE} per job config key
 * (jobs/CONFIG.md), so the help lists them and an unknown key is refused like any unknown option. Kafka client
 * properties, {@code --kafka.client.<property> VALUE}, are options too, one per property Kafka's producer, consumer
 * and admin client know ({@link #addKafkaClientOptions}). The values are kept in command-line order (the last of a
 * repeated key wins) and validated by {@link JobConfig#withFlags}, which applies the file first, then the flags.
 */
public final class JobFlags {
    static final String JOB_SECTION = "jobSettings";
    static final String KAFKA_SECTION = "kafkaClientSettings";

    private final Map<String, String> values = new LinkedHashMap<>();

    /** Adds {@code --config} and every job key to {@code spec}; returns the holder of the values given. */
    public static JobFlags addTo(CommandSpec spec) {
        JobFlags f = new JobFlags();
        List<String[]> rows = new ArrayList<>();
        spec.addOption(f.option(JobConfig.CONFIG_FLAG, "FILE", "a .properties file of job config keys, applied before the other flags"));
        rows.add(new String[]{ "--" + JobConfig.CONFIG_FLAG + "=FILE", "a .properties file of job config keys (jobs/CONFIG.md), applied "
                + "before every other job flag" });
        for (ConfigKey<?> k : ConfigKeys.ALL) {
            String description = k.description() + k.defaultValue().map(d -> d.isEmpty() ? "" : " (default: " + d + ")").orElse("");
            spec.addOption(f.option(k.name(), "VALUE", description));
            rows.add(new String[]{ "--" + k.name() + "=VALUE", description });
        }
        f.addKafkaClientOptions(spec);
        rows.add(new String[]{ "--" + ConfigKeys.KAFKA_CLIENT_PREFIX + "<property>=VALUE", "a property of every Kafka client of the job "
                + "(e.g. --kafka.client.security.protocol SASL_SSL)" });
        spec.parser().overwrittenOptionsAllowed(true); // as in a config file, the last value of a key wins
        section(spec, JOB_SECTION, "%nJob settings (jobs/CONFIG.md). Later wins: Flink configuration seqstream.*,%n"
                + "then --config FILE, then these flags:%n", rows);
        return f;
    }

    /** A holder for {@code --kafka.client.<property>} options only (commands that talk to Kafka but run no job). */
    public static JobFlags kafkaClientOnly(CommandSpec spec) {
        JobFlags f = new JobFlags();
        f.addKafkaClientOptions(spec);
        spec.parser().overwrittenOptionsAllowed(true);
        section(spec, KAFKA_SECTION, "%nKafka client settings:%n", List.<String[]>of(new String[]{ "--" + ConfigKeys.KAFKA_CLIENT_PREFIX
                + "<property>=VALUE", "a Kafka client property, e.g. --kafka.client.security.protocol SASL_SSL (security settings)" }));
        return f;
    }

    private void addKafkaClientOptions(CommandSpec spec) {
        TreeSet<String> names = new TreeSet<>(ProducerConfig.configNames());
        names.addAll(ConsumerConfig.configNames());
        names.addAll(AdminClientConfig.configNames());
        for (String n : names) {
            spec.addOption(option(ConfigKeys.KAFKA_CLIENT_PREFIX + n, "VALUE", "Kafka client property " + n));
        }
    }

    private OptionSpec option(String key, String label, String description) {
        ISetter setter = new ISetter() {
            @Override
            public <T> T set(T value) {
                if (value != null) { // picocli sets the initial value (none) first
                    values.put(key, value.toString());
                }
                return null;
            }
        };
        // Hidden from the option list: the help shows them in a section of their own.
        return OptionSpec.builder("--" + key).paramLabel(label).type(String.class).arity("1").hidden(true).description(description)
                .setter(setter).build();
    }

    private static void section(CommandSpec spec, String key, String heading, List<String[]> rows) {
        UsageMessageSpec u = spec.usageMessage();
        u.sectionMap().put(key, help -> {
            StringBuilder sb = new StringBuilder(String.format(heading));
            for (String[] r : rows) {
                sb.append(row(r[0], r[1], u.width()));
            }
            return sb.toString();
        });
        List<String> keys = new ArrayList<>(u.sectionKeys());
        int at = keys.indexOf(UsageMessageSpec.SECTION_KEY_OPTION_LIST);
        keys.add(at < 0 ? keys.size() : at + 1, key);
        u.sectionKeys(keys);
    }

    /** {@code "  --name=VALUE   description"}, the description wrapped at spaces to {@code width}. */
    static String row(String name, String description, int width) {
        int indent = 40;
        StringBuilder sb = new StringBuilder("  ").append(name);
        int col = sb.length();
        if (col + 1 >= indent) {
            sb.append('\n');
            col = 0;
        }
        sb.append(" ".repeat(indent - col));
        col = indent;
        for (String word : description.split(" ")) {
            if (col > indent && col + 1 + word.length() > width) {
                sb.append('\n').append(" ".repeat(indent + 2));
                col = indent + 2;
            } else if (col > indent) {
                sb.append(' ');
                col++;
            }
            sb.append(word);
            col += word.length();
        }
        return sb.append('\n').toString();
    }

    /** The job flags given, in command-line order: config key (or {@code config}) to raw value. */
    public Map<String, String> values() {
        return Collections.unmodifiableMap(values);
    }
}
