package io.seqstream.jobs.config;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;

/**
 * The prediction job's configuration: every key (jobs/CONFIG.md documents them) from three places, later
 * ones winning: {@code seqstream.<key>} entries of the Flink configuration (the cluster's config.yaml, a
 * FlinkDeployment's {@code flinkConfiguration}, {@code -D} of {@code flink run}), then the {@code .properties} file of
 * {@code --config FILE}, then command-line flags {@code --key value}. Values are validated when they are set, so a
 * JobConfig in hand is always valid; an unknown key or a bad value is a {@link ConfigException} naming
 * the key and where it came from.
 *
 * <p>Immutable and serializable (only the explicitly set raw values are kept; defaults come from {@link ConfigKeys}).
 */
public final class JobConfig implements Serializable {
    private static final long serialVersionUID = 1L;
    /** The flag that names a config file; it is applied before every other flag. */
    public static final String CONFIG_FLAG = "config";
    /** Prefix of job keys in a Flink configuration: {@code seqstream.batch.size: 128}. */
    public static final String FLINK_PREFIX = "seqstream.";

    private final Map<String, String> values; // key -> raw value, validated

    private JobConfig(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public static JobConfig defaults() {
        return new JobConfig(Map.of());
    }

    /** Reads a .properties file. */
    public static JobConfig load(Path file) {
        return defaults().withFile(file);
    }

    /** {@code --config FILE} (optional) and then {@code --key value} overrides. */
    public static JobConfig fromArgs(String... args) {
        return fromFlags(Flags.parse(args));
    }

    /**
     * The job's config as {@code main} sees it: the {@code seqstream.*} entries of the Flink configuration
     * ({@code flinkConfiguration}, e.g. {@code StreamExecutionEnvironment.getConfiguration().toMap()}), then
     * {@code --config FILE}, then {@code --key value} flags.
     */
    public static JobConfig fromFlinkAndArgs(Map<String, String> flinkConfiguration, String... args) {
        return defaults().withFlinkConfiguration(flinkConfiguration).withFlags(Flags.parse(args));
    }

    /** Like {@link #fromArgs} for flags already parsed (e.g. after a runner removed its own flags). */
    public static JobConfig fromFlags(Map<String, String> flags) {
        return defaults().withFlags(flags);
    }

    /** This config, then {@code --config FILE} (if given), then the other flags. */
    public JobConfig withFlags(Map<String, String> flags) {
        JobConfig c = this;
        if (flags.containsKey(CONFIG_FLAG)) {
            c = c.withFile(Path.of(flags.get(CONFIG_FLAG)));
        }
        for (Map.Entry<String, String> e : flags.entrySet()) {
            if (!e.getKey().equals(CONFIG_FLAG)) {
                c = c.with(e.getKey(), e.getValue(), "flag --" + e.getKey());
            }
        }
        return c;
    }

    /**
     * This config with the {@code seqstream.*} entries of a Flink configuration (prefix removed); every other
     * entry is Flink's own and ignored. A bad key or value names the Flink configuration entry.
     */
    public JobConfig withFlinkConfiguration(Map<String, String> flinkConfiguration) {
        JobConfig c = this;
        for (String key : new TreeSet<>(flinkConfiguration.keySet())) {
            if (key.startsWith(FLINK_PREFIX)) {
                c = c.with(key.substring(FLINK_PREFIX.length()), flinkConfiguration.get(key), "Flink configuration " + key);
            }
        }
        return c;
    }

    public JobConfig withFile(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ConfigException("config file " + file + " does not exist");
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        JobConfig c = this;
        for (String key : new TreeSet<>(p.stringPropertyNames())) {
            c = c.with(key, p.getProperty(key), "config file " + file);
        }
        return c;
    }

    /** A copy with one key set; the value is validated now. */
    public JobConfig with(String key, String value) {
        return with(key, value, "set in code");
    }

    /** A copy with one key set; {@code origin} (e.g. "flag --x", "demo default") is named in errors. */
    public JobConfig with(String key, String value, String origin) {
        if (!key.startsWith(ConfigKeys.KAFKA_CLIENT_PREFIX) || key.length() == ConfigKeys.KAFKA_CLIENT_PREFIX.length()) {
            ConfigKey<?> k = ConfigKeys.ALL.stream().filter(x -> x.name().equals(key)).findFirst()
                    .orElseThrow(() -> new ConfigException("unknown config key '" + key + "' (" + origin + "); valid keys: "
                            + ConfigKeys.ALL.stream().map(ConfigKey::name).toList() + " and " + ConfigKeys.KAFKA_CLIENT_PREFIX + "*"));
            k.parse(value, origin);
        }
        Map<String, String> copy = new LinkedHashMap<>(values);
        copy.put(key, value.trim());
        return new JobConfig(copy);
    }

    /** The value of a key, or its default; a key without a default that is not set is an error naming it. */
    public <T> T get(ConfigKey<T> key) {
        return find(key).orElseThrow(() -> new ConfigException("config key '" + key.name() + "' is required: "
                + key.description() + " Set it in the config file or with --" + key.name() + " VALUE."));
    }

    /** The value of a key or its default, empty if neither exists. */
    public <T> Optional<T> find(ConfigKey<T> key) {
        String raw = values.get(key.name());
        if (raw != null) {
            return Optional.of(key.parse(raw, "set"));
        }
        return key.defaultValue().map(d -> key.parse(d, "default"));
    }

    /** Whether a key was set explicitly (rather than left at its default). */
    public boolean isSet(ConfigKey<?> key) {
        return values.containsKey(key.name());
    }

    /** {@code kafka.client.*} entries with the prefix removed: extra properties for every Kafka client. */
    public Properties kafkaClientProperties() {
        Properties p = new Properties();
        values.forEach((k, v) -> {
            if (k.startsWith(ConfigKeys.KAFKA_CLIENT_PREFIX)) {
                p.setProperty(k.substring(ConfigKeys.KAFKA_CLIENT_PREFIX.length()), v);
            }
        });
        return p;
    }

    /** The explicitly set values, in the order they were set. */
    public Map<String, String> explicitValues() {
        return values;
    }

    // Typed shortcuts for the keys the job reads most.

    public String bootstrap() {
        return get(ConfigKeys.KAFKA_BOOTSTRAP);
    }

    public int batchSize() {
        return get(ConfigKeys.BATCH_SIZE);
    }

    public long batchTimeoutMs() {
        return get(ConfigKeys.BATCH_TIMEOUT_MS);
    }

    public boolean batchPipelined() {
        return get(ConfigKeys.BATCH_PIPELINED);
    }

    public Duration stateTtl() {
        return get(ConfigKeys.STATE_TTL);
    }

    public DeliveryMode delivery() {
        return get(ConfigKeys.DELIVERY);
    }

    public int parallelism() {
        return get(ConfigKeys.PARALLELISM);
    }

    public int topK() {
        return get(ConfigKeys.TOP_K);
    }

    public boolean fullOutputVector() {
        return get(ConfigKeys.OUTPUT_FULL_VECTOR);
    }

    /** Every key with its effective value, one {@code key=value} per line (for logs). */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (ConfigKey<?> k : ConfigKeys.ALL) {
            String v = values.containsKey(k.name())
                    ? (ConfigKeys.SECRET.contains(k.name()) ? "***" : values.get(k.name()))
                    : k.defaultValue().orElse("(unset)");
            sb.append(k.name()).append('=').append(v).append('\n');
        }
        values.keySet().stream().filter(k -> k.startsWith(ConfigKeys.KAFKA_CLIENT_PREFIX)).sorted()
                .forEach(k -> sb.append(k).append("=***\n")); // may hold credentials
        return sb.toString();
    }

    @Override
    public String toString() {
        return "JobConfig" + values.keySet();
    }
}
