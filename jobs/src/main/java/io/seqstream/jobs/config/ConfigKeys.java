package io.seqstream.jobs.config;

import io.seqstream.jobs.io.FlinkFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Every key of the job configuration. jobs/CONFIG.md documents them (a test keeps the two in step). */
public final class ConfigKeys {
    private ConfigKeys() {
    }

    /** Keys with this prefix are passed, without it, to every Kafka client the job creates (e.g. security settings). */
    public static final String KAFKA_CLIENT_PREFIX = "kafka.client.";

    public static final ConfigKey<String> KAFKA_BOOTSTRAP = new ConfigKey<>("kafka.bootstrap", "127.0.0.1:9092",
            ConfigKeys::nonEmpty, "Kafka bootstrap servers, host:port[,host:port...].");
    public static final ConfigKey<String> KAFKA_GROUP_ID = new ConfigKey<>("kafka.group-id", "seqstream-prediction",
            ConfigKeys::nonEmpty, "Consumer group id of the event source (offsets are committed on checkpoints, for monitoring).");
    public static final ConfigKey<String> KAFKA_TRANSACTIONAL_ID_PREFIX = new ConfigKey<>("kafka.transactional-id-prefix",
            "seqstream-prediction", ConfigKeys::nonEmpty,
            "Prefix of the Kafka transactional ids of the exactly-once sinks (\"-predictions\" and \"-dead-letters\" are appended). "
                    + "Unique per job on a cluster.");
    public static final ConfigKey<Duration> KAFKA_TRANSACTION_TIMEOUT = new ConfigKey<>("kafka.transaction-timeout", "10m",
            v -> positive(Durations.parse(v)),
            "transaction.timeout.ms of the exactly-once producers; must be at most the broker's transaction.max.timeout.ms "
                    + "(15m by default) and well above checkpoint.interval.");
    public static final ConfigKey<String> TOPIC_EVENTS = new ConfigKey<>("topics.events", "events",
            ConfigKeys::nonEmpty, "Topic of input Event records (Avro binary, schemas module).");
    public static final ConfigKey<String> TOPIC_PREDICTIONS = new ConfigKey<>("topics.predictions", "predictions",
            ConfigKeys::nonEmpty, "Topic the Prediction records are written to, keyed by the event key.");
    public static final ConfigKey<String> TOPIC_DEAD_LETTERS = new ConfigKey<>("topics.dead-letters", "dead-letters",
            ConfigKeys::nonEmpty, "Topic the DeadLetter records are written to.");
    public static final ConfigKey<String> TOPIC_MODELS = new ConfigKey<>("topics.models", "models",
            ConfigKeys::nonEmpty, "Topic of ModelSnapshot records: one partition, compacted, Kafka key = the version. "
                    + "Read from the earliest offset for hot swaps (models.watch); retraining publishes to it.");
    public static final ConfigKey<StartOffsets> SOURCE_START = new ConfigKey<>("source.start", "committed",
            v -> choice(v, StartOffsets.values(), StartOffsets::configName),
            "Where the event source starts without a checkpoint: committed (group offsets, else earliest), earliest or latest.");
    public static final ConfigKey<String> MODEL_PATH = new ConfigKey<>("model.path", "",
            v -> FlinkFiles.validLocation(nonEmpty(v)),
            "Model file loaded at start: a seqstream model file (zip, model-core) or a Keras HDF5 file; a path or a Flink "
                    + "file system URI (file://, s3://, ...). Required.");
    public static final ConfigKey<Long> MODEL_VERSION = new ConfigKey<>("model.version", "",
            v -> longAtLeast(v, 0),
            "Model version written into every Prediction. Default: the model file's provenance property \"version\", else 1.");
    public static final ConfigKey<Integer> BATCH_SIZE = new ConfigKey<>("batch.size", "256",
            v -> intBetween(v, 1, 65_536),
            "Micro-batch size B: buffered events are stepped when B are waiting (per parallel instance).");
    public static final ConfigKey<Long> BATCH_TIMEOUT_MS = new ConfigKey<>("batch.timeout-ms", "5",
            v -> longAtLeast(v, 0),
            "Micro-batch timeout T in ms: buffered events are stepped at the latest T ms after the first of them arrived; "
                    + "0 steps every event at once.");
    public static final ConfigKey<Duration> NETWORK_BUFFER_TIMEOUT = new ConfigKey<>("network.buffer-timeout", "5ms",
            v -> notNegative(Durations.parse(v)),
            "Flink's network buffer timeout for this job (execution.buffer-timeout.interval): records between operators wait at most this "
                    + "long for their buffer to fill. Flink's 100 ms default would add up to 100 ms per exchange at low load; 0 flushes "
                    + "every record.");
    public static final ConfigKey<Boolean> BATCH_PIPELINED = new ConfigKey<>("batch.pipelined", "true",
            ConfigKeys::bool,
            "Step each micro-batch on a step thread of its own while the task thread reads the next batch and writes the previous "
                    + "one's predictions (up to two batches in flight per parallel instance). false steps on the task thread.");
    public static final ConfigKey<Duration> STATE_TTL = new ConfigKey<>("state.ttl", "1h",
            v -> notNegative(Durations.parse(v)),
            "A key with no event for this long (processing time) loses its state: the next event starts a new sequence. 0 keeps keys forever.");
    public static final ConfigKey<StateBackendKind> STATE_BACKEND = new ConfigKey<>("state.backend", "hashmap",
            v -> choice(v, StateBackendKind.values(), StateBackendKind::configName),
            "Keyed state backend: hashmap (heap) or rocksdb (embedded RocksDB, incremental checkpoints).");
    public static final ConfigKey<DeliveryMode> DELIVERY = new ConfigKey<>("delivery", "exactly-once",
            v -> choice(v, DeliveryMode.values(), DeliveryMode::configName),
            "exactly-once (Kafka transactions per checkpoint; readers use isolation.level=read_committed) or "
                    + "at-least-once (output visible at once, low latency; duplicates after a failure).");
    public static final ConfigKey<Duration> CHECKPOINT_INTERVAL = new ConfigKey<>("checkpoint.interval", "10s",
            v -> positive(Durations.parse(v)),
            "Checkpoint interval. With exactly-once it is also the latency until predictions are visible to read_committed readers.");
    public static final ConfigKey<String> CHECKPOINT_DIR = new ConfigKey<>("checkpoint.dir", "",
            ConfigKeys::nonEmpty,
            "Checkpoint storage URI or path (file:///..., s3://...). Default: seqstream-checkpoints under java.io.tmpdir.");
    public static final ConfigKey<Integer> CHECKPOINT_TOLERABLE_FAILURES = new ConfigKey<>("checkpoint.tolerable-failures", "5",
            v -> intBetween(v, 0, Integer.MAX_VALUE),
            "Consecutive failed checkpoints (e.g. checkpoint storage unreachable) the job rides through before it fails over to "
                    + "its last checkpoint. Keep it times checkpoint.interval well below kafka.transaction-timeout: with exactly-once, "
                    + "output waits in open transactions meanwhile.");
    public static final ConfigKey<Integer> PARALLELISM = new ConfigKey<>("parallelism", "1",
            v -> intBetween(v, 1, 4096), "Parallelism of the job (every operator).");
    public static final ConfigKey<Integer> TOP_K = new ConfigKey<>("top-k", "5",
            v -> intBetween(v, 1, 1000), "Classes per Prediction.topK, most probable first (at most the model's output size).");
    public static final ConfigKey<Boolean> OUTPUT_FULL_VECTOR = new ConfigKey<>("output.full-vector", "false",
            ConfigKeys::bool, "Also write the whole output vector into Prediction.output.");
    public static final ConfigKey<Duration> WATERMARK_OUT_OF_ORDERNESS = new ConfigKey<>("watermark.out-of-orderness", "5s",
            v -> notNegative(Durations.parse(v)),
            "Bounded out-of-orderness of event time for the source's watermarks.");
    public static final ConfigKey<Duration> WATERMARK_IDLE_TIMEOUT = new ConfigKey<>("watermark.idle-timeout", "30s",
            v -> notNegative(Durations.parse(v)),
            "A source partition without events for this long stops holding back the watermark. 0 disables idleness.");
    public static final ConfigKey<Integer> DEAD_LETTER_MAX_RAW_BYTES = new ConfigKey<>("dead-letters.max-raw-bytes", "65536",
            v -> intBetween(v, 0, 16 << 20),
            "Largest raw record value copied into a DeadLetter; a larger value is left out (rawValue null) and the message says so.");
    public static final ConfigKey<Boolean> MODELS_WATCH = new ConfigKey<>("models.watch", "true",
            ConfigKeys::bool, "Read topics.models (from the earliest offset) and hot-swap to each newer valid model version.");
    public static final ConfigKey<List<Path>> MODELS_TRUSTED_KEYS = new ConfigKey<>("models.trusted-keys", "",
            ConfigKeys::pathList,
            "Ed25519 public key files (PEM, comma-separated) whose signatures make a model snapshot servable. When set, unsigned, "
                    + "forged and unknown-key snapshots are dead letters (UNTRUSTED_MODEL_SNAPSHOT) and the serving model stays; "
                    + "two keys at once allow a key rotation. Default: none, signatures are not checked.");
    public static final ConfigKey<Path> MODELS_SIGNING_KEY = new ConfigKey<>("models.signing-key", "",
            v -> Path.of(nonEmpty(v)),
            "Ed25519 private key file (PEM, PKCS#8) with which the trainer (retrain.enabled) signs the snapshots it publishes. "
                    + "Needed with retrain.enabled when models.trusted-keys is set; its public key must be one of them. Default: none.");
    public static final ConfigKey<SwapStatePolicy> SWAP_STATE_POLICY = new ConfigKey<>("swap.state-policy", "keep",
            v -> choice(v, SwapStatePolicy.values(), SwapStatePolicy::configName),
            "Per-key recurrent state at a model swap: keep (same shapes), reset (zeros), rewarm (replay the key's last "
                    + "swap.rewarm-events events through the new model).");
    public static final ConfigKey<Integer> SWAP_REWARM_EVENTS = new ConfigKey<>("swap.rewarm-events", "32",
            v -> intBetween(v, 1, 4096), "Events per key kept in keyed state for swap.state-policy=rewarm (since the key's last reset).");
    public static final ConfigKey<ShapeChangePolicy> SWAP_ON_SHAPE_CHANGE = new ConfigKey<>("swap.on-shape-change", "reset",
            v -> choice(v, ShapeChangePolicy.values(), ShapeChangePolicy::configName),
            "A snapshot whose recurrent state has other shapes: reset (apply it, every key restarts from zeros or is rewarmed) "
                    + "or reject (dead letter, the old model keeps serving).");
    public static final ConfigKey<Boolean> RETRAIN_ENABLED = new ConfigKey<>("retrain.enabled", "false",
            ConfigKeys::bool, "Fine-tune the model on event-time windows of the stream and publish better versions to topics.models "
                    + "(token models only).");
    public static final ConfigKey<Duration> RETRAIN_INTERVAL = new ConfigKey<>("retrain.interval", "1h",
            v -> positive(Durations.parse(v)), "Slide of the event-time training windows: one training round per interval.");
    public static final ConfigKey<Duration> RETRAIN_WINDOW = new ConfigKey<>("retrain.window", "1h",
            v -> positive(Durations.parse(v)),
            "Size of the event-time training windows; equal to retrain.interval for tumbling windows, larger for sliding ones.");
    public static final ConfigKey<RetrainTarget> RETRAIN_TARGET = new ConfigKey<>("retrain.target", "next-event",
            v -> choice(v, RetrainTarget.values(), RetrainTarget::configName),
            "Training target: next-event (self-supervised: the key's next token) or label (each event's label; unlabelled events are skipped).");
    public static final ConfigKey<Integer> RETRAIN_SEQUENCE_LENGTH = new ConfigKey<>("retrain.sequence-length", "32",
            v -> intBetween(v, 2, 4096),
            "Time steps T of a training sequence (next-event sequences take T + 1 consecutive events of a key).");
    public static final ConfigKey<Integer> RETRAIN_SEQUENCES_PER_KEY = new ConfigKey<>("retrain.sequences-per-key", "4",
            v -> intBetween(v, 1, 1000), "Most training sequences one key contributes to one window (its most recent ones).");
    public static final ConfigKey<Integer> RETRAIN_SAMPLE_SIZE = new ConfigKey<>("retrain.sample-size", "10000",
            v -> intBetween(v, 2, 10_000_000), "Sequences kept per window: a uniform reservoir sample across all keys.");
    public static final ConfigKey<Integer> RETRAIN_MIN_SEQUENCES = new ConfigKey<>("retrain.min-sequences", "100",
            v -> intBetween(v, 2, 10_000_000), "A window with fewer sampled sequences is not trained on.");
    public static final ConfigKey<Integer> RETRAIN_EPOCHS = new ConfigKey<>("retrain.epochs", "2",
            v -> intBetween(v, 1, 10_000), "Epochs of fine-tuning per window.");
    public static final ConfigKey<Integer> RETRAIN_BATCH_SIZE = new ConfigKey<>("retrain.batch-size", "64",
            v -> intBetween(v, 1, 65_536), "Minibatch size of fine-tuning.");
    public static final ConfigKey<Double> RETRAIN_LEARNING_RATE = new ConfigKey<>("retrain.learning-rate", "0.003",
            v -> doubleBetween(v, 1e-9, 10, false), "Adam learning rate of fine-tuning.");
    public static final ConfigKey<Double> RETRAIN_HOLDOUT = new ConfigKey<>("retrain.holdout", "0.2",
            v -> doubleBetween(v, 0, 1, true),
            "Fraction of a window's sequences held out to compare the candidate with the serving model.");
    public static final ConfigKey<Double> RETRAIN_MIN_IMPROVEMENT = new ConfigKey<>("retrain.min-improvement", "0.01",
            v -> doubleBetween(v, -1, 1, false),
            "A candidate is published when its holdout accuracy is at least this much above the serving model's.");
    public static final ConfigKey<Boolean> RETRAIN_PUBLISH_ALWAYS = new ConfigKey<>("retrain.publish-always", "false",
            ConfigKeys::bool, "Publish every candidate, better or not.");
    public static final ConfigKey<String> RETRAIN_REPORT = new ConfigKey<>("retrain.report", "",
            v -> FlinkFiles.validLocation(nonEmpty(v)),
            "HTML training report (loss per epoch, holdout accuracy per version), rewritten after every round by the trainer. Default: none.");

