package io.seqstream.apps.bench;

import io.seqstream.apps.cli.Cli;
import io.seqstream.apps.cli.JobFlags;
import io.seqstream.jobs.config.JobConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./seqstream bench --latency-vs-load}: the command line of {@link LatencyVsLoad}; every job config key
 * (jobs/CONFIG.md) is an option too. Everything is checked before a broker starts.
 */
@Command(name = "seqstream bench --latency-vs-load", mixinStandardHelpOptions = true, version = "seqstream bench 0.1.0", sortOptions = false, description = {
        "What each delivery mode costs: maximum throughput, then event-to-visible-prediction latency at fractions of it, "
                + "for at-least-once and for exactly-once at each checkpoint interval (docs/BENCHMARKS.md, Latency against load).",
        "It runs a Kafka broker inside the benchmark's JVM unless --kafka.bootstrap names one already running (for instance "
                + "deploy/cluster.sh's, or KafkaBrokerMain), which keeps the broker's work out of the measured JVM's heap." }, optionListHeading = "%nOptions:%n")
final class LatencyVsLoadOptions implements Callable<Integer> {
    @Option(names = "--latency-vs-load", description = "selects this benchmark (the launcher's switch)")
    boolean selected;
    @Option(names = "--loads", paramLabel = "LIST", split = ",", description = "fractions of the maximum throughput, each in (0, 1] (default: ${DEFAULT-VALUE})")
    List<Double> loads = List.of(0.1, 0.5, 0.9);
    @Option(names = "--intervals", paramLabel = "LIST", split = ",", description = "exactly-once checkpoint intervals (default: 200ms,1s,10s)")
    List<String> intervals = List.of("200ms", "1s", "10s");
    @Option(names = "--at-least-once-intervals", paramLabel = "LIST", split = ",", description = "checkpoint intervals of the at-least-once runs "
            + "(default: 1s,10s; 10s is the job's default)")
    List<String> atLeastOnceIntervals = List.of("1s", "10s");
    @Option(names = "--modes", paramLabel = "LIST", split = ",", description = "delivery modes to run, of at-least-once,exactly-once (default: both)")
    List<String> modes = List.of("at-least-once", "exactly-once");
    @Option(names = "--seconds", paramLabel = "S", description = "measured seconds per point, at least 3 checkpoint intervals (default: ${DEFAULT-VALUE})")
    int seconds = 10;
    @Option(names = "--max-events", paramLabel = "N", description = "events of each maximum-throughput run (default: ${DEFAULT-VALUE}); see "
            + "--max-intervals")
    long maxEvents = 300_000;
    @Option(names = "--max-intervals", paramLabel = "N", description = "a maximum-throughput run must last --seconds and N checkpoint intervals, "
            + "so that the maximum includes what the checkpoints cost: where --max-events passed sooner, a second run with "
            + "enough events gives the maximum (default: ${DEFAULT-VALUE})")
    int maxIntervals = 3;
    @Option(names = "--keep-up-ms", paramLabel = "MS", description = "a probe at a rate keeps up when the worker's latency (event to "
            + "prediction computed) stays within MS at p99; the loads are fractions of the highest rate kept up with (default: ${DEFAULT-VALUE})")
    int keepUpMs = 250;
    @Option(names = "--sustain-steps", paramLabel = "N", description = "probes from 100 %% of the drain maximum down in steps of 10 %%, at "
            + "most N, then one halfway back up (default: ${DEFAULT-VALUE})")
    int sustainSteps = 5;
    @Option(names = "--producer-linger-ms", paramLabel = "MS", description = "linger.ms of the paced runs' producer: the time an event may wait "
            + "there to be batched counts in its latency (default: ${DEFAULT-VALUE})")
    int producerLingerMs = 0;
    @Option(names = "--keys", paramLabel = "K", description = "distinct keys (default: ${DEFAULT-VALUE})")
    int keys = 10_000;
    @Option(names = "--partitions", paramLabel = "P", description = "partitions of the benchmark topics (default: ${DEFAULT-VALUE})")
    int partitions = 2;
    @Option(names = "--vocab", paramLabel = "V", description = "model Embedding(V,E) -> LSTM(H) -> Dense(V, softmax): V (default: ${DEFAULT-VALUE})")
    int vocab = 1000;
    @Option(names = "--embedding", paramLabel = "E", description = "E (default: ${DEFAULT-VALUE})")
    int embedding = 64;
    @Option(names = "--units", paramLabel = "H", description = "H (default: ${DEFAULT-VALUE})")
    int units = 128;
    @Option(names = "--flink", paramLabel = "KEY=VALUE", description = "a Flink configuration entry for every job of the run, repeatable "
            + "(e.g. execution.checkpointing.unaligned.enabled=true)")
    Map<String, String> flinkEntries = new LinkedHashMap<>();
    @Option(names = "--broker-dir", paramLabel = "DIR", description = "where the broker in this JVM keeps its log, in a temp dir "
            + "(default: java.io.tmpdir). On the disk that holds the checkpoints its writes slow the checkpoints' fsyncs, "
            + "which a Kafka cluster on other machines does not: tmpfs (/dev/shm) keeps it off; see docs/BENCHMARKS.md")
    Path brokerDir = Path.of(System.getProperty("java.io.tmpdir"));
    @Option(names = "--out", paramLabel = "DIR", description = "where latency-vs-load.md and latency-vs-load.html go (default: the current directory)")
    Path out = Path.of(".");

