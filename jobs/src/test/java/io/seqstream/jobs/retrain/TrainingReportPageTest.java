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

/** The training report in headless Chromium: it loads without errors and shows a loss line per round and both accuracies. */
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
        Path page = dir.resolve("report.html");
        TrainingReports.write(report, page.toUri().toString());

        HeadlessChromium.Rendered r = HeadlessChromium.render(page, dir.resolve("chromium"));
        assertThat(r.console()).as("console messages (script errors)").isEmpty();
        List<String> series = new ArrayList<>();
        Matcher m = Pattern.compile("class=\"series\" data-series=\"([^\"]+)\"").matcher(r.dom());
        while (m.find()) {
            series.add(m.group(1).replace("&gt;", ">").replace("&lt;", "<").replace("&amp;", "&")); // serializers differ in escaping
        }
        assertThat(series).containsExactly("round 1 -> v2", "round 2 -> v3", "round 3 -> v3", "serving model", "candidate");
        assertThat(r.dom()).contains("data-version=\"2\"").contains("data-version=\"3\"").contains("2026-12-03 10:05:00 UTC")
                .contains("<td>v2</td>");
    }
}
