package io.seqstream.apps.bench;

import io.seqstream.jobs.config.ConfigException;
import io.seqstream.jobs.config.Flags;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The benchmark's flags; every other flag is a job config key (jobs/CONFIG.md) for all variants. */
record BenchOptions(long events, int keys, long dl4jEvents, long warmupEvents, int rounds, int latencyRate, int latencySeconds,
        List<String> variants, int partitions, int vocab, int embedding, int units, List<String> formats, Map<String, String> jobFlags) {

    static final List<String> ALL_VARIANTS = List.of("seqstream", "dl4j", "noop");
    static final List<String> ALL_FORMATS = List.of("seqstream", "json", "avro-registry");
    static final String USAGE = """
            Usage: seqstream bench [options] [--<job config key> <value> ...]
              --events N           events of the throughput run (default 1000000)
              --keys K             distinct keys (default 10000)
              --dl4j-events N      events of the DL4J variant's throughput run (default 30000: it is ~50x slower)
              --warmup-events N    unreported warm-up run of each variant before its rounds (default 500000; DL4J: at most --dl4j-events)
              --rounds R           measured rounds; each runs every variant (DL4J after the others), in a rotating order; medians (default 3)
              --latency-rate R     events/s of the latency run (default 5000; lowered to half a variant's throughput)
              --latency-seconds S  length of the latency run (default 10)
              --variants LIST      comma-separated, of seqstream,dl4j,noop (default all)
              --partitions P       partitions of the benchmark topics (default 2)
              --vocab V --embedding E --units H   model Embedding(V,E) -> LSTM(H) -> Dense(V, softmax) (default 1000, 64, 128)
              --formats LIST       input formats compared by job-only throughput of the seqstream variant, of
                                   seqstream,json,avro-registry (user events with a string event type through the field
                                   mapping; a local schema registry for avro-registry). Default: seqstream (no comparison)
            Job settings (see jobs/CONFIG.md), e.g. --batch.size 512 --parallelism 2 --delivery at-least-once
            """;

    static BenchOptions parse(String... args) {
        Map<String, String> f = new LinkedHashMap<>(Flags.parse(args));
        List<String> variants = List.of(f.getOrDefault("variants", String.join(",", ALL_VARIANTS)).split(","));
        f.remove("variants");
        List<String> formats = List.of(f.getOrDefault("formats", "seqstream").split(","));
        f.remove("formats");
        for (String v : formats) {
            if (!ALL_FORMATS.contains(v)) {
                throw new ConfigException("--formats: unknown format '" + v + "', valid: " + ALL_FORMATS);
            }
        }
        for (String v : variants) {
            if (!ALL_VARIANTS.contains(v)) {
                throw new ConfigException("--variants: unknown variant '" + v + "', valid: " + ALL_VARIANTS);
            }
        }
        return new BenchOptions(num(f, "events", 1_000_000), (int) num(f, "keys", 10_000), num(f, "dl4j-events", 30_000),
                num(f, "warmup-events", 500_000), (int) Math.max(1, num(f, "rounds", 3)), (int) num(f, "latency-rate", 5000),
                (int) num(f, "latency-seconds", 10), variants,
                (int) num(f, "partitions", 2), (int) num(f, "vocab", 1000), (int) num(f, "embedding", 64), (int) num(f, "units", 128),
                formats, Map.copyOf(f));
    }

    private static long num(Map<String, String> flags, String name, long dflt) {
        return Flags.takeWholeNumber(flags, name, dflt);
    }
}
