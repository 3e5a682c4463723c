package io.seqstream.apps.models;

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
 * Exit codes: 0 done, 1 failure, 2 bad usage, 3 {@code train --publish} whose candidate did not beat the margin.
 */
public final class ModelsCommand {
    static final String USAGE = """
            Usage: seqstream models <command> [options]
              train     fine-tune a model offline, write it, and optionally publish it as the next version
                        --model FILE            base model (seqstream model file or Keras .h5); --version N overrides its version
                        --events FILE           events as CSV lines key,token[,label] (in order per key; '#' comments)
                        --topic T --bootstrap B or the events of topic T (Avro Event records, read to its end)
                        [--out FILE]            candidate model file (default: <model>-v<next version>.seqstream beside it)
                        [--publish]             publish it to --models-topic (default models) at --bootstrap if it beats the base
                        [--always]              publish even if it is not better
                        [--target next-event|label] [--sequence-length 32] [--epochs 2] [--batch-size 64]
                        [--learning-rate 0.003] [--holdout 0.2] [--min-improvement 0.01] [--sample-size 10000]
                        [--report FILE]         training report (HTML)
              list      --bootstrap B [--topic models]        the versions on the models topic
              rollback  --version V --bootstrap B [--topic models]
                                                  republish version V as the new current (highest) version
              publish   --model FILE --bootstrap B [--topic models] [--version N]
                                                  publish a model file (default version: highest on the topic + 1)
              keygen    --out PREFIX                  a new Ed25519 key pair: PREFIX.key (private) and PREFIX.pub (public)
            train --publish, rollback and publish sign the snapshot with --signing-key FILE (PEM private key) when given;
            jobs with models.trusted-keys serve only snapshots signed by a trusted key.
            Kafka client settings: --kafka.client.<property> <value> (e.g. security settings).
            """;
    private static final List<String> SWITCHES = List.of("publish", "always");

    private final PrintStream out;
    private final PrintStream err;

