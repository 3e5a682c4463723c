package io.seqstream.apps.models;

import io.seqstream.apps.cli.Cli;
import io.seqstream.apps.cli.JobFlags;
import io.seqstream.jobs.config.ConfigKeys;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.event.ModelInput;
import io.seqstream.jobs.io.FlinkFiles;
import io.seqstream.jobs.model.InputSpec;
import io.seqstream.jobs.model.ModelLoader;
import io.seqstream.jobs.model.StepModelBackend;
import io.seqstream.jobs.retrain.EventFiles;
import io.seqstream.jobs.retrain.ModelSnapshots;
import io.seqstream.jobs.retrain.ModelsTopic;
import io.seqstream.jobs.retrain.RetrainOptions;
import io.seqstream.jobs.retrain.TrainingWindow;
import io.seqstream.jobs.retrain.WindowTrainer;
import io.seqstream.jobs.trust.KeyFiles;
import io.seqstream.jobs.trust.ModelSigner;
import io.seqstream.model.Model;
import io.seqstream.model.io.ModelFile;
import io.seqstream.model.train.TrainingReport;
import io.seqstream.schemas.Event;
import io.seqstream.schemas.ModelSnapshot;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code seqstream models}: the model versions of the models topic by hand.
 * <ul>
 *   <li>{@code train}: fine-tune a model offline on a CSV file or a topic of events (the same round as the
 *       streaming trainer: {@link WindowTrainer}), write the candidate, and with {@code --publish} publish it
 *       as the next version when it beats the base model by {@code --min-improvement} (or {@code --always});</li>
 *   <li>{@code list}: every version on the topic with parent, time, window, holdout metrics and checksum status;</li>
 *   <li>{@code rollback --version V}: republish V's model as a new highest version (parent V), so every job
 *       swaps back to it;</li>
 *   <li>{@code publish --model FILE}: publish a model file as the next version;</li>
 *   <li>{@code keygen --out PREFIX}: a new Ed25519 key pair for signing snapshots.</li>
 * </ul>
 * {@code --signing-key FILE} signs what {@code train --publish}, {@code rollback} and {@code publish} publish.
 * Exit codes: 0 done, 1 failure, 2 bad usage (one line on stderr: {@link Cli}), 3 {@code train --publish} whose candidate
 * did not beat the margin.
 */
@Command(name = "seqstream models", mixinStandardHelpOptions = true, version = "seqstream models 0.1.0", description = {
        "Model versions on the models topic by hand: train, list, rollback, publish; keygen makes a signing key pair." }, footer = {
                "%ntrain --publish, rollback and publish sign the snapshot with --signing-key FILE (PEM private key) when given; jobs with "
                        + "models.trusted-keys serve only snapshots signed by a trusted key.",
                "Exit codes: 0 done, 1 failure, 2 bad usage, 3 train --publish whose candidate did not beat the margin." })
public final class ModelsCommand implements Callable<Integer> {
    /** Exit code of {@code train --publish} when the candidate did not beat the margin. */
    static final int NOT_PUBLISHED = 3;

    private final PrintStream out;
    private final PrintStream err;
    @Spec
    CommandSpec spec;

