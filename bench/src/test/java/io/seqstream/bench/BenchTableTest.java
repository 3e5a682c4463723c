package io.seqstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchTableTest {
    @TempDir
    Path tmp;

    /** A JMH JSON result with two measurement iterations: score*0.5 and score*1.5 (mean = score). */
    static String result(int h, int b, String engine, double score, String error) {
        return "{\"benchmark\":\"io.seqstream.bench.StepBenchmark.step\",\"mode\":\"avgt\",\"warmupIterations\":2,\"params\":{\"H\":\"" + h
                + "\",\"B\":\"" + b + "\",\"engine\":\"" + engine + "\"},\"primaryMetric\":{\"score\":" + score + ",\"scoreError\":" + error
                + ",\"rawData\":[[" + (score * 0.5) + "," + (score * 1.5) + "]],\"scoreUnit\":\"us/op\"}}";
    }

    List<BenchTable.Cell> cells() throws IOException {
        Path json = tmp.resolve("r.json");
        Files.writeString(json, "[" + String.join(",", List.of(
                result(256, 64, "stepper", 320, "6.4"),
                result(256, 64, "onnx", 640, "\"NaN\""),
                result(256, 64, "dl4j", 6400, "64"),
                result(256, 64, "sgemm", 200, "2"),
                result(128, 1, "stepper", 10, "0.1"),
                result(128, 1, "dl4j", 700, "7"))) + "]");
        return BenchTable.readJson(json);
    }

    @Test
    void perEventTableAndTargetsFromJmhJson() throws IOException {
        var cells = cells();
        assertThat(cells).hasSize(6);
        String t = BenchTable.table(cells);
        assertThat(t).contains("| 128 | 1 | 10.0 ± 0.10 | - | 700 ± 7.00 | - | - | 70x | - |");
        assertThat(t).contains("| 256 | 64 | 5.00 ± 0.10 | 10.0 | 100 ± 1.00 | 3.13 ± 0.03 | 0.50x | 20x | 1.60x |");
        assertThat(t.indexOf("| 128 |")).isLessThan(t.indexOf("| 256 |"));
        String g = BenchTable.targets(cells);
        assertThat(g).contains("MET    issue 2: H=256 B=64 stepper within 2x of sgemm: 1.60x")
                .contains("MET    issue 2: H=256 B=64 stepper >= 3x faster than dl4j: 20.0x")
                .contains("MET    issue 2: H=128 B=1 stepper >= 20x faster than dl4j: 70.0x")
                .contains("MET    issue 8: stepper faster than onnx in 1/1 cells")
                .contains("MET    issue 8: H=256 B=64 stepper <= 8 us/event: 5.00");
        String best = BenchTable.table(cells, BenchTable.Stat.MIN);
        assertThat(best).contains("| 256 | 64 | 2.50 | 5.00 | 50.0 | 1.56 | 0.50x | 20x | 1.60x |")
                .contains("best (minimum) measurement iteration");
        assertThat(BenchTable.targets(cells, BenchTable.Stat.MIN)).startsWith("Targets (on best iterations)")
                .contains("H=256 B=64 stepper <= 8 us/event: 2.50");
    }

    @Test
    void quietIterationsFromTheIterationLog() throws IOException {
        // warm-up iterations 1-2 are skipped; for stepper only the first measurement iteration was quiet
        List<String> log = List.of(
                "256,64,stepper,1,1.50,0", "256,64,stepper,2,1.50,0", "256,64,stepper,3,0.10,300", "256,64,stepper,4,1.20,4000",
                "256,64,onnx,1,0.0,0", "256,64,onnx,2,0.0,0", "256,64,onnx,3,0.90,0", "256,64,onnx,4,0.95,0",
                "256,64,sgemm,3,0.0,0", "256,64,sgemm,4,0.0,0");
        var cells = BenchTable.attachOthers(cells(), log, 2);
        String q = BenchTable.table(cells, BenchTable.Stat.QUIET);
        // stepper: quiet iteration 160 us/call -> 2.50; onnx: none quiet -> n/a; dl4j: no log -> its mean
        assertThat(q).contains("| 256 | 64 | 2.50 (1/2) | n/a (0/2) | 100 | 3.13 (2/2) | - | 40x | 0.80x |");
        assertThat(BenchTable.targets(cells, BenchTable.Stat.QUIET))
                .contains("NO DATA issue 8: stepper faster than onnx in 0/0 cells; no data for H=256 B=64");
        assertThat(BenchTable.disturbance(cells)).contains("| 256 | 64 | 0.65 / 1.20 | 0.93 / 0.95 | - | 0.00 / 0.00 |");
    }

    @Test
    void mergedResultFilesKeepTheQuietestPass() throws IOException {
        Path a = tmp.resolve("a.json"), b = tmp.resolve("b.json");
        Files.writeString(a, "[" + result(128, 1, "stepper", 10, "1") + "," + result(128, 1, "onnx", 40, "1") + "]");
        Files.writeString(b, "[" + result(128, 1, "stepper", 8, "1") + "]");
        Files.writeString(Path.of(b + ".iterations.csv"),
                "128,1,stepper,1,0.9,0\n128,1,stepper,2,0.9,0\n128,1,stepper,3,0.0,0\n128,1,stepper,4,0.5,0\n");
        var cells = BenchTable.merge(List.of(a, b));
        assertThat(cells).hasSize(2);
        String q = BenchTable.table(cells, BenchTable.Stat.QUIET);
        assertThat(q).contains("| 128 | 1 | 4.00 (1/2) | 40.0 | - | - | 0.10x | - | - |");
        assertThat(BenchTable.table(cells)).contains("| 128 | 1 | 8.00 ± 1.00 | 40.0 ± 1.00 |");
        // a third pass, noisier for stepper (0 quiet iterations): the second pass's stepper stays
        Path c = tmp.resolve("c.json");
        Files.writeString(c, "[" + result(128, 1, "stepper", 100, "1") + "]");
        Files.writeString(Path.of(c + ".iterations.csv"),
                "128,1,stepper,1,0.0,0\n128,1,stepper,2,0.0,0\n128,1,stepper,3,1.0,0\n128,1,stepper,4,1.0,0\n");
        assertThat(BenchTable.table(BenchTable.merge(List.of(a, b, c)))).contains("| 128 | 1 | 8.00 ± 1.00 |");
        assertThat(BenchTable.table(BenchTable.merge(List.of(a, c, b)))).contains("| 128 | 1 | 8.00 ± 1.00 |");
    }
}
