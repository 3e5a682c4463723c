package io.seqstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Runs {@link StepBenchmark} (or reads a JMH JSON result file) and prints markdown tables of
 * microseconds per EVENT (time per call / B) per engine, with ratios, and the issue 2 / issue 8 targets.
 *
 * <pre>
 * OMP_NUM_THREADS=1 java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar io.seqstream.bench.BenchTable
 * </pre>
 *
 * Tables: the JMH AverageTime MEAN over all measurement iterations (± JMH's 99.9% half-width); the BEST
 * (minimum) iteration; and, when the per-iteration log exists, the mean over QUIET iterations only (other
 * processes used at most {@code bench.quiet.accept} cores, default 0.3, during the iteration), with how
 * many iterations qualified, and a table of how busy the rest of the machine was.
 *
 * <p>System properties: {@code bench.quick=true} (1 warm-up and 1 measurement iteration of 200 ms);
 * filters {@code bench.engines=stepper,onnx}, {@code bench.H=256}, {@code bench.B=1,64};
 * {@code bench.warmup=3}, {@code bench.measure=5}, {@code bench.time.ms=1000} (per iteration),
 * {@code bench.forks=1}; {@code bench.quiet=0.25} (before each iteration wait until other processes use at
 * most this many cores; 0 = never wait; see {@link StepBenchmark}); {@code bench.out=file.json} (JMH JSON,
 * default bench/target/step-benchmark.json, and {@code file.json.iterations.csv} beside it);
 * {@code bench.json=a.json,b.json} or arguments {@code a.json b.json}: print the tables of existing results, run
 * nothing (each file's iteration log {@code <file>.iterations.csv} is used when present; a cell present in
 * several files is taken from the quietest pass, see {@link #merge}).
 */
public final class BenchTable {
    static final List<String> ENGINES = List.of("stepper", "onnx", "dl4j", "sgemm");

    /** Which statistic a table shows. */
    enum Stat {
        MEAN("means",
                "JMH AverageTime mean per call over all measurement iterations / B (± the 99.9% confidence half-width, also / B)"), MIN(
                        "best iterations", "best (minimum) measurement iteration, time per call / B"), QUIET("quiet iterations",
                                "mean per call over the quiet measurement iterations only / B; (k/n): k of n iterations were quiet");

        final String plural;
        final String caption;

        Stat(String plural, String caption) {
            this.plural = plural;
            this.caption = caption;
        }
    }

    /**
     * One cell, microseconds per call: JMH's mean and error over all measurement iterations, each
     * iteration's mean, and (if logged) the cores other processes used during each iteration.
     */
    record Cell(int h, int b, String engine, double usPerCall, double errPerCall, double[] iterations, double[] others) {
        Cell(int h, int b, String engine, double usPerCall, double errPerCall) {
            this(h, b, engine, usPerCall, errPerCall, new double[]{ usPerCall }, null);
        }

        Cell withOthers(double[] o) {
            return new Cell(h, b, engine, usPerCall, errPerCall, iterations, o);
        }

        double errPerEvent() {
            return errPerCall / b;
        }

        /** Iterations run while other processes used at most {@code accept} cores. */
        int quietCount(double accept) {
            if (others == null || others.length != iterations.length)
                return iterations.length;
            int k = 0;
            for (double o : others)
                if (!(o > accept))
                    k++;
            return k;
        }

        /** Microseconds per event by the statistic; NaN when no iteration qualifies. */
        double perEvent(Stat s, double accept) {
            return switch (s) {
                case MEAN -> usPerCall / b;
                case MIN -> Arrays.stream(iterations).min().orElse(Double.NaN) / b;
                case QUIET -> {
                    if (others == null || others.length != iterations.length)
                        yield usPerCall / b;
                    double sum = 0;
                    int k = 0;
                    for (int i = 0; i < iterations.length; i++) {
                        if (!(others[i] > accept)) {
                            sum += iterations[i];
                            k++;
                        }
                    }
                    yield k == 0 ? Double.NaN : sum / k / b;
                }
            };
        }

        double perEvent(Stat s) {
            return perEvent(s, ACCEPT);
        }
    }

    static final double ACCEPT = Double.parseDouble(System.getProperty("bench.quiet.accept", "0.3"));

    /** The command line: JMH JSON result files to tabulate; none runs the benchmark (settings: the bench.* properties). */
    @Command(name = "BenchTable", mixinStandardHelpOptions = true, description = "Runs StepBenchmark, or reads JMH JSON result "
            + "files, and prints tables of microseconds per event per engine.")
    static final class Args implements java.util.concurrent.Callable<Integer> {
        @Parameters(paramLabel = "RESULT.json", arity = "0..*", description = "JMH JSON result files to merge and tabulate; none: run "
                + "the benchmark (or read the files of -Dbench.json)")
        List<String> files = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            printTables(files);
            return 0;
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Args()).execute(args));
    }

    static void printTables(List<String> given) throws Exception {
        List<String> files = new ArrayList<>(given);
        if (files.isEmpty() && System.getProperty("bench.json") != null)
            files.addAll(Arrays.asList(split(System.getProperty("bench.json"))));
        List<Cell> cells;
        if (!files.isEmpty()) {
            cells = merge(files.stream().map(Path::of).toList());
        } else {
            Path out = Path.of(System.getProperty("bench.out",
                    Files.isDirectory(Path.of("bench/target")) ? "bench/target/step-benchmark.json" : "step-benchmark.json"));
            Path iterLog = Path.of(out + ".iterations.csv");
            cells = run(out, iterLog);
            if (Files.exists(iterLog))
                cells = attachOthers(cells, Files.readAllLines(iterLog), lastWarmup);
        }
        System.out.println();
        String peakProp = System.getProperty("bench.peak");
        if (files.isEmpty() || peakProp != null) {
            // FMA peak of this JVM's species width (the JMH forks inherit this JVM's flags, e.g. -XX:UseAVX=2)
            peakGflops = peakProp != null ? Double.parseDouble(peakProp) : PeakProbe.peakGflops(40);
            System.out.println(peakReport(cells));
        }
        boolean logged = cells.stream().anyMatch(c -> c.others() != null);
        for (Stat s : Stat.values()) {
            if (s == Stat.QUIET && !logged)
                continue;
            System.out.println(title(s) + "\n");
            System.out.println(table(cells, s));
            System.out.println(targets(cells, s));
        }
        if (logged)
            System.out.println(disturbance(cells));
    }

    private static int lastWarmup = 0;

    /** FMA peak of the run, GFLOP/s; NaN when unknown (tables read from files without -Dbench.peak). */
    static double peakGflops = Double.NaN;

    /** Embedding width of the step model (PeerModel). */
    static final int E = 64;

    /**
     * Floating-point operations per event of each engine's matrix work: the stepper's recurrent product
     * [H, 4H] (its input product is a per-token table row) plus the 10-wide head; ONNX Runtime's input and
     * recurrent products plus the head; sgemm's [64 + H, 4H] product; DL4J as ONNX Runtime.
     */
    static double flopsPerEvent(String engine, int h) {
        return switch (engine) {
            case "stepper" -> 8.0 * h * h + 20.0 * h;
            case "sgemm" -> 8.0 * h * (h + E);
            default -> 8.0 * h * (h + E) + 20.0 * h;
        };
    }

    /** Each engine's matrix work per event against the peak, and the stepper's bare product ([B,H] x [H,4H]) at B >= 64. */
    static String peakReport(List<Cell> cells) {
        StringBuilder sb = new StringBuilder();
        io.seqstream.model.ops.Kernels k = io.seqstream.model.ops.Kernels.best();
        sb.append(String.format(Locale.ROOT,
                "### Fraction of the FMA peak%n%nFMA peak at this JVM's species width (register-resident, 12 chains, best of 40): "
                        + "%.1f GFLOP/s; kernels: %s%n%n",
                peakGflops, k.describe()));
        Map<List<Integer>, Map<String, Cell>> rows = new TreeMap<>(rowOrder());
        for (Cell c : cells)
            rows.computeIfAbsent(List.of(c.h(), c.b()), x -> new TreeMap<>()).put(c.engine(), c);
        List<String> engines = engines(cells).stream().filter(e -> cells.stream().anyMatch(c -> c.engine().equals(e))).toList();
        sb.append("| H | B |");
        for (String e : engines)
            sb.append(' ').append(e).append(" GFLOP/s (of peak) |");
        boolean probe = Boolean.parseBoolean(System.getProperty("bench.probe", "true"));
        if (probe)
            sb.append(" stepper's product alone, GFLOP/s (of peak) |");
        sb.append("\n|--:|--:|").append("--:|".repeat(engines.size() + (probe ? 1 : 0))).append('\n');
        for (var row : rows.entrySet()) {
            int h = row.getKey().get(0), b = row.getKey().get(1);
            sb.append("| ").append(h).append(" | ").append(b).append(" |");
            for (String e : engines) {
                Cell c = row.getValue().get(e);
                if (c == null) {
                    sb.append(" - |");
                    continue;
                }
                double gf = flopsPerEvent(e, h) / (c.perEvent(Stat.MEAN) * 1e3);
                sb.append(String.format(Locale.ROOT, " %.1f (%.0f%%) |", gf, 100 * gf / peakGflops));
            }
            if (probe) {
                if (b >= 64) {
                    double gf = PeakProbe.productGflops(k, h, b, 40);
                    sb.append(String.format(Locale.ROOT, " %.1f (%.0f%%) |", gf, 100 * gf / peakGflops));
                } else {
                    sb.append(" - |");
                }
            }
            sb.append('\n');
        }
        sb.append(
                "\nGFLOP/s = the engine's matrix work per event (stepper 8H^2 + 20H: recurrent product and head, the input product being a "
                        + "token-table row; onnx 8H(H+64) + 20H; sgemm 8H(H+64)) / mean time per event. The last column is the stepper's packed product "
                        + "[B,H] x [H,4H] alone (best of 40 runs in this JVM), the target of >= 75% of peak at B >= 64.\n");
        return sb.toString();
    }

    /**
     * Cells of several result files (passes over the same build). A cell measured in several passes is taken
     * from the pass where the rest of the machine was quietest: most quiet iterations, then the lowest mean
     * CPU of other processes, then the later file (also when there is no iteration log).
     */
    static List<Cell> merge(List<Path> files) throws IOException {
        Map<String, Cell> merged = new java.util.LinkedHashMap<>();
        for (Path f : files) {
            for (Cell c : readWithLog(f))
                merged.merge(c.h() + "," + c.b() + "," + c.engine(), c, (old, neu) -> quieter(neu, old) ? neu : old);
        }
        return new ArrayList<>(merged.values());
    }

    /** Whether {@code a} was measured on a quieter machine than {@code b} (ties go to {@code a}). */
    static boolean quieter(Cell a, Cell b) {
        if (a.others() == null || b.others() == null)
            return true;
        int qa = a.quietCount(ACCEPT), qb = b.quietCount(ACCEPT);
        if (qa != qb)
            return qa > qb;
        return Arrays.stream(a.others()).average().orElse(0) <= Arrays.stream(b.others()).average().orElse(0);
    }

    /** A JSON result file's cells, with the iteration log {@code <file>.iterations.csv} joined when it exists. */
    static List<Cell> readWithLog(Path json) throws IOException {
        List<Cell> cells = readJson(json);
        Path log = Path.of(json + ".iterations.csv");
        if (!Files.exists(log))
            return cells;
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        int wi = root.size() == 0 ? 0 : root.get(0).path("warmupIterations").asInt();
        return attachOthers(cells, Files.readAllLines(log), wi);
    }

    static String title(Stat s) {
        return switch (s) {
            case MEAN -> "### Mean of all measurement iterations (JMH AverageTime score)";
            case MIN -> "### Best (minimum) measurement iteration";
            case QUIET -> "### Mean of the quiet measurement iterations (other processes <= " + ACCEPT + " cores)";
        };
    }

    static List<Cell> run(Path out, Path iterLog) throws RunnerException, IOException {
        String omp = System.getenv("OMP_NUM_THREADS");
        if (!"1".equals(omp)) {
            System.err.println(
                    "WARNING: OMP_NUM_THREADS=" + omp + " (not 1): ND4J/OpenBLAS (dl4j, sgemm) will use more threads and be erratic;"
                            + " run as OMP_NUM_THREADS=1 java ...");
        }
        boolean quick = Boolean.getBoolean("bench.quick");
        int warm = Integer.getInteger("bench.warmup", quick ? 1 : 3);
        int meas = Integer.getInteger("bench.measure", quick ? 1 : 5);
        long ms = Long.getLong("bench.time.ms", quick ? 200 : 1000);
        int forks = Integer.getInteger("bench.forks", 1);
        Path shared = SharedDir.resolve();
        double quiet = Double.parseDouble(System.getProperty("bench.quiet", "0.25"));
        Files.deleteIfExists(iterLog);
        lastWarmup = warm;

        List<String> jvm = new ArrayList<>(List.of("--add-modules", "jdk.incubator.vector", "-Xms1g", "-Xmx2g",
                "--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-Dshared.dir=" + shared,
                "-Dbench.quiet=" + quiet, "-Dbench.iterlog=" + iterLog.toAbsolutePath()));
        for (String k : new String[]{ "bench.quiet.window.ms", "bench.quiet.maxwait.ms", "bench.quiet.budget.ms" }) {
            if (System.getProperty(k) != null)
                jvm.add("-D" + k + "=" + System.getProperty(k));
        }
        ChainedOptionsBuilder o = new OptionsBuilder()
                .include(StepBenchmark.class.getName() + ".step")
                .forks(forks)
                .warmupIterations(warm)
                .warmupTime(TimeValue.milliseconds(ms))
                .measurementIterations(meas)
                .measurementTime(TimeValue.milliseconds(ms))
                .timeUnit(TimeUnit.MICROSECONDS)
                .jvmArgsAppend(jvm.toArray(String[]::new))
                .result(out.toString())
                .resultFormat(ResultFormatType.JSON);
        String e = System.getProperty("bench.engines");
        if (e != null)
            o.param("engine", split(e));
        String hs = System.getProperty("bench.H");
        if (hs != null)
            o.param("H", split(hs));
        String bs = System.getProperty("bench.B");
        if (bs != null)
            o.param("B", split(bs));
        System.err.printf(Locale.ROOT,
                "StepBenchmark: %d fork(s), warm-up %dx%d ms, measurement %dx%d ms, quiet gate %.2f cores, shared dir %s,"
                        + " JSON -> %s, iterations -> %s%n",
                forks, warm, ms, meas, ms, quiet, shared, out, iterLog);
        Collection<RunResult> results = new Runner(o.build()).run();
        List<Cell> cells = new ArrayList<>();
        for (RunResult r : results) {
            var p = r.getParams();
            var res = r.getPrimaryResult();
            double f = toMicros(res.getScoreUnit());
            List<Double> it = new ArrayList<>();
            for (BenchmarkResult br : r.getBenchmarkResults()) {
                for (IterationResult ir : br.getIterationResults())
                    it.add(ir.getPrimaryResult().getScore() * f);
            }
            cells.add(new Cell(Integer.parseInt(p.getParam("H")), Integer.parseInt(p.getParam("B")), p.getParam("engine"),
                    res.getScore() * f, finite(res.getScoreError()) * f, it.stream().mapToDouble(Double::doubleValue).toArray(), null));
        }
        return cells;
    }

    private static String[] split(String s) {
        return Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toArray(String[]::new);
    }

    private static double finite(double d) {
        return Double.isFinite(d) ? d : Double.NaN;
    }

    static double toMicros(String unit) {
        return switch (unit) {
            case "us/op" -> 1;
            case "ns/op" -> 1e-3;
            case "ms/op" -> 1e3;
            case "s/op" -> 1e6;
            default -> throw new IllegalArgumentException("unexpected score unit " + unit + " (need AverageTime results)");
        };
    }

    /** Cells from a JMH JSON result file (-rf json) of StepBenchmark. */
    static List<Cell> readJson(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        List<Cell> cells = new ArrayList<>();
        for (JsonNode r : root) {
            if (!r.path("benchmark").asText().startsWith(StepBenchmark.class.getName()))
                continue;
            if (!"avgt".equals(r.path("mode").asText()))
                continue;
            JsonNode p = r.path("params");
            JsonNode m = r.path("primaryMetric");
            double f = toMicros(m.path("scoreUnit").asText());
            JsonNode err = m.path("scoreError");
            double e = err.isNumber() ? err.asDouble() : Double.NaN; // "NaN" as a string with one iteration
            double mean = m.path("score").asDouble();
            List<Double> it = new ArrayList<>();
            for (JsonNode fork : m.path("rawData"))
                for (JsonNode v : fork)
                    it.add(v.asDouble() * f);
            if (it.isEmpty())
                it.add(mean * f);
            cells.add(new Cell(p.path("H").asInt(), p.path("B").asInt(), p.path("engine").asText(), mean * f, e * f,
                    it.stream().mapToDouble(Double::doubleValue).toArray(), null));
        }
        return cells;
    }

    /**
     * Joins the per-iteration log ({@code H,B,engine,iteration,others_cores,waited_ms}; iteration numbers
     * count warm-up iterations first, per fork) to the cells' measurement iterations, in order.
     */
    static List<Cell> attachOthers(List<Cell> cells, List<String> lines, int warmupIterations) {
        Map<String, List<Double>> byCell = new HashMap<>();
        for (String l : lines) {
            String[] f = l.split(",");
            if (f.length < 6)
                continue;
            if (Integer.parseInt(f[3]) <= warmupIterations)
                continue;
            byCell.computeIfAbsent(f[0] + "," + f[1] + "," + f[2], k -> new ArrayList<>()).add(Double.parseDouble(f[4]));
        }
        List<Cell> out = new ArrayList<>();
        for (Cell c : cells) {
            List<Double> o = byCell.get(c.h() + "," + c.b() + "," + c.engine());
            if (o != null && o.size() == c.iterations().length)
                out.add(c.withOthers(o.stream().mapToDouble(Double::doubleValue).toArray()));
            else
                out.add(c);
        }
        return out;
    }

    private static Comparator<List<Integer>> rowOrder() {
        return (a, b) -> a.get(0).equals(b.get(0)) ? Integer.compare(a.get(1), b.get(1)) : Integer.compare(a.get(0), b.get(0));
    }

    private static List<String> engines(List<Cell> cells) {
        List<String> engines = new ArrayList<>(ENGINES);
        for (Cell c : cells)
            if (!engines.contains(c.engine()))
                engines.add(c.engine());
        return engines;
    }

    static String table(List<Cell> cells) {
        return table(cells, Stat.MEAN);
    }

    static String table(List<Cell> cells, Stat stat) {
        Map<List<Integer>, Map<String, Cell>> rows = new TreeMap<>(rowOrder());
        for (Cell c : cells)
            rows.computeIfAbsent(List.of(c.h(), c.b()), k -> new TreeMap<>()).put(c.engine(), c);
        List<String> engines = engines(cells);
        StringBuilder sb = new StringBuilder();
        sb.append("| H | B |");
        for (String e : engines)
            sb.append(' ').append(e).append(" us/event |");
        sb.append(" stepper/onnx | dl4j/stepper | stepper/sgemm |\n|--:|--:|");
        for (int i = 0; i < engines.size() + 3; i++)
            sb.append("--:|");
        sb.append('\n');
        for (var row : rows.entrySet()) {
            Map<String, Cell> m = row.getValue();
            sb.append("| ").append(row.getKey().get(0)).append(" | ").append(row.getKey().get(1)).append(" |");
            for (String e : engines) {
                Cell c = m.get(e);
                String v;
                if (c == null)
                    v = "-";
                else if (stat == Stat.MEAN)
                    v = fmt(c.perEvent(stat)) + (Double.isNaN(c.errPerEvent()) ? "" : " ± " + fmt(c.errPerEvent()));
                else if (stat == Stat.QUIET && c.others() != null)
                    v = fmt(c.perEvent(stat)) + " (" + c.quietCount(ACCEPT) + "/" + c.iterations().length + ")";
                else
                    v = fmt(c.perEvent(stat));
                sb.append(' ').append(v).append(" |");
            }
            sb.append(' ').append(ratio(m.get("stepper"), m.get("onnx"), stat)).append(" |");
            sb.append(' ').append(ratio(m.get("dl4j"), m.get("stepper"), stat)).append(" |");
            sb.append(' ').append(ratio(m.get("stepper"), m.get("sgemm"), stat)).append(" |\n");
        }
        sb.append("\nMicroseconds per event = ").append(stat.caption).append("; ratios of the ").append(stat.plural).append(".\n");
        return sb.toString();
    }

    private static String ratio(Cell a, Cell b, Stat stat) {
        if (a == null || b == null)
            return "-";
        double r = a.perEvent(stat) / b.perEvent(stat);
        if (Double.isNaN(r))
            return "-";
        return String.format(Locale.ROOT, r >= 10 ? "%.0fx" : "%.2fx", r);
    }

    static String fmt(double us) {
        if (Double.isNaN(us))
            return "n/a";
        if (us >= 100)
            return String.format(Locale.ROOT, "%.0f", us);
        if (us >= 10)
            return String.format(Locale.ROOT, "%.1f", us);
        return String.format(Locale.ROOT, "%.2f", us);
    }

    private static Cell find(List<Cell> cells, int h, int b, String engine) {
        for (Cell c : cells)
            if (c.h() == h && c.b() == b && c.engine().equals(engine))
                return c;
        return null;
    }

    static String targets(List<Cell> cells) {
        return targets(cells, Stat.MEAN);
    }

    /** The issue 2 and issue 8 targets (lines only for cells that were measured). */
    static String targets(List<Cell> cells, Stat stat) {
        StringBuilder sb = new StringBuilder("Targets (on " + stat.plural + "):\n");
        Cell s = find(cells, 256, 64, "stepper"), g = find(cells, 256, 64, "sgemm"), d = find(cells, 256, 64, "dl4j");
        if (s != null && g != null) {
            double r = s.perEvent(stat) / g.perEvent(stat);
            sb.append(line(r <= 2, r, String.format(Locale.ROOT, "issue 2: H=256 B=64 stepper within 2x of sgemm: %.2fx", r)));
        }
        if (s != null && d != null) {
            double r = d.perEvent(stat) / s.perEvent(stat);
            sb.append(line(r >= 3, r, String.format(Locale.ROOT, "issue 2: H=256 B=64 stepper >= 3x faster than dl4j: %.1fx", r)));
        }
        Cell s1 = find(cells, 128, 1, "stepper"), d1 = find(cells, 128, 1, "dl4j");
        if (s1 != null && d1 != null) {
            double r = d1.perEvent(stat) / s1.perEvent(stat);
            sb.append(line(r >= 20, r, String.format(Locale.ROOT, "issue 2: H=128 B=1 stepper >= 20x faster than dl4j: %.1fx", r)));
        }
        int faster = 0, total = 0;
        List<String> slower = new ArrayList<>(), unknown = new ArrayList<>();
        for (Cell c : cells) {
            if (!c.engine().equals("stepper"))
                continue;
            Cell o = find(cells, c.h(), c.b(), "onnx");
            if (o == null)
                continue;
            double a = c.perEvent(stat), b = o.perEvent(stat);
            if (Double.isNaN(a) || Double.isNaN(b)) {
                unknown.add("H=" + c.h() + " B=" + c.b());
                continue;
            }
            total++;
            if (a < b)
                faster++;
            else
                slower.add("H=" + c.h() + " B=" + c.b());
        }
        if (total + unknown.size() > 0) {
            sb.append(line(faster == total && unknown.isEmpty(), total == 0 ? Double.NaN : 0,
                    "issue 8: stepper faster than onnx in " + faster + "/" + total + " cells"
                            + (slower.isEmpty() ? "" : " (not in " + String.join(", ", slower) + ")")
                            + (unknown.isEmpty() ? "" : "; no data for " + String.join(", ", unknown))));
        }
        if (s != null) {
            double v = s.perEvent(stat);
            sb.append(line(v <= 8, v, String.format(Locale.ROOT, "issue 8: H=256 B=64 stepper <= 8 us/event: %s", fmt(v))));
        }
        return sb.toString();
    }

    private static String line(boolean ok, double value, String text) {
        return "- " + (Double.isNaN(value) ? "NO DATA" : ok ? "MET   " : "MISSED") + " " + text + "\n";
    }

    /** Per cell, the mean and max cores other processes used during the measurement iterations. */
    static String disturbance(List<Cell> cells) {
        Map<List<Integer>, Map<String, Cell>> rows = new TreeMap<>(rowOrder());
        for (Cell c : cells)
            rows.computeIfAbsent(List.of(c.h(), c.b()), k -> new TreeMap<>()).put(c.engine(), c);
        List<String> engines = engines(cells);
        StringBuilder sb = new StringBuilder(
                "Other processes' CPU during the measurement iterations, in cores (mean / max over iterations):\n\n| H | B |");
        for (String e : engines)
            sb.append(' ').append(e).append(" |");
        sb.append("\n|--:|--:|");
        for (int i = 0; i < engines.size(); i++)
            sb.append("--:|");
        sb.append('\n');
        for (var row : rows.entrySet()) {
            sb.append("| ").append(row.getKey().get(0)).append(" | ").append(row.getKey().get(1)).append(" |");
            for (String e : engines) {
                Cell c = row.getValue().get(e);
                String v = "-";
                if (c != null && c.others() != null) {
                    double[] o = c.others();
                    v = String.format(Locale.ROOT, "%.2f / %.2f", Arrays.stream(o).average().orElse(Double.NaN),
                            Arrays.stream(o).max().orElse(Double.NaN));
                }
                sb.append(' ').append(v).append(" |");
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
