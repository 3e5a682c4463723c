package io.seqstream.apps.demo;

import io.seqstream.apps.cli.Cli;
import io.seqstream.apps.cli.JobFlags;
import io.seqstream.jobs.config.JobConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The demo's command line: its own options, and every job config key (jobs/CONFIG.md) as {@code --<key> VALUE},
 * applied on top of the demo's defaults for the job. Everything is checked before anything starts: a bad option or
 * value, a bad job key or {@code --config} file is one line on stderr and exit code 2, and no broker starts.
 */
@Command(name = "seqstream demo", mixinStandardHelpOptions = true, version = "seqstream demo 0.1.0", sortOptions = false, description = {
        "The whole pipeline on this machine: a Kafka broker in this JVM (or --bootstrap), a small model trained at start, a "
                + "stream of synthetic sessions, the prediction job on a local Flink, and a status line every second. Ctrl-C stops.",
        "The demo runs at-least-once (predictions visible at once); --delivery exactly-once makes them visible at each 1 s "
                + "checkpoint instead." }, optionListHeading = "%nOptions:%n")
final class DemoOptions implements Callable<Integer> {

    /** Where the training report goes unless --retrain.report says otherwise: the current directory (the work dir is deleted). */
    static final String DEFAULT_REPORT = "seqstream-demo-training-report.html";
    /** The event-type vocabulary of --format json, written into the run directory. */
    static final String VOCABULARY_FILE = "demo-event-types.txt";
    /** host:port[,host:port...] */
    private static final Pattern BOOTSTRAP = Pattern.compile("[^\\s,:]+:\\d{1,5}(,[^\\s,:]+:\\d{1,5})*");

    /** The event formats of --format. */
    enum Format {
        seqstream, json
    }

    @Option(names = "--events", paramLabel = "N", description = "stop after N events and print a summary; 0: run until Ctrl-C (default: ${DEFAULT-VALUE})")
    long events = 0;
    @Option(names = "--keys", paramLabel = "K", description = "distinct keys, at least 1 (default: ${DEFAULT-VALUE})")
    int keys = 5000;
    @Option(names = "--rate", paramLabel = "R", description = "events per second, 0 = as fast as possible (default: ${DEFAULT-VALUE})")
    int rate = 5000;
    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "use this Kafka (host:port[,host:port...]) instead of starting one in-process")
    String bootstrap;
    @Option(names = "--partitions", paramLabel = "P", description = "partitions of the demo topics when they are created, at least 1 (default: ${DEFAULT-VALUE})")
    int partitions = 2;
    @Option(names = "--model", paramLabel = "FILE", description = "use this model file (seqstream or Keras .h5) instead of training one")
    Path model;
    @Option(names = "--train-samples", paramLabel = "N", description = "training sessions for the model trained at start, at least 16 (default: ${DEFAULT-VALUE})")
    int trainSamples = 1536;
    @Option(names = "--train-epochs", paramLabel = "N", description = "training epochs, at least 1 (default: ${DEFAULT-VALUE})")
    int trainEpochs = 8;
    @Option(names = "--bad-every", paramLabel = "N", description = "every N-th record is malformed, to show dead letters; 0 = none (default: ${DEFAULT-VALUE})")
    int badEvery = 10_000;
    @Option(names = "--seed", paramLabel = "S", description = "random seed of the event stream (default: ${DEFAULT-VALUE})")
    long seed = 1;
    @Option(names = "--format", paramLabel = "F", description = "seqstream: the job's own Event records; json: JSON events as a shop "
            + "writes them ({\"user\": ..., \"ts\": ..., \"event_type\": \"checkout\", \"amount\": 12.5, \"seconds_since_last\": 3.2, "
            + "...}), read through the job's field mapping (mapping.* keys, jobs/CONFIG.md) into a model with two inputs per event: the "
            + "event type (lookup vocabulary) and the numbers [amount, seconds_since_last]. One of ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    Format format = Format.seqstream;
    @Option(names = "--retrain", paramLabel = "true|false", arity = "1", description = "true: keep fine-tuning the model on 10 s windows of "
            + "the stream and hot-swap better versions (the training report, an HTML page, goes to the current directory); false: "
            + "serve the trained model only (default: ${DEFAULT-VALUE})")
    boolean retrain = true;

    @Spec
    CommandSpec spec;
    private JobFlags jobFlags;
    /** What runs once the options are checked; tests replace it. */
    private Function<DemoOptions, Integer> runner = o -> new DemoRunner(o, DemoRunner.createWorkDir()).run();

    /** The demo's command line, job keys included. */
    static CommandLine commandLine(DemoOptions o) {
        CommandLine cli = Cli.commandLine(o);
        o.jobFlags = JobFlags.addTo(cli.getCommandSpec());
        return cli;
    }

    /** Parses and checks a command line (no job config yet); a mistake is a {@link ParameterException}. */
    static DemoOptions parse(String... args) {
        DemoOptions o = new DemoOptions();
        commandLine(o).parseArgs(args);
        o.validate();
        return o;
    }

    /** Runs the demo through {@code runner} instead of starting it (tests). */
    DemoOptions withRunner(Function<DemoOptions, Integer> r) {
        this.runner = r;
        return this;
    }

    @Override
    public Integer call() {
        validate();
        if (model != null && !Files.isRegularFile(model)) {
            throw new ParameterException(spec.commandLine(), "--model: no such file: " + model);
        }
        // Every job flag (and a --config file) is checked now, before a broker starts: a typo costs a line, not a run.
        jobConfig(bootstrap().orElse("127.0.0.1:9092"), Path.of(System.getProperty("java.io.tmpdir")));
        return runner.apply(this);
    }

    private void validate() {
        atLeast("--events", events, 0);
        atLeast("--keys", keys, 1);
        atLeast("--rate", rate, 0);
        atLeast("--partitions", partitions, 1);
        atLeast("--train-samples", trainSamples, 16);
        atLeast("--train-epochs", trainEpochs, 1);
        atLeast("--bad-every", badEvery, 0);
        if (bootstrap != null && !BOOTSTRAP.matcher(bootstrap).matches()) {
            throw new ParameterException(spec.commandLine(), "--bootstrap needs host:port[,host:port...], got '" + bootstrap + "'");
        }
    }

    private void atLeast(String option, long value, long min) {
        if (value < min) {
            throw new ParameterException(spec.commandLine(), option + " must be at least " + min + ", got " + value);
        }
    }

    long events() {
        return events;
    }

    int keys() {
        return keys;
    }

    int rate() {
        return rate;
    }

    Optional<String> bootstrap() {
        return Optional.ofNullable(bootstrap);
    }

    int partitions() {
        return partitions;
    }

    Optional<Path> model() {
        return Optional.ofNullable(model);
    }

    int trainSamples() {
        return trainSamples;
    }

    int trainEpochs() {
        return trainEpochs;
    }

    int badEvery() {
        return badEvery;
    }

    long seed() {
        return seed;
    }

    boolean retrain() {
        return retrain;
    }

    boolean json() {
        return format == Format.json;
    }

    /** The job flags given: config key to raw value, in command-line order. */
    Map<String, String> jobFlags() {
        return jobFlags.values();
    }

    /** Whether the user named a model file (--model or --model.path); otherwise the demo trains one. */
    boolean hasModelFile() {
        return model != null || jobFlags().containsKey("model.path");
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
        defaults.put("model.path", model().map(Path::toString).orElse(workDir.resolve("demo-model.seqstream").toString()));
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
        if (json()) {
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
        return c.withFlags(jobFlags());
    }
}
