package io.seqstream.apps.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlatnessTest {
    /** Readings every 10 s for {@code minutes}; the heap rises linearly by {@code heapGrowth} MiB over the run. */
    private static List<SoakSample> run(double minutes, long heapGrowth, long p99First, long p99Last) {
        List<SoakSample> s = new ArrayList<>();
        s.add(new SoakSample(0, 0, 0, 40, 300, 90, -1, -1, -1)); // before any load: not compared
        int n = (int) (minutes * 6);
        for (int i = 1; i <= n; i++) {
            double m = i / 6.0;
            s.add(new SoakSample(m, i * 1000L, i * 1000L, 200 + heapGrowth * i / n, 900, 120, 5000, 300,
                    m < minutes / 2 ? p99First : p99Last));
        }
        return s;
    }

    private static Flatness.Row row(List<Flatness.Row> rows, String prefix) {
        return rows.stream().filter(r -> r.measure().startsWith(prefix)).findFirst().orElseThrow();
    }

    @Test
    void aSteadyRunIsFlatEverywhere() {
        List<Flatness.Row> rows = Flatness.compare(run(30, 0, 40, 41), 5);
        assertThat(rows).hasSize(6).allMatch(Flatness.Row::flat);
        assertThat(row(rows, "heap").first()).isEqualTo(200);
    }

    @Test
    void aHeapThatKeepsGrowingIsCaught() {
        List<Flatness.Row> rows = Flatness.compare(run(30, 100, 40, 40), 5);
        Flatness.Row heap = row(rows, "heap");
        assertThat(heap.flat()).isFalse();
        assertThat(heap.last()).isGreaterThan(heap.first() + 70);
        assertThat(Flatness.table(rows)).contains("| heap after GC (MiB) |").contains("GREW");
        assertThat(row(rows, "RSS").flat()).isTrue();
    }

    @Test
    void latencyMayMoveByItsFloorButNotBeyond() {
        assertThat(row(Flatness.compare(run(30, 0, 40, 49), 5), "p99").flat()).isTrue(); // +9 ms: under the 10 ms floor
        assertThat(row(Flatness.compare(run(30, 0, 40, 60), 5), "p99").flat()).isFalse(); // +50 %
        assertThat(row(Flatness.compare(run(30, 0, 400, 430), 5), "p99").flat()).isTrue(); // +7.5 %
        assertThat(row(Flatness.compare(run(30, 0, 400, 20), 5), "p99").flat()).isTrue(); // fell
    }

    @Test
    void aMeasureThatAlternatesBetweenTwoValuesIsFlat() {
        List<SoakSample> s = new ArrayList<>();
        s.add(new SoakSample(0, 0, 0, 40, 300, 90, -1, -1, -1));
        for (int i = 1; i <= 180; i++) {
            // 31 readings per window: the first window has one more high value, the last one more low value, so
            // their medians are 1718 and 1388; their means are within 1 %
            s.add(new SoakSample(i / 6.0, i, i, 200, 900, 120, i % 2 == 0 ? 1388 : 1718, 30, 40));
        }
        Flatness.Row cp = row(Flatness.compare(s, 5), "checkpoint size");
        assertThat(cp.flat()).as(cp.line()).isTrue();
        assertThat(cp.first()).isBetween(1550L, 1565L);
        assertThat(cp.last()).isBetween(1540L, 1555L);
    }

    @Test
    void readingsRoundTripThroughTheTable() {
        SoakSample a = new SoakSample(12.5, 1000, 998, 210, 1100, 217, 1722, 18, 2012);
        assertThat(SoakSample.parse(a.row())).contains(a);
        assertThat(SoakSample.parse("| measure | 1 | 2 | +1 % | flat |")).isEmpty();
        assertThat(SoakSample.parse(SoakSample.HEADER.lines().findFirst().orElseThrow())).isEmpty();
    }

    @Test
    void aShortRunComparesItsFifthsAndTooFewReadingsAreRefused() {
        List<SoakSample> s = run(2, 0, 40, 40);
        assertThat(Flatness.compare(s, 5)).allMatch(Flatness.Row::flat);
        assertThatThrownBy(() -> Flatness.compare(s.subList(0, 2), 5)).hasMessageContaining("at least 3 readings");
    }
}
