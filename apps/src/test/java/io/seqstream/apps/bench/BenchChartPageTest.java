package io.seqstream.apps.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.testkit.HeadlessChromium;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The latency-vs-load chart page in headless Chromium: its script runs without errors and draws every series. */
class BenchChartPageTest {
    @TempDir
    Path dir;

    @Test
    void drawsLatencyPerQuantileAndThroughputPerModeWithoutScriptErrors() throws Exception {
        List<LatencyVsLoad.Point> pts = List.of(new LatencyVsLoad.Point(0.1, 1000, 10_000, 4, 9, 15),
                new LatencyVsLoad.Point(0.5, 5000, 50_000, 6, 14, 30), new LatencyVsLoad.Point(0.9, 9000, 90_000, 20, 180, 900));
        List<LatencyVsLoad.ModeResult> results = List.of(
                new LatencyVsLoad.ModeResult(new LatencyVsLoad.Mode("at-least-once", "1s"), 12_000, 10_000, true, pts),
                new LatencyVsLoad.ModeResult(new LatencyVsLoad.Mode("exactly-once", "200ms"), 9_000, 8_000, true, pts),
                new LatencyVsLoad.ModeResult(new LatencyVsLoad.Mode("exactly-once", "10s"), 11_000, 9_500, true, pts));
        Path page = dir.resolve("latency-vs-load.html");
        Files.writeString(page, BenchChartPage.html("latency <vs> load", "test data", results));

        HeadlessChromium.Rendered r = HeadlessChromium.render(page, dir.resolve("chromium"));
        assertThat(r.console()).as("console messages (script errors)").isEmpty();
        List<String> series = new java.util.ArrayList<>();
        Matcher m = Pattern.compile("class=\"series\" data-series=\"([^\"]+)\"").matcher(r.dom());
        while (m.find()) {
            series.add(m.group(1).replace("&gt;", ">").replace("&lt;", "<").replace("&amp;", "&")); // serializers differ in escaping
        }
        assertThat(series).hasSize(3 * 3 + 3).contains("at-least-once (checkpoints 1s) p99", "exactly-once, checkpoints 200ms p999",
                "exactly-once, checkpoints 10s p50", "exactly-once, checkpoints 10s throughput");
        assertThat(r.dom()).contains("<polyline").contains("10,000 /s").contains("latency &lt;vs&gt; load");
    }
}
