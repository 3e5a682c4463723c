package io.seqstream.apps.bench;

import io.seqstream.apps.cli.Cli;
import io.seqstream.apps.cli.JobFlags;
import io.seqstream.jobs.config.JobConfig;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./seqstream bench}: the end-to-end benchmark's command line; every job config key (jobs/CONFIG.md) is an
 * option too and applies to all variants. Everything is checked before a broker starts.
 */
@Command(name = "seqstream bench", mixinStandardHelpOptions = true, version = "seqstream bench 0.1.0", sortOptions = false, description = {
        "The end-to-end benchmark: the job with model-core's stepper, with DL4J, with a no-op model and with ONNX Runtime (docs/BENCHMARKS.md).",
        "--latency-vs-load runs the latency-per-delivery-mode benchmark instead (see 'seqstream bench --latency-vs-load --help')." }, optionListHeading = "%nOptions:%n")
final class BenchOptions implements Callable<Integer> {
    static final List<String> ALL_VARIANTS = List.of("seqstream", "dl4j", "noop");
    static final List<String> ALL_FORMATS = List.of("seqstream", "json", "avro-registry");

    @Option(names = "--events", paramLabel = "N", description = "events of the throughput run (default: ${DEFAULT-VALUE})")
    long events = 1_000_000;
    @Option(names = "--keys", paramLabel = "K", description = "distinct keys (default: ${DEFAULT-VALUE})")
    int keys = 10_000;
    @Option(names = "--dl4j-events", paramLabel = "N", description = "events of the DL4J variant's throughput run (default: ${DEFAULT-VALUE}: it is ~50x slower)")
    long dl4jEvents = 30_000;
    @Option(names = "--warmup-events", paramLabel = "N", description = "unreported warm-up run of each variant before its rounds (default: "
            + "${DEFAULT-VALUE}; DL4J: at most --dl4j-events)")
    long warmupEvents = 500_000;
    @Option(names = "--rounds", paramLabel = "R", description = "measured rounds; each runs every variant (DL4J after the others), in a "
            + "rotating order; medians (default: ${DEFAULT-VALUE})")
    int rounds = 3;
    @Option(names = "--latency-rate", paramLabel = "R", description = "events/s of the latency run (default: ${DEFAULT-VALUE}; lowered to half a variant's throughput)")
    int latencyRate = 5000;
    @Option(names = "--latency-seconds", paramLabel = "S", description = "length of the latency run (default: ${DEFAULT-VALUE})")
    int latencySeconds = 10;
    @Option(names = "--variants", paramLabel = "LIST", split = ",", description = "comma-separated, of seqstream,dl4j,noop and onnx (ONNX Runtime in the same operator; built with the bench module) (default: seqstream,dl4j,noop)")
    List<String> variants = ALL_VARIANTS;
    @Option(names = "--partitions", paramLabel = "P", description = "partitions of the benchmark topics (default: ${DEFAULT-VALUE})")
    int partitions = 2;
    @Option(names = "--vocab", paramLabel = "V", description = "model Embedding(V,E) -> LSTM(H) -> Dense(V, softmax): V (default: ${DEFAULT-VALUE})")
    int vocab = 1000;
    @Option(names = "--embedding", paramLabel = "E", description = "E (default: ${DEFAULT-VALUE})")
    int embedding = 64;
    @Option(names = "--units", paramLabel = "H", description = "H (default: ${DEFAULT-VALUE})")
    int units = 128;
    @Option(names = "--formats", paramLabel = "LIST", split = ",", description = "input formats compared by job-only throughput of the "
            + "seqstream variant, of seqstream,json,avro-registry (user events with a string event type through the field mapping; a "
            + "local schema registry for avro-registry). Default: seqstream (no comparison)")
    List<String> formats = List.of("seqstream");

    @Spec
    CommandSpec spec;
    private JobFlags jobFlags;
    private Function<BenchOptions, Integer> runner = EndToEndBenchmark::run;

    static CommandLine commandLine(BenchOptions o) {
        CommandLine cli = Cli.commandLine(o);
        o.jobFlags = JobFlags.addTo(cli.getCommandSpec());
        return cli;
    }

    /** Parses and checks a command line; a mistake is a {@link ParameterException} or a config exception. */
    static BenchOptions parse(String... args) {
        BenchOptions o = new BenchOptions();
        commandLine(o).parseArgs(args);
        o.validate();
        return o;
    }

    BenchOptions withRunner(Function<BenchOptions, Integer> r) {
        this.runner = r;
        return this;
    }

    @Override
    public Integer call() {
        validate();
        return runner.apply(this);
    }

    private void validate() {
        for (String v : formats) {
            if (!ALL_FORMATS.contains(v)) {
                throw new ParameterException(spec.commandLine(), "--formats: unknown format '" + v + "', valid: " + ALL_FORMATS);
            }
        }
        Set<String> extra = BenchVariant.onClasspath().keySet();
        for (String v : variants) {
            if (ALL_VARIANTS.contains(v) || extra.contains(v)) {
                continue;
            }
            String module = BenchVariant.KNOWN_ELSEWHERE.get(v);
            if (module != null) {
                throw new ParameterException(spec.commandLine(), "--variants: '" + v + "' needs the " + module
                        + " module on the classpath; ./seqstream bench adds it when --variants names " + v);
            }
            throw new ParameterException(spec.commandLine(), "--variants: unknown variant '" + v + "', valid: " + ALL_VARIANTS
                    + (extra.isEmpty() ? "" : " and " + extra) + ", and " + BenchVariant.KNOWN_ELSEWHERE.keySet() + " with its module");
        }
        Bench.atLeast(spec, "--events", events, 0);
        Bench.atLeast(spec, "--keys", keys, 1);
        Bench.atLeast(spec, "--dl4j-events", dl4jEvents, 0);
        Bench.atLeast(spec, "--warmup-events", warmupEvents, 0);
        Bench.atLeast(spec, "--rounds", rounds, 1);
        Bench.atLeast(spec, "--latency-rate", latencyRate, 1);
        Bench.atLeast(spec, "--latency-seconds", latencySeconds, 1);
        Bench.atLeast(spec, "--partitions", partitions, 1);
        Bench.atLeast(spec, "--vocab", vocab, 2);
        Bench.atLeast(spec, "--embedding", embedding, 1);
        Bench.atLeast(spec, "--units", units, 1);
        JobConfig.fromFlags(jobFlags()); // a bad job flag or --config file fails here, before anything runs
    }

    long events() {
        return events;
    }

    int keys() {
        return keys;
    }

    long dl4jEvents() {
        return dl4jEvents;
    }

    long warmupEvents() {
        return warmupEvents;
    }

    int rounds() {
        return rounds;
    }

    int latencyRate() {
        return latencyRate;
    }

    int latencySeconds() {
        return latencySeconds;
    }

    List<String> variants() {
        return variants;
    }

    int partitions() {
        return partitions;
    }

    int vocab() {
        return vocab;
    }

    int embedding() {
        return embedding;
    }

    int units() {
        return units;
    }

    List<String> formats() {
        return formats;
    }

    /** The job flags given: config key to raw value, in command-line order. */
    Map<String, String> jobFlags() {
        return jobFlags.values();
    }
}