    @Spec
    CommandSpec spec;
    private JobFlags jobFlags;
    private Function<LatencyVsLoadOptions, Integer> runner = LatencyVsLoad::run;

    static CommandLine commandLine(LatencyVsLoadOptions o) {
        CommandLine cli = Cli.commandLine(o);
        o.jobFlags = JobFlags.addTo(cli.getCommandSpec());
        return cli;
    }

    LatencyVsLoadOptions withRunner(Function<LatencyVsLoadOptions, Integer> r) {
        this.runner = r;
        return this;
    }

    @Override
    public Integer call() {
        for (double load : loads) {
            if (!(load > 0 && load <= 1)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--loads: " + load + " is not a fraction in (0, 1]");
            }
        }
        for (String i : intervals) {
            JobConfig.defaults().with("checkpoint.interval", i.trim(), "--intervals"); // a bad duration is one line here
        }
        for (String i : atLeastOnceIntervals) {
            JobConfig.defaults().with("checkpoint.interval", i.trim(), "--at-least-once-intervals");
        }
        for (String m : modes) {
            if (!m.equals("at-least-once") && !m.equals("exactly-once")) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--modes: '" + m + "' is not at-least-once or exactly-once");
            }
        }
        Bench.atLeast(spec, "--seconds", seconds, 1);
        Bench.atLeast(spec, "--max-events", maxEvents, 1);
        Bench.atLeast(spec, "--max-intervals", maxIntervals, 0);
        Bench.atLeast(spec, "--keys", keys, 1);
        Bench.atLeast(spec, "--producer-linger-ms", producerLingerMs, 0);
        Bench.atLeast(spec, "--keep-up-ms", keepUpMs, 1);
        Bench.atLeast(spec, "--sustain-steps", sustainSteps, 1);
        if (sustainSteps > 10) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--sustain-steps must be at most 10 (100 % down to 10 %), got "
                    + sustainSteps);
        }
        Bench.atLeast(spec, "--partitions", partitions, 1);
        Bench.atLeast(spec, "--vocab", vocab, 2);
        Bench.atLeast(spec, "--embedding", embedding, 1);
        Bench.atLeast(spec, "--units", units, 1);
        JobConfig.fromFlags(jobFlags()); // a bad job flag or --config file fails here, before anything runs
        return runner.apply(this);
    }

    /** The job flags given: config key to raw value, in command-line order. */
    Map<String, String> jobFlags() {
        return jobFlags.values();
    }
}