    public static final ConfigKey<io.seqstream.jobs.decode.InputFormat> INPUT_FORMAT = new ConfigKey<>("input.format", "seqstream",
            v -> choice(v, io.seqstream.jobs.decode.InputFormat.values(), io.seqstream.jobs.decode.InputFormat::configName),
            "Encoding of the events topic's values: seqstream (the Event record), avro (plain Avro binary, writer schema from "
                    + "input.avro.writer-schema), avro-registry (Confluent wire format, schemas from registry.url) or json (one object per "
                    + "record). Every format but seqstream is read through the mapping.* keys.");
    public static final ConfigKey<Path> INPUT_AVRO_WRITER_SCHEMA = new ConfigKey<>("input.avro.writer-schema", "",
            v -> Path.of(nonEmpty(v)), "Avro schema file (.avsc) the records of input.format=avro were written with. Required for avro.");
    public static final ConfigKey<Path> INPUT_AVRO_READER_SCHEMA = new ConfigKey<>("input.avro.reader-schema", "",
            v -> Path.of(nonEmpty(v)),
            "Avro schema file (.avsc) to read avro and avro-registry records with (schema resolution from each writer schema). "
                    + "Default: each record's writer schema.");
    public static final ConfigKey<Integer> INPUT_MAX_RECORD_BYTES = new ConfigKey<>("input.max-record-bytes", "1048576",
            v -> intBetween(v, 64, 64 << 20), "Largest record value the avro, avro-registry and json decoders accept; a larger one is "
                    + "an OVERSIZED dead letter.");
    public static final ConfigKey<String> REGISTRY_URL = new ConfigKey<>("registry.url", "",
            ConfigKeys::httpUrl, "Base URL of a Confluent-compatible schema registry (http:// or https://). Required for "
                    + "input.format=avro-registry and output.format=avro-registry.");
    public static final ConfigKey<String> REGISTRY_BASIC_AUTH_USER_INFO = new ConfigKey<>("registry.basic-auth.user-info", "",
            ConfigKeys::nonEmpty, "user:password for HTTP basic authentication with the registry (masked in logs).");
    public static final ConfigKey<Path> REGISTRY_TRUSTSTORE_LOCATION = new ConfigKey<>("registry.ssl.truststore.location", "",
            v -> Path.of(nonEmpty(v)), "Truststore that holds the registry's CA certificate, for an https registry with a private CA.");
    public static final ConfigKey<String> REGISTRY_TRUSTSTORE_PASSWORD = new ConfigKey<>("registry.ssl.truststore.password", "",
            ConfigKeys::nonEmpty, "Password of registry.ssl.truststore.location (masked in logs).");
    public static final ConfigKey<String> REGISTRY_TRUSTSTORE_TYPE = new ConfigKey<>("registry.ssl.truststore.type", "PKCS12",
            v -> choice(v, new String[]{ "PKCS12", "JKS" }, x -> x), "Type of the registry truststore: PKCS12 or JKS.");
    public static final ConfigKey<Duration> REGISTRY_TIMEOUT = new ConfigKey<>("registry.timeout", "10s",
            v -> positive(Durations.parse(v)), "Connect and request timeout of registry calls; an unreachable registry fails the job "
                    + "(it restarts from its last checkpoint), it never turns records into dead letters.");
    public static final ConfigKey<String> MAPPING_KEY = new ConfigKey<>("mapping.key", "@key",
            v -> {
                io.seqstream.jobs.mapping.spec.FieldMapping.keySource(nonEmpty(v));
                return v;
            },
            "Sequence key of a mapped record: a field (dotted path for nested records) or @key, the Kafka record key (UTF-8).");
    public static final ConfigKey<String> MAPPING_EVENT_TIME = new ConfigKey<>("mapping.event-time", "@timestamp",
            v -> {
                io.seqstream.jobs.mapping.spec.FieldMapping.timeSource(nonEmpty(v));
                return v;
            },
            "Event time of a mapped record: a field holding epoch milliseconds or an ISO-8601 timestamp, or @timestamp, the Kafka "
                    + "record timestamp.");
    public static final ConfigKey<String> MAPPING_INPUTS = new ConfigKey<>("mapping.inputs", "",
            v -> {
                io.seqstream.jobs.mapping.spec.FieldMapping.parseInputs(nonEmpty(v));
                return v;
            },
            "The model's inputs from a mapped record, separated by ';', in the model's input order: token(field) (an integer token "
                    + "id), lookup(field) (a string or integer through mapping.vocabularies, unknown -> OOV index 0 as Keras), "
                    + "features(a, b, ...) (numeric fields) or features(field[]) (a numeric array). Required for mapped formats.");
    public static final ConfigKey<String> MAPPING_VOCABULARIES = new ConfigKey<>("mapping.vocabularies", "",
            v -> {
                parseVocabularyFiles(nonEmpty(v));
                return v;
            },
            "Vocabulary file of each lookup(field) input: field:FILE[, field:FILE...]; a file has one term per line, as Keras "
                    + "StringLookup/IntegerLookup read it (term i of the file is index i, 1-based; 0 is the OOV index).");
    public static final ConfigKey<String> MAPPING_LABEL = new ConfigKey<>("mapping.label", "",
            v -> io.seqstream.jobs.decode.FieldPath.parse(nonEmpty(v)).toString(),
            "Optional integer field with the event's class label (a training target for retraining with retrain.target=label).");
    public static final ConfigKey<String> MAPPING_RESET = new ConfigKey<>("mapping.reset", "",
            v -> {
                parseReset(nonEmpty(v));
                return v;
            },
            "Optional reset condition 'field == value': an event whose field has this value (compared as text) starts a new sequence.");
    public static final ConfigKey<String> MAPPING_EVENT_ID = new ConfigKey<>("mapping.event-id", "",
            v -> io.seqstream.jobs.decode.FieldPath.parse(nonEmpty(v)).toString(),
            "Optional field written into Prediction.eventId (the source topic, partition and offset are always written).");
    public static final ConfigKey<String> MAPPING_COPY = new ConfigKey<>("mapping.copy", "",
            v -> {
                io.seqstream.jobs.mapping.spec.FieldMapping.parseFields(nonEmpty(v));
                return v;
            },
            "Comma-separated fields copied into Prediction.fields (as text), to join or filter predictions without a lookup.");
    public static final ConfigKey<OutputFormat> OUTPUT_FORMAT = new ConfigKey<>("output.format", "avro",
            v -> choice(v, OutputFormat.values(), OutputFormat::configName),
            "Encoding of the Prediction records: avro (Avro binary, no framing), avro-registry (Confluent wire format, the schema "
                    + "registered under output.registry.subject) or json (one object per record).");
    public static final ConfigKey<String> OUTPUT_REGISTRY_SUBJECT = new ConfigKey<>("output.registry.subject", "",
            ConfigKeys::nonEmpty, "Registry subject of the Prediction schema with output.format=avro-registry. Default: "
                    + "<topics.predictions>-value (the topic-name strategy).");