    public ModelsCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(new ModelsCommand(System.out, System.err).run(args));
    }

    /** Runs one command; returns the exit code. */
    public int run(String... args) {
        return commandLine().execute(args);
    }

    /** The command line with its subcommands, writing to this command's streams. */
    CommandLine commandLine() {
        CommandLine cli = new CommandLine(this);
        Train train = new Train();
        ListVersions list = new ListVersions();
        Rollback rollback = new Rollback();
        Publish publish = new Publish();
        cli.addSubcommand(train);
        cli.addSubcommand(list);
        cli.addSubcommand(rollback);
        cli.addSubcommand(publish);
        cli.addSubcommand(new Keygen());
        cli.addSubcommand(new CommandLine.HelpCommand());
        train.kafka = JobFlags.kafkaClientOnly(cli.getSubcommands().get("train").getCommandSpec());
        list.kafka = JobFlags.kafkaClientOnly(cli.getSubcommands().get("list").getCommandSpec());
        rollback.kafka = JobFlags.kafkaClientOnly(cli.getSubcommands().get("rollback").getCommandSpec());
        publish.kafka = JobFlags.kafkaClientOnly(cli.getSubcommands().get("publish").getCommandSpec());
        Cli.configure(cli);
        // A failure that is no user mistake (a broker, a file that cannot be written) stays one line, exit code 1.
        cli.setExecutionExceptionHandler((e, c, r) -> {
            if (Cli.isUserError(e)) {
                return Cli.userError(c, Cli.oneLine(e));
            }
            c.getErr().println(c.getCommandSpec().qualifiedName() + " failed: " + Cli.oneLine(e));
            c.getErr().flush();
            return Cli.FAILED;
        });
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli;
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "a subcommand is required: train, list, rollback, publish or keygen");
    }

    private static Properties kafkaClient(JobFlags f) {
        Properties p = new Properties();
        f.values().forEach((k, v) -> p.setProperty(k.substring(ConfigKeys.KAFKA_CLIENT_PREFIX.length()), v));
        return p;
    }

    /** The signer of {@code --signing-key}, else unsigned; read before anything is published. */
    private static ModelSigner signer(Path signingKey) {
        return signingKey != null ? ModelSigner.fromFile(signingKey) : ModelSigner.unsigned();
    }

    /** {@code -h, --help} alone: these commands have a {@code --version} option of their own, which picocli's standard mixin would clash with. */
    static final class HelpOption {
        @Option(names = { "-h", "--help" }, usageHelp = true, description = "Show this help message and exit.")
        boolean help;
    }

    /** The models topic and its brokers, as list, rollback and publish take them. */
    static final class TopicOption {
        @Option(names = "--bootstrap", required = true, paramLabel = "B", description = "Kafka bootstrap servers")
        String bootstrap;
        @Option(names = "--topic", paramLabel = "T", description = "the models topic (default: ${DEFAULT-VALUE})")
        String topic = "models";
    }

    @Command(name = "train", sortOptions = false, description = {
            "Fine-tune a model offline on a CSV file or a topic of events (the streaming trainer's round), write the candidate, and "
                    + "with --publish publish it as the next version when it beats the base model by --min-improvement (or --always)." }, optionListHeading = "%nOptions:%n")
    final class Train implements Callable<Integer> {
        @Mixin
        HelpOption help;
        @Option(names = "--model", required = true, paramLabel = "FILE", description = "base model (seqstream model file or Keras .h5)")
        Path model;
        @Option(names = "--version", paramLabel = "N", description = "the base model's version (default: its file's, else 1)")
        Long version;
        @Option(names = "--events", paramLabel = "FILE", description = "events as CSV lines key,token[,label] (in order per key; '#' comments)")
        Path events;
        @Option(names = "--topic", paramLabel = "T", description = "or the events of topic T at --bootstrap (Avro Event records, read to its end)")
        String topic;
        @Option(names = "--bootstrap", paramLabel = "B", description = "Kafka bootstrap servers (for --topic and --publish)")
        String bootstrap;
        @Option(names = "--out", paramLabel = "FILE", description = "candidate model file, a path or a Flink file system URI (default: "
                + "<model>-v<next version>.seqstream beside the model)")
        String outFile;
        @Option(names = "--publish", description = "publish the candidate to --models-topic at --bootstrap if it beats the base")
        boolean publish;
        @Option(names = "--always", description = "publish even if it is not better")
        boolean always;
        @Option(names = "--models-topic", paramLabel = "T", description = "the models topic (default: ${DEFAULT-VALUE})")
        String modelsTopic = "models";
        @Option(names = "--signing-key", paramLabel = "FILE", description = "sign the published snapshot with this PEM private key")
        Path signingKey;
        @Option(names = "--target", paramLabel = "next-event|label", description = "what the model learns (default: the job's retrain.target)")
        String target;
        @Option(names = "--sequence-length", paramLabel = "N", description = "steps per training sequence (default: the job's retrain.sequence-length)")
        String sequenceLength;
        @Option(names = "--epochs", paramLabel = "N", description = "epochs (default: the job's retrain.epochs)")
        String epochs;
        @Option(names = "--batch-size", paramLabel = "N", description = "batch size (default: the job's retrain.batch-size)")
        String batchSize;
        @Option(names = "--learning-rate", paramLabel = "X", description = "learning rate (default: the job's retrain.learning-rate)")
        String learningRate;
        @Option(names = "--holdout", paramLabel = "F", description = "holdout fraction (default: the job's retrain.holdout)")
        String holdout;
        @Option(names = "--min-improvement", paramLabel = "X", description = "accuracy margin to beat (default: the job's retrain.min-improvement)")
        String minImprovement;
        @Option(names = "--sample-size", paramLabel = "N", description = "most sequences of a round (default: the job's retrain.sample-size)")
        String sampleSize;
        @Option(names = "--report", paramLabel = "FILE", description = "training report (HTML)")
        String report;
        @Spec
        CommandSpec spec;
        JobFlags kafka;

        /** The training settings: the job's retrain.* keys and defaults, under this command's option names. */
        RetrainOptions options() {
            JobConfig c = JobConfig.defaults();
            Object[][] names = { { "--target", "retrain.target", target },
                    { "--sequence-length", "retrain.sequence-length", sequenceLength },
                    { "--epochs", "retrain.epochs", epochs }, { "--batch-size", "retrain.batch-size", batchSize },
                    { "--learning-rate", "retrain.learning-rate", learningRate }, { "--holdout", "retrain.holdout", holdout },
                    { "--min-improvement", "retrain.min-improvement", minImprovement },
                    { "--sample-size", "retrain.sample-size", sampleSize },
                    { "--always", "retrain.publish-always", always ? "true" : null }, { "--report", "retrain.report", report } };
            for (Object[] n : names) {
                if (n[2] != null) {
                    c = c.with((String) n[1], (String) n[2], "option " + n[0]);
                }
            }
            return RetrainOptions.fromConfig(c.with("retrain.min-sequences", "2"));
        }

        private String bootstrap() {
            if (bootstrap == null || bootstrap.isBlank()) {
                throw new ParameterException(spec.commandLine(), "--bootstrap is required with " + (publish ? "--publish" : "--topic"));
            }
            return bootstrap;
        }

        @Override
        public Integer call() {
            if (events == null && topic == null) {
                throw new ParameterException(spec.commandLine(), "--events FILE or --topic T --bootstrap B is required");
            }
            if (publish || events == null) {
                bootstrap();
            }
            RetrainOptions o = options(); // bad values are one line now, before the model is read
            ModelSigner signer = signer(signingKey);
            Model base = ModelLoader.load(model);
            StepModelBackend backend = StepModelBackend.of(base, 1);
            if (!backend.inputSpec().tokenInput()) {
                throw new ParameterException(spec.commandLine(),
                        model + " takes " + backend.inputSpec() + "; training needs a token model");
            }
            long baseVersion = version != null ? version : versionOf(base);
            Map<String, List<ModelInput>> byKey;
            String source;
            if (events != null) {
                byKey = EventFiles.readCsv(events);
                source = events.toString();
            } else {
                byKey = fromTopic(bootstrap(), topic, kafkaClient(kafka), backend.inputSpec());
                source = "topic " + topic;
            }
            long next = baseVersion + 1;
            if (publish) {
                next = Math.max(next, highest(ModelsTopic.snapshots(bootstrap(), modelsTopic, kafkaClient(kafka), new ArrayList<>())) + 1);
            }
            TrainingWindow w = EventFiles.window(byKey, o, backend.outputSize(), 1);
            out.printf(Locale.ROOT, "training v%d of '%s' on %s: %d keys, %d sequences of %d steps (%s), %d epochs%n", baseVersion,
                    base.name(),
                    source, byKey.size(), w.size(), o.sequenceLength(), o.target().configName(), o.epochs());
            if (w.size() < 2) {
                throw new IllegalStateException("the events give " + w.size() + " training sequences; at least 2 are needed (keys need "
                        + o.eventsPerSequence() + " consecutive events each)");
            }
            WindowTrainer.Outcome r = new WindowTrainer(o.publishAlways() ? o : alwaysCandidate(o)).train(base, baseVersion, w, next,
                    line -> out.println("  " + line));
            double before = r.result().before().get("accuracy");
            double after = r.result().after().get("accuracy");
            boolean better = after - before >= o.minImprovement();
            // A path or a Flink file system URI (file://, s3://, ...).
            String candidateFile = outFile != null ? outFile : defaultOut(model, next).toString();
            try {
                FlinkFiles.write(candidateFile, ModelSnapshots.modelBytes(r.snapshot()));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot write " + candidateFile, e);
            }
            out.printf(Locale.ROOT, "holdout accuracy v%d %.4f -> candidate %.4f (%+.4f; margin %.4f): %s%n", baseVersion, before, after,
                    after - before, o.minImprovement(), better ? "better" : "not better");
            out.println("candidate written to " + candidateFile);
            if (o.reportPath() != null) {
                TrainingReport page = new TrainingReport("seqstream models train: " + base.name());
                List<Double> loss = r.result().history().get("loss");
                for (int e = 0; e < loss.size(); e++) {
                    page.addEpoch(1, e + 1, loss.get(e));
                }
                page.addRound(new TrainingReport.Round(1, Instant.now(), baseVersion, next, before, after,
                        publish && (better || o.publishAlways()), "offline on " + source));
                try {
                    FlinkFiles.write(o.reportPath(), page.html().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException("cannot write " + o.reportPath(), e);
                }
                out.println("training report: " + o.reportPath());
            }
            if (!publish) {
                return Cli.OK;
            }
            if (!better && !o.publishAlways()) {
                out.println("not published: the candidate does not beat v" + baseVersion + " by " + o.minImprovement()
                        + " (--always publishes anyway)");
                return NOT_PUBLISHED;
            }
            ModelsTopic.publish(bootstrap(), modelsTopic, kafkaClient(kafka), signer.sign(r.snapshot()));
            out.printf("published v%d (parent v%d) to %s%n", next, baseVersion, modelsTopic);
            return Cli.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, sortOptions = false, description = {
            "Every version on the models topic with parent, time, window, holdout metrics and checksum status." }, optionListHeading = "%nOptions:%n")
    final class ListVersions implements Callable<Integer> {
        @Mixin
        TopicOption models;
        JobFlags kafka;

        @Override
        public Integer call() {
            return list(models.bootstrap, models.topic, kafkaClient(kafka));
        }
    }

    @Command(name = "rollback", sortOptions = false, description = {
            "Republish version V's model as a new highest version (parent V), so every job swaps back to it." }, optionListHeading = "%nOptions:%n")
    final class Rollback implements Callable<Integer> {
        @Mixin
        HelpOption help;
        @Option(names = "--version", required = true, paramLabel = "V", description = "the version to serve again")
        long version;
        @Mixin
        TopicOption models;
        @Option(names = "--signing-key", paramLabel = "FILE", description = "sign the snapshot with this PEM private key")
        Path signingKey;
        JobFlags kafka;

        @Override
        public Integer call() {
            return rollback(version, models.bootstrap, models.topic, signer(signingKey), kafkaClient(kafka));
        }
    }

    @Command(name = "publish", sortOptions = false, description = {
            "Publish a model file as the next version (default: the highest on the topic + 1)." }, optionListHeading = "%nOptions:%n")
    final class Publish implements Callable<Integer> {
        @Mixin
        HelpOption help;
        @Option(names = "--model", required = true, paramLabel = "FILE", description = "the model file (seqstream model file or Keras .h5)")
        Path model;
        @Mixin
        TopicOption models;
        @Option(names = "--version", paramLabel = "N", description = "the version to publish (default: the highest on the topic + 1, at least the file's)")
        Long version;
        @Option(names = "--signing-key", paramLabel = "FILE", description = "sign the snapshot with this PEM private key")
        Path signingKey;
        JobFlags kafka;

        @Override
        public Integer call() {
            return publish(model, models.bootstrap, models.topic, version, signer(signingKey), kafkaClient(kafka));
        }
    }

    @Command(name = "keygen", mixinStandardHelpOptions = true, description = {
            "A new Ed25519 key pair for signing snapshots: PREFIX.key (private) and PREFIX.pub (public)." }, optionListHeading = "%nOptions:%n")
    final class Keygen implements Callable<Integer> {
        @Option(names = "--out", required = true, paramLabel = "PREFIX", description = "where the key files go: PREFIX.key and PREFIX.pub")
        String prefix;

        @Override
        public Integer call() {
            return keygen(prefix);
        }
    }

    private static RetrainOptions alwaysCandidate(RetrainOptions o) {
        // The command decides about publishing itself; the trainer must always hand over the candidate.
        return new RetrainOptions(o.slideMs(), o.sizeMs(), o.target(), o.sequenceLength(), o.sequencesPerKey(), o.sampleSize(),
                o.minSequences(), o.epochs(), o.batchSize(), o.learningRate(), o.holdout(), o.minImprovement(), true, o.reportPath());
    }

    private static Path defaultOut(Path model, long version) {
        String name = model.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        return model.toAbsolutePath().resolveSibling(stem + "-v" + version + ".seqstream");
    }

    static long versionOf(Model m) {
        return m.provenance().property(ModelSnapshots.VERSION_PROPERTY).map(v -> Long.parseLong(v.trim())).orElse(1L);
    }

    private Map<String, List<ModelInput>> fromTopic(String bootstrap, String topic, Properties extra, InputSpec spec) {
        List<String> problems = new ArrayList<>();
        List<Event> events = ModelsTopic.events(bootstrap, topic, extra, problems);
        Map<String, List<ModelInput>> byKey = new LinkedHashMap<>();
        int skipped = 0;
        for (Event e : events) {
            Integer t = e.getToken();
            if (t == null || t < 0 || t >= spec.vocabularySize()) {
                skipped++;
                continue;
            }
            Integer label = e.getLabel();
            byKey.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                    .add(ModelInput.token(e.getKey(), e.getEventTime(), t, label == null ? -1 : label, e.getReset()));
        }
        if (!problems.isEmpty() || skipped > 0) {
            err.printf("%s: %d undecodable records and %d events without a token in the vocabulary skipped%n", topic, problems.size(),
                    skipped);
        }
        return byKey;
    }

    private static long highest(List<ModelSnapshot> snapshots) {
        return snapshots.stream().mapToLong(ModelSnapshot::getVersion).max().orElse(0);
    }

    private static boolean checksumOk(ModelSnapshot s) {
        return ModelSnapshots.sha256Hex(ModelSnapshots.modelBytes(s)).equals(s.getSha256());
    }

    private int list(String bootstrap, String topic, Properties kafkaClient) {
        List<String> problems = new ArrayList<>();
        List<ModelSnapshot> all = ModelsTopic.snapshots(bootstrap, topic, kafkaClient, problems);
        Map<Long, ModelSnapshot> latest = new LinkedHashMap<>(); // compaction keeps the last record per version; so do we
        all.forEach(s -> latest.put(s.getVersion(), s));
        List<ModelSnapshot> versions = latest.values().stream().sorted(Comparator.comparingLong(ModelSnapshot::getVersion)).toList();
        Optional<Long> current = versions.stream().filter(ModelsCommand::checksumOk).map(ModelSnapshot::getVersion).max(Long::compare);
        out.printf("%-9s %-7s %-20s %-9s %-10s %-10s %-12s %-33s %s%n", "version", "parent", "created (UTC)", "KiB", "acc before",
                "acc after", "sha256", "window (event time, UTC)", "description");
        for (ModelSnapshot s : versions) {
            boolean ok = checksumOk(s);
            Map<String, Double> m = s.getMetrics();
            out.printf(Locale.ROOT, "%-9s %-7s %-20s %-9.1f %-10s %-10s %-12s %-33s %s%n",
                    (current.isPresent() && current.get() == s.getVersion() ? "*" : " ") + s.getVersion(),
                    s.getParentVersion() == null ? "-" : s.getParentVersion().toString(),
                    Instant.ofEpochMilli(s.getCreatedAt()).toString().substring(0, 19),
                    s.getModelBytes().remaining() / 1024.0,
                    metric(m, "before_accuracy"), metric(m, "after_accuracy"),
                    ok ? s.getSha256().substring(0, Math.min(12, s.getSha256().length())) : "BAD CHECKSUM",
                    window(s), s.getDescription());
        }
        problems.forEach(p -> out.println("skipped: " + p));
        out.println(versions.isEmpty()
                ? "no model versions on " + topic
                : versions.size() + " version(s) on " + topic + "; * = current (the highest version with a valid checksum)");
        return 0;
    }

    private static String metric(Map<String, Double> m, String k) {
        Double v = m.get(k);
        return v == null ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String window(ModelSnapshot s) {
        if (s.getWindowStart() <= 0 && s.getWindowEnd() <= 0) {
            return "-";
        }
        return Instant.ofEpochMilli(s.getWindowStart()).toString().substring(5, 19) + ".."
                + Instant.ofEpochMilli(s.getWindowEnd()).toString()
                        .substring(5, 19);
    }

    private int rollback(long v, String bootstrap, String topic, ModelSigner signer, Properties kafkaClient) {
        List<ModelSnapshot> all = ModelsTopic.snapshots(bootstrap, topic, kafkaClient, new ArrayList<>());
        ModelSnapshot target = all.stream().filter(s -> s.getVersion() == v).reduce((a, b) -> b)
                .orElseThrow(() -> new IllegalStateException("version " + v + " is not on " + topic + " (versions: "
                        + all.stream().map(ModelSnapshot::getVersion).distinct().sorted().toList() + ")"));
        if (!checksumOk(target)) {
            throw new IllegalStateException("version " + v + " on " + topic + " fails its checksum: it cannot be served");
        }
        long highest = highest(all);
        if (v == highest) {
            out.println("v" + v + " is already the current version");
            return 0;
        }
        long next = highest + 1;
        Model m = ModelFile.fromBytes(ModelSnapshots.modelBytes(target), "v" + v);
        ModelSnapshot s = ModelSnapshots.create(m, next, v, target.getWindowStart(), target.getWindowEnd(), target.getMetrics(),
                "rollback to v" + v + " (replacing v" + highest + ")");
        ModelsTopic.publish(bootstrap, topic, kafkaClient, signer.sign(s));
        out.printf("rolled back: v%d (the model of v%d) is now the current version on %s%n", next, v, topic);
        return 0;
    }

    private int keygen(String prefix) {
        Path priv = Path.of(prefix + ".key");
        Path pub = Path.of(prefix + ".pub");
        if (java.nio.file.Files.exists(priv) || java.nio.file.Files.exists(pub)) {
            throw new IllegalStateException(priv + " or " + pub + " exists: not overwritten");
        }
        java.security.KeyPair pair = KeyFiles.generate();
        KeyFiles.write(pair, priv, pub);
        out.printf("key %s: private key %s (keep it secret: --signing-key, models.signing-key), public key %s (models.trusted-keys)%n",
                KeyFiles.keyId(pair.getPublic()), priv, pub);
        return 0;
    }

    private int publish(Path file, String bootstrap, String topic, Long version, ModelSigner signer, Properties kafkaClient) {
        Model m = ModelLoader.load(file);
        StepModelBackend.of(m, 1); // it must be steppable per key
        long highest = highest(ModelsTopic.snapshots(bootstrap, topic, kafkaClient, new ArrayList<>()));
        long v = version != null ? version : Math.max(highest + 1, versionOf(m));
        if (v <= highest) {
            throw new IllegalStateException("version " + v + " is not above the highest version on " + topic + " (" + highest
                    + "): jobs would ignore it");
        }
        Long parent = m.provenance().property(ModelSnapshots.PARENT_PROPERTY).map(p -> Long.parseLong(p.trim())).orElse(null);
        ModelSnapshot s = ModelSnapshots.create(m, v, parent, 0, 0, m.provenance().metrics(), "published from " + file.getFileName());
        ModelsTopic.publish(bootstrap, topic, kafkaClient, signer.sign(s));
        out.printf("published %s as v%d to %s%n", file, v, topic);
        return 0;
    }
}
