package io.seqstream.apps.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.seqstream.apps.cli.Cli;
import io.seqstream.apps.cli.CliRun;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark runners' command lines: help, and a bad option or value is one line and exit code 2 before anything runs. */
class BenchCommandsTest {
    final List<Object> started = new ArrayList<>();

    CliRun bench(String... args) {
        return CliRun.of(BenchOptions.commandLine(new BenchOptions().withRunner(o -> {
            started.add(o);
            return 0;
        })), args);
    }

    CliRun latency(String... args) {
        return CliRun.of(LatencyVsLoadOptions.commandLine(new LatencyVsLoadOptions().withRunner(o -> {
            started.add(o);
            return 0;
        })), args);
    }

    @Test
    void endToEndBenchmark() {
        bench("--help").assertHelp("seqstream bench", "--events=N", "(default: 1000000)", "--keys=K", "--dl4j-events=N",
                "--warmup-events=N",
                "--rounds=R", "--latency-rate=R", "--latency-seconds=S", "--variants=LIST", "--partitions=P", "--vocab=V", "--embedding=E",
                "--units=H", "--formats=LIST", "--latency-vs-load", "Job settings", "--batch.size=VALUE");
        bench("--nope").assertUserError("Unknown option: '--nope'");
        bench("--events", "lots").assertUserError("--events", "'lots'");
        bench("--variants", "seqstream,tf").assertUserError("--variants", "'tf'");
        bench("--variants", "seqstream,onnx").assertUserError("--variants: 'onnx' needs the bench (ONNX Runtime) module",
                "./seqstream bench adds it");
        bench("--formats", "xml").assertUserError("--formats", "'xml'");
        bench("--rounds", "0").assertUserError("--rounds must be at least 1, got 0");
        bench("--parallelism", "0").assertUserError("'0'", "parallelism");
        assertThat(started).isEmpty();
        CliRun ok = bench("--events", "5", "--variants", "seqstream,noop", "--batch.size", "64");
        assertThat(ok.code()).as(ok.err()).isZero();
        BenchOptions o = (BenchOptions) started.get(0);
        assertThat(o.events()).isEqualTo(5);
        assertThat(o.keys()).isEqualTo(10_000);
        assertThat(o.variants()).containsExactly("seqstream", "noop");
        assertThat(o.formats()).containsExactly("seqstream");
        assertThat(o.jobFlags()).containsEntry("batch.size", "64");
    }

    @Test
    void latencyVsLoad() {
        latency("--help").assertHelp("--latency-vs-load", "--loads=LIST", "--intervals=LIST", "--at-least-once-intervals=LIST",
                "--modes=LIST", "--seconds=S", "--max-events=N", "--max-intervals=N", "--keys=K",
                "--partitions=P", "--vocab=V", "--embedding=E", "--units=H", "--flink=KEY=VALUE", "--keep-up-ms=MS", "--sustain-steps=N",
                "--out=DIR", "Job settings");
        latency("--latency-vs-load", "--lods", "0.5").assertUserError("Unknown option: '--lods'", "did you mean --loads");
        latency("--loads", "0.5,x").assertUserError("--loads", "'x'");
        latency("--loads", "1.5").assertUserError("--loads: 1.5 is not a fraction in (0, 1]");
        latency("--intervals", "1s,soon").assertUserError("'soon'", "--intervals");
        latency("--at-least-once-intervals", "later").assertUserError("'later'", "--at-least-once-intervals");
        latency("--modes", "at-most-once").assertUserError("--modes: 'at-most-once' is not at-least-once or exactly-once");
        latency("--seconds", "0").assertUserError("--seconds must be at least 1, got 0");
        latency("--producer-linger-ms", "-1").assertUserError("--producer-linger-ms must be at least 0, got -1");
        latency("--max-intervals", "-1").assertUserError("--max-intervals must be at least 0, got -1");
        latency("--delivery", "twice").assertUserError("'twice'", "delivery");
        latency("--flink", "no-value").assertUserError("--flink", "no-value");
        latency("--keep-up-ms", "0").assertUserError("--keep-up-ms must be at least 1, got 0");
        latency("--sustain-steps", "11").assertUserError("--sustain-steps must be at most 10 (100 % down to 10 %), got 11");
        assertThat(started).isEmpty();
        CliRun ok = latency("--latency-vs-load", "--loads", "0.2", "--intervals", "500ms", "--batch.size", "8", "--flink",
                "execution.checkpointing.unaligned.enabled=true");
        assertThat(ok.code()).as(ok.err()).isZero();
        LatencyVsLoadOptions o = (LatencyVsLoadOptions) started.get(0);
        assertThat(o.loads).containsExactly(0.2);
        assertThat(o.intervals).containsExactly("500ms");
        assertThat(o.atLeastOnceIntervals).as("1 s and the job's default").containsExactly("1s", "10s");
        assertThat(o.maxIntervals).isEqualTo(3);
        assertThat(o.keepUpMs).isEqualTo(250);
        assertThat(o.sustainSteps).isEqualTo(5);
        assertThat(o.jobFlags()).containsEntry("batch.size", "8");
        assertThat(o.flinkEntries).containsExactly(java.util.Map.entry("execution.checkpointing.unaligned.enabled", "true"));
    }