    public static final List<ConfigKey<?>> ALL = List.of(KAFKA_BOOTSTRAP, KAFKA_GROUP_ID, KAFKA_TRANSACTIONAL_ID_PREFIX,
            KAFKA_TRANSACTION_TIMEOUT, TOPIC_EVENTS, TOPIC_PREDICTIONS, TOPIC_DEAD_LETTERS, TOPIC_MODELS, SOURCE_START,
            MODEL_PATH, MODEL_VERSION, BATCH_SIZE, BATCH_TIMEOUT_MS, NETWORK_BUFFER_TIMEOUT, BATCH_PIPELINED, STATE_TTL, STATE_BACKEND,
            DELIVERY,
            CHECKPOINT_INTERVAL, CHECKPOINT_DIR, CHECKPOINT_TOLERABLE_FAILURES, PARALLELISM, TOP_K, OUTPUT_FULL_VECTOR,
            WATERMARK_OUT_OF_ORDERNESS,
            WATERMARK_IDLE_TIMEOUT, DEAD_LETTER_MAX_RAW_BYTES, MODELS_WATCH, MODELS_TRUSTED_KEYS, MODELS_SIGNING_KEY, SWAP_STATE_POLICY,
            SWAP_REWARM_EVENTS,
            SWAP_ON_SHAPE_CHANGE, RETRAIN_ENABLED, RETRAIN_INTERVAL, RETRAIN_WINDOW, RETRAIN_TARGET, RETRAIN_SEQUENCE_LENGTH,
            RETRAIN_SEQUENCES_PER_KEY, RETRAIN_SAMPLE_SIZE, RETRAIN_MIN_SEQUENCES, RETRAIN_EPOCHS, RETRAIN_BATCH_SIZE,
            RETRAIN_LEARNING_RATE, RETRAIN_HOLDOUT, RETRAIN_MIN_IMPROVEMENT, RETRAIN_PUBLISH_ALWAYS, RETRAIN_REPORT,
            INPUT_FORMAT, INPUT_AVRO_WRITER_SCHEMA, INPUT_AVRO_READER_SCHEMA, INPUT_MAX_RECORD_BYTES, REGISTRY_URL,
            REGISTRY_BASIC_AUTH_USER_INFO, REGISTRY_TRUSTSTORE_LOCATION, REGISTRY_TRUSTSTORE_PASSWORD, REGISTRY_TRUSTSTORE_TYPE,
            REGISTRY_TIMEOUT, MAPPING_KEY, MAPPING_EVENT_TIME, MAPPING_INPUTS, MAPPING_VOCABULARIES, MAPPING_LABEL, MAPPING_RESET,
            MAPPING_EVENT_ID, MAPPING_COPY, OUTPUT_FORMAT, OUTPUT_REGISTRY_SUBJECT);

