package io.seqstream.apps.bench;

import io.seqstream.apps.cli.Cli;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.event.Ingested;
import io.seqstream.jobs.mapping.InputDecoders;
import io.seqstream.jobs.model.InputSpec;
import io.seqstream.jobs.source.IngestDecoder;
import io.seqstream.schemas.AvroCodec;
import io.seqstream.schemas.Event;
import io.seqstream.testkit.LocalSchemaRegistry;
import io.seqstream.testkit.TempDirs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./seqstream decode-bench}: the source's per-record cost of each input format, alone: the decoder the job
 * runs in its Kafka deserializer (decode, field mapping, model input), on records like those of
 * {@code ./seqstream bench --formats} (10k keys, a token of 1000 as a string event type through the lookup
 * vocabulary, a numeric field; the registry format fetches its schema once from a local registry). Reports thread
 * CPU time per record (medians of rotating rounds), so other processes on a shared machine inflate it less than
 * wall time; compare it with the job-only CPU time per event of {@code ./seqstream bench}.
 */
@Command(name = "seqstream decode-bench", mixinStandardHelpOptions = true, version = "seqstream decode-bench 0.1.0", description = {
        "Per-record CPU time of each input format's decoding (seqstream, json, avro-registry) in the job's Kafka deserializer: "
                + "decode, field mapping, model input (docs/BENCHMARKS.md)." })
public final class DecodeBenchmark implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "N", description = "records per round and format (default: ${DEFAULT-VALUE})")
    int records = 200_000;
    @Parameters(index = "1", arity = "0..1", paramLabel = "R", description = "measured rounds, after one warm-up round (default: ${DEFAULT-VALUE})")
    int rounds = 5;
    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(Cli.commandLine(new DecodeBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Bench.atLeast(spec, "N", records, 1);
        Bench.atLeast(spec, "R", rounds, 1);
        int vocab = 1000;
        Path dir = Files.createTempDirectory("seqstream-decode-bench-");
        Path vocabulary = dir.resolve("event-types.txt");
        Files.write(vocabulary, EventWriter.vocabularyTerms(vocab));
        try (LocalSchemaRegistry registry = LocalSchemaRegistry.start()) {
            int id = registry.register("events-value", EventWriter.USER_EVENT);
            Map<String, IngestDecoder> decoders = new LinkedHashMap<>();
            Map<String, byte[][]> data = new LinkedHashMap<>();
            String[] mapping = { "--mapping.key", "key", "--mapping.event-time", "ts", "--mapping.inputs", "lookup(event_type)",
                    "--mapping.vocabularies", "event_type:" + vocabulary };
            decoders.put("seqstream", InputDecoders.forJob(JobConfig.defaults(), InputSpec.tokens(vocab)));
            decoders.put("json",
                    InputDecoders.forJob(JobConfig.fromArgs(concat(mapping, "--input.format", "json")), InputSpec.tokens(vocab)));
            decoders.put("avro-registry", InputDecoders.forJob(JobConfig.fromArgs(concat(mapping, "--input.format", "avro-registry",
                    "--registry.url", registry.url())), InputSpec.tokens(vocab)));
            for (String f : decoders.keySet()) {
                data.put(f, records(f, records, vocab, id));
            }
            Map<String, List<Double>> micros = new LinkedHashMap<>();
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            List<String> formats = new ArrayList<>(decoders.keySet());
            for (int round = -1; round < rounds; round++) { // round -1: warm-up, not reported
                for (int i = 0; i < formats.size(); i++) {
                    String f = formats.get((i + Math.max(round, 0)) % formats.size());
                    IngestDecoder d = decoders.get(f);
                    byte[][] values = data.get(f);
                    long t0 = threads.getCurrentThreadCpuTime();
                    long valid = 0;
                    for (int r = 0; r < values.length; r++) {
                        Ingested in = d.decode("events", 0, r, 0L, null, values[r]);
                        valid += in.isDeadLetter() ? 0 : 1;
                    }
                    double us = (threads.getCurrentThreadCpuTime() - t0) / 1e3 / values.length;
                    if (valid != values.length) {
                        throw new IllegalStateException(f + ": " + (values.length - valid) + " records were dead letters");
                    }
                    if (round >= 0) {
                        micros.computeIfAbsent(f, k -> new ArrayList<>()).add(us);
                        System.out.printf("round %d %-14s %.3f us/record%n", round + 1, f, us);
                    }
                }
            }
            System.out.printf("%nDecode + map, thread CPU per record, %,d records per round, medians of %d rounds%n%n", records, rounds);
            System.out.println("| input format | CPU µs/record | each round |");
            System.out.println("|---|---:|---|");
            for (Map.Entry<String, List<Double>> e : micros.entrySet()) {
                System.out.printf("| %s | %.2f | %s |%n", e.getKey(), BenchResult.median(e.getValue()),
                        String.join(" / ", e.getValue().stream().map(v -> String.format("%.2f", v)).toList()));
            }
        } finally {
            TempDirs.deleteRecursively(dir);
        }
        return Cli.OK;
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[][] records(String format, int n, int vocab, int schemaId) throws IOException {
        Random rnd = new Random(42);
        byte[][] out = new byte[n][];
        GenericDatumWriter<GenericRecord> writer = new GenericDatumWriter<>(EventWriter.USER_EVENT);
        BinaryEncoder enc = null;
        for (int i = 0; i < n; i++) {
            String key = String.format("key-%06d", rnd.nextInt(10_000));
            int token = rnd.nextInt(vocab);
            long ts = 1_700_000_000_000L + i;
            double amount = rnd.nextInt(100_000) / 100.0;
            switch (format) {
                case "seqstream" -> out[i] = AvroCodec.encode(new Event(key, ts, token, null, null, false, Map.of()));
                case "json" -> out[i] = ("{\"key\":\"" + key + "\",\"ts\":" + ts + ",\"event_type\":\"" + EventWriter.typeName(token)
                        + "\",\"amount\":" + amount + "}").getBytes(StandardCharsets.UTF_8);
                default -> {
                    GenericRecord r = new GenericData.Record(EventWriter.USER_EVENT);
                    r.put(0, key);
                    r.put(1, ts);
                    r.put(2, EventWriter.typeName(token));
                    r.put(3, amount);
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    bytes.write(
                            new byte[]{ 0, (byte) (schemaId >>> 24), (byte) (schemaId >>> 16), (byte) (schemaId >>> 8), (byte) schemaId });
                    enc = EncoderFactory.get().binaryEncoder(bytes, enc);
                    writer.write(r, enc);
                    enc.flush();
                    out[i] = bytes.toByteArray();
                }
            }
        }
        return out;
    }
}
