package io.seqstream.apps.demo;

import io.seqstream.jobs.config.ConfigException;
import io.seqstream.jobs.config.Flags;
import io.seqstream.jobs.config.JobConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The demo's own flags; every other flag is a job config key (jobs/CONFIG.md) applied on top of the
 * demo's defaults for the job.
 */
record DemoOptions(long events, int keys, int rate, Optional<String> bootstrap, int partitions, Optional<Path> model,
        int trainSamples, int trainEpochs, int badEvery, long seed, boolean retrain, boolean json, Map<String, String> jobFlags) {

    /** Where the training report goes unless --retrain.report says otherwise: the current directory (the work dir is deleted). */
    static final String DEFAULT_REPORT = "seqstream-demo-training-report.html";
    /** The event-type vocabulary of --format json, written into the run directory. */
    static final String VOCABULARY_FILE = "demo-event-types.txt";

    static final String USAGE = """
            Usage: seqstream demo [options] [--<job config key> <value> ...]
              --events N          stop after N events and print a summary (default: run until Ctrl-C)
              --keys K            distinct keys (default 5000)
              --rate R            events per second, 0 = as fast as possible (default 5000)
              --bootstrap H:P     use this Kafka instead of starting one in-process
              --partitions P      partitions of the demo topics when they are created (default 2)
              --model FILE        use this model file (seqstream or Keras .h5) instead of training one
              --train-samples N   training sessions for the model trained at start (default 1536)
              --train-epochs N    training epochs (default 8)
              --bad-every N       every N-th record is malformed, to show dead letters; 0 = none (default 10000)
              --seed S            random seed of the event stream (default 1)
              --format F          seqstream: the job's own Event records (default); json: JSON events as a shop writes
                                  them ({"user": ..., "ts": ..., "event_type": "checkout", "amount": 12.5,
                                  "seconds_since_last": 3.2, ...}), read through the job's field mapping (mapping.*
                                  keys, see jobs/CONFIG.md) into a model with two inputs per event: the event type
                                  (lookup vocabulary) and the numbers [amount, seconds_since_last]
              --retrain B         true: keep fine-tuning the model on 10 s windows of the stream and hot-swap better
                                  versions (training report: ./seqstream-demo-training-report.html); false: serve
                                  the trained model only (default true)
            Job settings (see jobs/CONFIG.md), e.g. --batch.size 64 --state.backend rocksdb. The demo runs at-least-once
            (predictions visible at once); --delivery exactly-once makes them visible at each 1 s checkpoint instead.
            """;

    static DemoOptions parse(String... args) {
        Map<String, String> flags = new LinkedHashMap<>(Flags.parse(args));
        DemoOptions o = new DemoOptions(
                Flags.takeWholeNumber(flags, "events", 0),
                (int) Flags.takeWholeNumber(flags, "keys", 5000),
                (int) Flags.takeWholeNumber(flags, "rate", 5000),
                Optional.ofNullable(flags.remove("bootstrap")),
                (int) Flags.takeWholeNumber(flags, "partitions", 2),
                Optional.ofNullable(flags.remove("model")).map(Path::of),
                (int) Flags.takeWholeNumber(flags, "train-samples", 1536),
                (int) Flags.takeWholeNumber(flags, "train-epochs", 8),
                (int) Flags.takeWholeNumber(flags, "bad-every", 10_000),
                Flags.takeWholeNumber(flags, "seed", 1),
                boolFlag(flags.remove("retrain"), "retrain", true),
                format(flags.remove("format")),
                Map.copyOf(flags));
        if (o.keys < 1 || o.partitions < 1 || o.trainSamples < 16 || o.trainEpochs < 1) {
            throw new ConfigException("--keys and --partitions must be at least 1, --train-samples at least 16, --train-epochs at least 1");
        }
        return o;
    }

    private static boolean format(String v) {
        if (v == null || v.equals("seqstream")) {
            return false;
        }
        if (v.equals("json")) {
            return true;
        }
        throw new ConfigException("--format needs seqstream or json, got '" + v + "'");
    }

    private static boolean boolFlag(String v, String name, boolean dflt) {
        if (v == null) {
            return dflt;
        }
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException("--" + name + " needs true or false, got '" + v + "'");
        };
    }

    /** Whether the user named a model file (--model or --model.path); otherwise the demo trains one. */
    boolean hasModelFile() {
        return model.isPresent() || jobFlags.containsKey("model.path");
    }

    /** The job's config: demo defaults (topics, 1 s checkpoints, checkpoints under the run dir), then --config FILE, then the user's flags. */
    JobConfig jobConfig(String bootstrapServers, Path workDir) {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("kafka.bootstrap", bootstrapServers);
        defaults.put("kafka.group-id", "seqstream-demo");
        defaults.put("kafka.transactional-id-prefix", "seqstream-demo");
        defaults.put("topics.events", "seqstream-demo-events");
        defaults.put("topics.predictions", "seqstream-demo-predictions");
        defaults.put("topics.dead-letters", "seqstream-demo-dead-letters");
        // Real-time by default: at-least-once output is visible milliseconds after the event; exactly-once
        // (--delivery exactly-once) only at each checkpoint, so about a checkpoint interval later.
        defaults.put("delivery", "at-least-once");
        defaults.put("checkpoint.interval", "1s");
        defaults.put("checkpoint.dir", workDir.resolve("checkpoints").toUri().toString());
        defaults.put("model.path", model.map(Path::toString).orElse(workDir.resolve("demo-model.seqstream").toString()));
        defaults.put("topics.models", "seqstream-demo-models");
        if (retrain) {
            // Event time is the producer's wall clock: a round every 10 s; small rounds, so the demo's 2 cores keep up.
            defaults.put("retrain.enabled", "true");
            defaults.put("retrain.interval", "10s");
            defaults.put("retrain.window", "10s");
            defaults.put("retrain.sequence-length", "16");
            defaults.put("retrain.sequences-per-key", "1");
            defaults.put("retrain.sample-size", "1000");
            defaults.put("retrain.min-sequences", "100");
            defaults.put("retrain.epochs", "1");
            defaults.put("retrain.min-improvement", "0");
            defaults.put("retrain.report", Path.of(DEFAULT_REPORT).toAbsolutePath().toString());
            defaults.put("watermark.out-of-orderness", "1s"); // one producer, in order: windows close 1 s after their end
        }
        if (json) {
            // The config lines a user writes for their own JSON topic (README, jobs/CONFIG.md).
            defaults.put("input.format", "json");
            defaults.put("mapping.key", "user");
            defaults.put("mapping.event-time", "ts");
            defaults.put("mapping.inputs", "lookup(event_type); features(amount, seconds_since_last)");
            defaults.put("mapping.vocabularies", "event_type:" + workDir.resolve(VOCABULARY_FILE));
            defaults.put("mapping.reset", "session_start == true");
            defaults.put("mapping.event-id", "event_id");
            defaults.put("mapping.copy", "amount, seconds_since_last");
        }
        // Precedence: demo defaults, then the user's --config file, then the user's other flags.
        JobConfig c = JobConfig.defaults();
        for (Map.Entry<String, String> e : defaults.entrySet())
            c = c.with(e.getKey(), e.getValue(), "demo default");
        if (jobFlags.containsKey(JobConfig.CONFIG_FLAG))
            c = c.withFile(Path.of(jobFlags.get(JobConfig.CONFIG_FLAG)));
        for (Map.Entry<String, String> e : jobFlags.entrySet()) {
            if (!e.getKey().equals(JobConfig.CONFIG_FLAG))
                c = c.with(e.getKey(), e.getValue(), "flag --" + e.getKey());
        }
        return c;
    }
}