    /** Keys whose values are credentials: {@link JobConfig#describe()} masks them. */
    static final java.util.Set<String> SECRET = java.util.Set.of(REGISTRY_BASIC_AUTH_USER_INFO.name(), REGISTRY_TRUSTSTORE_PASSWORD.name());

    static String httpUrl(String v) {
        java.net.URI u;
        try {
            u = java.net.URI.create(nonEmpty(v));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a URL");
        }
        if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
            throw new IllegalArgumentException("must be an http:// or https:// URL with a host");
        }
        return v;
    }

    /** {@code field:FILE, field:FILE}: field -> file. */
    public static java.util.Map<String, Path> parseVocabularyFiles(String v) {
        java.util.Map<String, Path> out = new java.util.LinkedHashMap<>();
        for (String e : v.split(",")) {
            if (e.isBlank()) {
                continue;
            }
            int colon = e.indexOf(':');
            if (colon <= 0 || colon == e.trim().length() - 1) {
                throw new IllegalArgumentException("'" + e.trim() + "' is not field:FILE");
            }
            String field = io.seqstream.jobs.decode.FieldPath.parse(e.substring(0, colon)).toString();
            out.put(field, Path.of(e.substring(colon + 1).trim()));
        }
        return out;
    }

    /** {@code field == value}: [field, value]. */
    public static String[] parseReset(String v) {
        int eq = v.indexOf("==");
        if (eq <= 0) {
            throw new IllegalArgumentException("must be 'field == value'");
        }
        String field = io.seqstream.jobs.decode.FieldPath.parse(v.substring(0, eq)).toString();
        String value = v.substring(eq + 2).trim();
        if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
            value = value.substring(1, value.length() - 1);
        }
        return new String[]{ field, value };
    }

    static String nonEmpty(String v) {
        if (v.isEmpty()) {
            throw new IllegalArgumentException("must not be empty");
        }
        return v;
    }

    static List<Path> pathList(String v) {
        List<Path> paths = Arrays.stream(nonEmpty(v).split(",")).map(String::trim).filter(x -> !x.isEmpty()).map(Path::of).toList();
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("no file named");
        }
        return paths;
    }

    static int intBetween(String v, int min, int max) {
        long n = parseLong(v);
        if (n < min || n > max) {
            throw new IllegalArgumentException("must be between " + min + " and " + max);
        }
        return (int) n;
    }

    static long longAtLeast(String v, long min) {
        long n = parseLong(v);
        if (n < min) {
            throw new IllegalArgumentException("must be at least " + min);
        }
        return n;
    }

    /** A finite number in [min, max], or in (min, max) when {@code open}. */
    static double doubleBetween(String v, double min, double max, boolean open) {
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number");
        }
        if (!Double.isFinite(d) || (open ? d <= min || d >= max : d < min || d > max)) {
            throw new IllegalArgumentException("must be " + (open ? "strictly " : "") + "between " + min + " and " + max);
        }
        return d;
    }

    private static long parseLong(String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a whole number");
        }
    }

    static boolean bool(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("must be true or false");
        };
    }

    static Duration positive(Duration d) {
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("must be more than 0");
        }
        return d;
    }

    static Duration notNegative(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("must not be negative");
        }
        return d;
    }

    static <E> E choice(String v, E[] values, java.util.function.Function<E, String> name) {
        for (E e : values) {
            if (name.apply(e).equals(v)) {
                return e;
            }
        }
        throw new IllegalArgumentException("must be one of " + Arrays.stream(values).map(name).toList());
    }
}
