package io.seqstream.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingReportTest {
    @Test
    void writesASelfContainedPageWithBothCharts(@TempDir Path tmp) throws Exception {
        TrainingReport r = new TrainingReport("retraining <demo>");
        r.addEpoch(1, 1, 2.3);
        r.addEpoch(1, 2, 1.7);
        r.addRound(new TrainingReport.Round(1, Instant.EPOCH, 1, 2, 0.21, 0.55, true, "beat by 0.34"));
        r.addRound(new TrainingReport.Round(2, Instant.EPOCH, 2, 3, 0.55, 0.54, false, "below margin"));
        Path f = tmp.resolve("report.html");
        r.write(f);
        String html = Files.readString(f);
        assertThat(html).startsWith("<!doctype html>").contains("retraining &lt;demo&gt;");
        assertThat(html).contains("<svg").contains("Loss per epoch").contains("Holdout accuracy per round");
        assertThat(html.split("<path ", -1)).hasSize(4); // one loss line, two accuracy lines
        assertThat(html).contains("<td>0.5500</td>").contains("below margin").doesNotContain("<script");
        // One loss line per round (named with its candidate), both accuracy series, versions at the points, the swap
        // to v2 marked, readable times.
        assertThat(html).contains("data-series=\"round 1 -&gt; v2\"").contains("data-series=\"serving model\"")
                .contains("data-series=\"candidate\"").contains(">v3</text>").contains("class=\"swap\" data-version=\"2\"")
                .doesNotContain("data-version=\"3\"").contains("1970-01-01 00:00:00 UTC");
    }
}