    @Test
    void aPacedRunSumsUpItsCheckpointsFromTheRestApi() throws Exception {
        // The shape of GET /jobs/:id/checkpoints (Flink 2.2), trimmed to what is read.
        JsonNode answer = new ObjectMapper().readTree("""
                {"counts": {"completed": 52, "failed": 0},
                 "summary": {"end_to_end_duration": {"min": 41, "max": 230, "avg": 88, "p50": 79, "p99": 201}}}""");
        assertThat(LatencyVsLoad.checkpointSummary(answer))
                .isEqualTo("checkpoints: 52 completed, end to end p50 79 ms, p99 201 ms, max 230 ms");
    }

    @Test
    void aMaximumThroughputRunLastsAsLongAsAPacedOne() {
        assertThat(LatencyVsLoad.maxRunLength(10, 3, Duration.ofSeconds(10))).as("3 intervals of 10 s").isEqualTo(Duration.ofSeconds(30));
        assertThat(LatencyVsLoad.maxRunLength(10, 3, Duration.ofMillis(200))).as("--seconds").isEqualTo(Duration.ofSeconds(10));
        assertThat(LatencyVsLoad.maxRunLength(1, 0, Duration.ofSeconds(10))).as("--max-intervals 0").isEqualTo(Duration.ofSeconds(1));
        // 100k events/s for 30 s: 3M events, more than the 300k minimum
        assertThat(LatencyVsLoad.maxEvents(300_000, 100_000, Duration.ofSeconds(30))).isEqualTo(3_000_000);
        assertThat(LatencyVsLoad.maxEvents(300_000, 20_000, Duration.ofSeconds(10))).as("the minimum rules").isEqualTo(300_000);
        assertThat(LatencyVsLoad.maxEvents(1, 1_000.5, Duration.ofSeconds(3))).as("rounded up").isEqualTo(3_002);
    }

    @Test
    void scaleBenchmark() {
        CliRun help = CliRun.of(ScaleBenchmark.commandLine(new ScaleBenchmark()), "--help");
        help.assertHelp("seqstream scale-bench", "--keys", "--backends", "--hashmap-max-keys", "--events-per-key", "--min-events",
                "--checkpoint-interval", "--latency-rate", "--latency-seconds", "--warmup-events", "--partitions", "--units", "--rounds=R",
                "--job-only", "--flink=KEY=VALUE", "Job settings");
        CliRun.of(ScaleBenchmark.commandLine(new ScaleBenchmark()), "--nope", "1").assertUserError("Unknown option: '--nope'");
        CliRun.of(ScaleBenchmark.commandLine(new ScaleBenchmark()), "--keys", "10,many").assertUserError("--keys", "'many'");
        CliRun.of(ScaleBenchmark.commandLine(new ScaleBenchmark()), "--backends", "heap").assertUserError("--backends", "'heap'");
        CliRun.of(ScaleBenchmark.commandLine(new ScaleBenchmark()), "--checkpoint-interval", "often")
                .assertUserError("'often'", "--checkpoint-interval");
        CliRun.of(ScaleBenchmark.commandLine(new ScaleBenchmark()), "--state.ttl", "forever").assertUserError("'forever'", "state.ttl");
        CliRun.of(ScaleBenchmark.commandLine(new ScaleBenchmark()), "--rounds", "0").assertUserError("--rounds");
        CliRun.of(ScaleBenchmark.commandLine(new ScaleBenchmark()), "--flink", "managed").assertUserError("--flink", "KEY=VALUE",
                "managed");
    }

    @Test
    void decodeBenchmark() {
        CliRun.of(Cli.commandLine(new DecodeBenchmark()), "--help").assertHelp("seqstream decode-bench", "records per round",
                "measured rounds", "(default: 200000)",
                "(default: 5)");
        CliRun.of(Cli.commandLine(new DecodeBenchmark()), "--nope").assertUserError("Unknown option: '--nope'");
        CliRun.of(Cli.commandLine(new DecodeBenchmark()), "many").assertUserError("'many'");
        CliRun.of(Cli.commandLine(new DecodeBenchmark()), "0").assertUserError("N must be at least 1, got 0");
        CliRun.of(Cli.commandLine(new DecodeBenchmark()), "10", "5", "7").assertUserError("'7'");
    }

    @Test
    void retrainBenchmark() {
        CliRun.of(Cli.commandLine(new RetrainBenchmark()), "--help").assertHelp("seqstream retrain-bench", "--sequences=N", "--length=L",
                "--units=H", "--epochs=E", "--rate=R", "--keys=K", "--seconds=S", "--swap-every-ms=MS", "--parts=LIST", "(default: 10000)");
        CliRun.of(Cli.commandLine(new RetrainBenchmark()), "--nope").assertUserError("Unknown option: '--nope'");
        CliRun.of(Cli.commandLine(new RetrainBenchmark()), "--units", "big").assertUserError("--units", "'big'");
        CliRun.of(Cli.commandLine(new RetrainBenchmark()), "--parts", "train,fly").assertUserError("--parts", "'fly'");
        CliRun.of(Cli.commandLine(new RetrainBenchmark()), "--epochs", "0").assertUserError("--epochs must be at least 1, got 0");
    }
}
