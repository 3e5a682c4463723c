package io.seqstream.apps.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.apps.bench.ScaleBenchmark.Cell;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scale benchmark's table: ratios to the 10k-key heap cell, the live bytes per key over the smallest cell, job-only cells. */
class ScaleBenchmarkTableTest {
    static Cell cell(int keys, String backend, double jobOnly, double liveBytesPerKey) {
        return new Cell(keys, backend, 2L * keys, jobOnly, 30, jobOnly, 10, 40, 1100, liveBytesPerKey, "heap", 100, 50, 1_000_000, 1000,
                2000);
    }

    @Test
    void theFixedPartOfTheLiveBytesCancelsOverTheSmallestCellOfTheSameBackend() {
        // 30 MB whatever the key count, plus 1,300 B per key
        double fixed = 30e6;
        Cell small = cell(10_000, "hashmap", 80_000, (fixed + 1300.0 * 10_000) / 10_000);
        Cell large = cell(1_000_000, "hashmap", 60_000, (fixed + 1300.0 * 1_000_000) / 1_000_000);
        Cell rocks = cell(1_000_000, "rocksdb", 40_000, 1400);
        List<Cell> cells = List.of(small, rocks, large);

        assertThat(large.liveBytesPerKey()).isEqualTo(1330);
        assertThat(ScaleBenchmark.marginal(large, cells)).isEqualTo("1300");
        assertThat(ScaleBenchmark.marginal(small, cells)).isEqualTo("-");
        assertThat(ScaleBenchmark.marginal(rocks, cells)).as("no smaller RocksDB cell").isEqualTo("-");
        String table = ScaleBenchmark.table(cells);
        assertThat(table)
                .contains("| 1,000,000 | hashmap | 2,000,000 | 60,000 | 75% | 60,000 | 30.0 | 10 / 40 ms | 1100 | 1330 (heap) | 1300 |");
        assertThat(table).contains("| 1,000,000 | rocksdb | 2,000,000 | 40,000 | 50% |");
    }

    @Test
    void aJobOnlyCellShowsOnlyWhatItMeasured() {
        List<Cell> cells = List.of(cell(10_000, "hashmap", 80_000, 4000), Cell.jobOnlyOf(1_000_000, "rocksdb", 2_000_000, 44_000, 41.5));
        assertThat(ScaleBenchmark.table(cells))
                .contains("| 1,000,000 | rocksdb | 2,000,000 | 44,000 | 55% | - | 41.5 | - | - | - | - | - | - | - |");
    }

    @Test
    void theRoundsMedianIsTakenPerColumn() {
        List<double[]> rounds = List.of(new double[]{ 30_000, 50 }, new double[]{ 26_000, 60 }, new double[]{ 33_000, 45 });
        assertThat(ScaleBenchmark.median(rounds, 0)).isEqualTo(30_000);
        assertThat(ScaleBenchmark.median(rounds, 1)).isEqualTo(50);
        assertThat(ScaleBenchmark.median(List.of(new double[]{ 1, 2 }, new double[]{ 3, 4 }), 0))
                .as("even count: the mean of the middle two")
                .isEqualTo(2);
    }
}