    public ModelsCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(new ModelsCommand(System.out, System.err).run(args));
    }

    /** Runs one command; returns the exit code. */
    public int run(String... args) {
        if (args.length == 0 || List.of("-h", "--help", "help").contains(args[0])) {
            out.print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        Map<String, String> f;
        try {
            f = flags(args);
        } catch (IllegalArgumentException e) {
            err.println("seqstream models: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        try {
            return switch (args[0]) {
                case "train" -> train(f);
                case "list" -> list(f);
                case "rollback" -> rollback(f);
                case "publish" -> publish(f);
                case "keygen" -> keygen(f);
                default -> {
                    err.println("seqstream models: unknown command '" + args[0] + "'");
                    err.print(USAGE);
                    yield 2;
                }
            };
        } catch (UsageException e) {
            err.println("seqstream models " + args[0] + ": " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            err.println("seqstream models " + args[0] + " failed: " + e.getMessage());
            return 1;
        }
    }

    private static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String m) {
            super(m);
        }
    }

    /** {@code --name value}, {@code --name=value}, and the switches {@code --publish}, {@code --always} without a value. */
    static Map<String, String> flags(String[] args) {
        Map<String, String> f = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || a.length() == 2) {
                throw new IllegalArgumentException("unexpected argument '" + a + "': options are written --name value");
            }
            String body = a.substring(2);
            int eq = body.indexOf('=');
            if (eq >= 0) {
                f.put(body.substring(0, eq), body.substring(eq + 1));
            } else if (SWITCHES.contains(body)) {
                f.put(body, "true");
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                f.put(body, args[++i]);
            } else {
                throw new IllegalArgumentException("option --" + body + " needs a value");
            }
        }
        return f;
    }

    private static String need(Map<String, String> f, String name) {
        String v = f.get(name);
        if (v == null || v.isBlank()) {
            throw new UsageException("--" + name + " is required");
        }
        return v;
    }

    private static Properties kafkaClient(Map<String, String> f) {
        Properties p = new Properties();
        f.forEach((k, v) -> {
            if (k.startsWith(ConfigKeys.KAFKA_CLIENT_PREFIX)) {
                p.setProperty(k.substring(ConfigKeys.KAFKA_CLIENT_PREFIX.length()), v);
            }
        });
        return p;
    }

    /** The training settings: the job's retrain.* keys and defaults, under the command's flag names. */
    static RetrainOptions options(Map<String, String> f) {
        JobConfig c = JobConfig.defaults();
        String[][] names = { { "target", "retrain.target" }, { "sequence-length", "retrain.sequence-length" },
                { "epochs", "retrain.epochs" },
                { "batch-size", "retrain.batch-size" }, { "learning-rate", "retrain.learning-rate" }, { "holdout", "retrain.holdout" },
                { "min-improvement", "retrain.min-improvement" }, { "sample-size", "retrain.sample-size" },
                { "always", "retrain.publish-always" },
                { "report", "retrain.report" } };
        for (String[] n : names) {
            if (f.containsKey(n[0])) {
                c = c.with(n[1], f.get(n[0]));
            }
        }
        return RetrainOptions.fromConfig(c.with("retrain.min-sequences", "2"));
    }

    private int train(Map<String, String> f) {
        Path modelPath = Path.of(need(f, "model"));
        boolean publish = f.containsKey("publish");
        String modelsTopic = f.getOrDefault("models-topic", "models");
        RetrainOptions o = options(f);
        Model base = ModelLoader.load(modelPath);
        StepModelBackend backend = StepModelBackend.of(base, 1);
        if (!backend.inputSpec().tokenInput()) {
            throw new UsageException(modelPath + " takes " + backend.inputSpec() + "; training needs a token model");
        }
        long baseVersion = f.containsKey("version") ? Long.parseLong(f.get("version")) : versionOf(base);
        Map<String, List<ModelInput>> events;
        String source;
        if (f.containsKey("events")) {
            Path file = Path.of(f.get("events"));
            events = EventFiles.readCsv(file);
            source = file.toString();
        } else if (f.containsKey("topic")) {
            String topic = f.get("topic");
            events = fromTopic(need(f, "bootstrap"), topic, kafkaClient(f), backend.inputSpec());
            source = "topic " + topic;
        } else {
            throw new UsageException("--events FILE or --topic T --bootstrap B is required");
        }
        long next = baseVersion + 1;
        if (publish) {
            next = Math.max(next, highest(ModelsTopic.snapshots(need(f, "bootstrap"), modelsTopic, kafkaClient(f), new ArrayList<>())) + 1);
        }
        TrainingWindow w = EventFiles.window(events, o, backend.outputSize(), 1);
        out.printf(Locale.ROOT, "training v%d of '%s' on %s: %d keys, %d sequences of %d steps (%s), %d epochs%n", baseVersion, base.name(),
                source, events.size(), w.size(), o.sequenceLength(), o.target().configName(), o.epochs());
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
        String outFile = f.containsKey("out") ? f.get("out") : defaultOut(modelPath, next).toString();
        try {
            FlinkFiles.write(outFile, ModelSnapshots.modelBytes(r.snapshot()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + outFile, e);
        }
        out.printf(Locale.ROOT, "holdout accuracy v%d %.4f -> candidate %.4f (%+.4f; margin %.4f): %s%n", baseVersion, before, after,
                after - before, o.minImprovement(), better ? "better" : "not better");
        out.println("candidate written to " + outFile);
        if (o.reportPath() != null) {
            TrainingReport report = new TrainingReport("seqstream models train: " + base.name());
            List<Double> loss = r.result().history().get("loss");
            for (int e = 0; e < loss.size(); e++) {
                report.addEpoch(1, e + 1, loss.get(e));
            }
            report.addRound(
                    new TrainingReport.Round(1, Instant.now(), baseVersion, next, before, after, publish && (better || o.publishAlways()),
                            "offline on " + source));
            try {
                FlinkFiles.write(o.reportPath(), report.html().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot write " + o.reportPath(), e);
            }
            out.println("training report: " + o.reportPath());
        }
        if (!publish) {
            return 0;
        }
        if (!better && !o.publishAlways()) {
            out.println("not published: the candidate does not beat v" + baseVersion + " by " + o.minImprovement()
                    + " (--always publishes anyway)");
            return 3;
        }
        ModelsTopic.publish(need(f, "bootstrap"), modelsTopic, kafkaClient(f), signer(f).sign(r.snapshot()));
        out.printf("published v%d (parent v%d) to %s%n", next, baseVersion, modelsTopic);
        return 0;
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

    private int list(Map<String, String> f) {
        String topic = f.getOrDefault("topic", "models");
        List<String> problems = new ArrayList<>();
        List<ModelSnapshot> all = ModelsTopic.snapshots(need(f, "bootstrap"), topic, kafkaClient(f), problems);
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

    private int rollback(Map<String, String> f) {
        String topic = f.getOrDefault("topic", "models");
        long v = Long.parseLong(need(f, "version"));
        String bootstrap = need(f, "bootstrap");
        List<ModelSnapshot> all = ModelsTopic.snapshots(bootstrap, topic, kafkaClient(f), new ArrayList<>());
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
        ModelsTopic.publish(bootstrap, topic, kafkaClient(f), signer(f).sign(s));
        out.printf("rolled back: v%d (the model of v%d) is now the current version on %s%n", next, v, topic);
        return 0;
    }

    /** The signer of {@code --signing-key}, else unsigned; read before anything is published. */
    private static ModelSigner signer(Map<String, String> f) {
        return f.containsKey("signing-key") ? ModelSigner.fromFile(Path.of(f.get("signing-key"))) : ModelSigner.unsigned();
    }

    private int keygen(Map<String, String> f) {
        String prefix = need(f, "out");
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

    private int publish(Map<String, String> f) {
        String topic = f.getOrDefault("topic", "models");
        String bootstrap = need(f, "bootstrap");
        Path file = Path.of(need(f, "model"));
        Model m = ModelLoader.load(file);
        StepModelBackend.of(m, 1); // it must be steppable per key
        long highest = highest(ModelsTopic.snapshots(bootstrap, topic, kafkaClient(f), new ArrayList<>()));
        long v = f.containsKey("version") ? Long.parseLong(f.get("version")) : Math.max(highest + 1, versionOf(m));
        if (v <= highest) {
            throw new IllegalStateException("version " + v + " is not above the highest version on " + topic + " (" + highest
                    + "): jobs would ignore it");
        }
        Long parent = m.provenance().property(ModelSnapshots.PARENT_PROPERTY).map(p -> Long.parseLong(p.trim())).orElse(null);
        ModelSnapshot s = ModelSnapshots.create(m, v, parent, 0, 0, m.provenance().metrics(), "published from " + file.getFileName());
        ModelsTopic.publish(bootstrap, topic, kafkaClient(f), signer(f).sign(s));
        out.printf("published %s as v%d to %s%n", file, v, topic);
        return 0;
    }
}
