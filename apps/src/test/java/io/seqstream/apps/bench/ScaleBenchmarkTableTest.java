package io.seqstream.apps.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.apps.bench.ScaleBenchmark.Cell;
import io.seqstream.apps.bench.ScaleBenchmark.JobOnlyRun;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scale benchmark's table: ratios to the 10k-key heap cell, the live bytes per key over the smallest cell, job-only cells. */
class ScaleBenchmarkTableTest {
    static Cell cell(int keys, String backend, double jobOnly, double liveBytesPerKey) {
        return new Cell(keys, backend, 2L * keys, jobOnly, 30, jobOnly, 10, 40, 1100, liveBytesPerKey, "heap", 100, 50, 1_000_000, 1000,
                2000, ThreadProfile.NONE);
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
        List<Cell> cells = List.of(cell(10_000, "hashmap", 80_000, 4000),
                Cell.jobOnlyOf(1_000_000, "rocksdb", 2_000_000, 44_000, 41.5, ThreadProfile.NONE));
        assertThat(ScaleBenchmark.table(cells))
                .contains("| 1,000,000 | rocksdb | 2,000,000 | 44,000 | 55% | - | 41.5 | - | - | - | - | - | - | - |");
    }

    @Test
    void theRoundsMedianIsTakenPerFigureAndTheThreadsAreTheMedianRoundsOwn() {
        ThreadProfile slow = profile(30);
        ThreadProfile mid = profile(20);
        ThreadProfile fast = profile(10);
        List<JobOnlyRun> rounds = List.of(new JobOnlyRun(30_000, 50, mid), new JobOnlyRun(26_000, 60, slow),
                new JobOnlyRun(33_000, 45, fast));
        assertThat(ScaleBenchmark.median(rounds, JobOnlyRun::rate)).isEqualTo(30_000);
        assertThat(ScaleBenchmark.median(rounds, JobOnlyRun::cpuMicros)).isEqualTo(50);
        assertThat(ScaleBenchmark.medianRound(rounds).threads()).isSameAs(mid);
        List<JobOnlyRun> even = List.of(new JobOnlyRun(1, 2, slow), new JobOnlyRun(3, 4, fast));
        assertThat(ScaleBenchmark.median(even, JobOnlyRun::rate)).as("even count: the mean of the middle two").isEqualTo(2);
        assertThat(ScaleBenchmark.medianRound(even).threads()).as("even count: the slower of the middle two").isSameAs(slow);
    }

    @Test
    void theThreadTableGivesEachRoleAndTheRateWithACorePerJobThread() {
        // 10k heap: the step thread is the busiest (5 us); 1M RocksDB: the task thread (12.5 us) plus 0.5 us of pauses
        ThreadProfile heap = ThreadProfile.of(Map.of("seqstream-step-#1", 5_000_000_000L, "step model 'ben#2", 2_000_000_000L), 1_000_000,
                0);
        ThreadProfile rocks = ThreadProfile.of(
                Map.of("seqstream-step-#1", 10_000_000_000L, "step model 'ben#2", 25_000_000_000L, "rocksdb:low#3", 4_000_000_000L),
                2_000_000, 1_000_000_000L);
        List<Cell> cells = List.of(Cell.jobOnlyOf(10_000, "hashmap", 1_000_000, 150_000, 12, heap),
                Cell.jobOnlyOf(1_000_000, "rocksdb", 2_000_000, 50_000, 30, rocks));
        String table = ScaleBenchmark.threadTable(cells);
        assertThat(table).contains("| task thread | step thread | source | sink |");
        assertThat(table).contains("| 10,000 | hashmap | 2.0 | 5.0 | 0.0 | 0.0 |");
        assertThat(table).contains("| step thread (seqstream-step-): 5.0 | 200,000 | 100% |");
        assertThat(table).contains("| 1,000,000 | rocksdb | 12.5 | 5.0 | 0.0 | 0.0 | 0.0 | 0.0 | 2.0 |");
        assertThat(table).contains("| 0.5 | task thread (step model 'ben): 12.5 | 76,923 | 38% |");
        assertThat(ScaleBenchmark.threadTable(List.of(Cell.jobOnlyOf(10_000, "hashmap", 1, 1, 1, ThreadProfile.NONE))))
                .contains("no CPU time per thread");
    }

    private static ThreadProfile profile(double stepMicros) {
        return ThreadProfile.of(Map.of("seqstream-step-#1", (long) (stepMicros * 1000)), 1, 0);
    }
}
