package io.seqstream.jobs.retrain;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.model.train.TrainingReport;
import io.seqstream.testkit.HeadlessChromium;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training report in headless Chromium: it loads without errors and shows a loss line per round, both holdout
 * accuracies, and the online accuracy per window with a marker where another version started serving.
 */
class TrainingReportPageTest {
    @TempDir
    Path dir;

    @Test
    void showsLossPerRoundAccuraciesWithVersionsAndSwaps() throws Exception {
        TrainingReport report = new TrainingReport("seqstream retraining");
        for (int round = 1; round <= 3; round++) {
            for (int e = 1; e <= 3; e++) {
                report.addEpoch(round, e, 2.0 / (round + e));
            }
        }
        report.addRound(new TrainingReport.Round(1, Instant.parse("2026-12-03T10:00:00Z"), 1, 2, 0.31, 0.45, true, "published as v2"));
        report.addRound(new TrainingReport.Round(2, Instant.parse("2026-12-03T10:05:00Z"), 2, 3, 0.44, 0.445, false, "below margin"));
        report.addRound(new TrainingReport.Round(3, Instant.parse("2026-12-03T10:10:00Z"), 2, 3, 0.40, 0.52, true, "published as v3"));
        Instant t0 = Instant.parse("2026-12-03T10:00:00Z");
        long[][] windows = { { 31, 100 }, { 35, 100 }, { 44, 100 }, { 45, 100 }, { 52, 100 }, { 51, 100 } };
        for (int w = 0; w < windows.length; w++) {
            List<Long> versions = w < 2 ? List.of(1L) : w == 2 ? List.of(1L, 2L) : w < 5 ? List.of(2L) : List.of(2L, 3L);
            report.putWindow(new TrainingReport.OnlineWindow(t0.plusSeconds(300L * w), t0.plusSeconds(300L * (w + 1)), windows[w][0],
                    windows[w][1], versions));
        }
        Path page = dir.resolve("report.html");
        TrainingReports.write(report, page.toUri().toString());

        HeadlessChromium.Rendered r = HeadlessChromium.render(page, dir.resolve("chromium"));
        assertThat(r.console()).as("console messages (script errors)").isEmpty();
        List<String> series = new ArrayList<>();
        Matcher m = Pattern.compile("class=\"series\" data-series=\"([^\"]+)\"").matcher(r.dom());
        while (m.find()) {
            series.add(m.group(1).replace("&gt;", ">").replace("&lt;", "<").replace("&amp;", "&")); // serializers differ in escaping
        }
        assertThat(series).containsExactly("round 1 -> v2", "round 2 -> v3", "round 3 -> v3", "serving model", "candidate",
                "online accuracy");
        assertThat(r.dom()).contains("data-version=\"2\"").contains("data-version=\"3\"").contains("2026-12-03 10:05:00 UTC")
                .contains("<td>v2</td>");
        // The online chart: one point per window, markers at the windows where v2 and v3 started, readable times.
        String online = r.dom().substring(r.dom().indexOf("Online accuracy per window"));
        online = online.substring(0, online.indexOf("</svg>"));
        Matcher g = Pattern.compile("data-series=\"online accuracy\">(.*?)</g>", Pattern.DOTALL).matcher(online);
        assertThat(g.find()).isTrue();
        assertThat(Pattern.compile("<circle").matcher(g.group(1)).results().count()).isEqualTo(windows.length);
        List<String> markers = new ArrayList<>();
        Matcher sw = Pattern.compile("class=\"swap\" data-version=\"(\\d+)\"").matcher(online);
        while (sw.find()) {
            markers.add(sw.group(1));
        }
        assertThat(markers).containsExactly("2", "3");
        List<String> ticks = new ArrayList<>();
        Matcher tk = Pattern.compile("class=\"tick\"[^>]*>([^<]+)<").matcher(online);
        while (tk.find()) {
            ticks.add(tk.group(1));
        }
        assertThat(ticks).hasSize(5).first().isEqualTo("10:05:00");
        assertThat(ticks).last().isEqualTo("10:30:00");
        assertThat(online).contains("window end (UTC)").doesNotContain("E12").doesNotContain("T10:");
        assertThat(r.dom()).contains("<td>2026-12-03 10:30:00 UTC</td><td>100</td><td>51</td><td>0.5100</td><td>v2, v3</td>")
                .contains("online accuracy 0.5100 in the window ending 2026-12-03 10:30:00 UTC");
    }
}
