package io.seqstream.apps.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.testkit.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The latency benchmark on a broker it did not start: it runs there, says so, and leaves no topic behind. */
class LatencyVsLoadExternalBrokerTest {

    static double number(String cell) {
        return Double.parseDouble(cell.replace(",", "").trim());
    }

    @Test
    void runsOnTheNamedBrokerAndDeletesItsTopics(@TempDir Path tmp) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(tmp.resolve("broker"))) {
            kafka.createTopic("someone-elses", 1, Map.of());
            Path out = tmp.resolve("out");

            int code = LatencyVsLoadOptions.commandLine(new LatencyVsLoadOptions()).execute("--latency-vs-load",
                    "--modes", "at-least-once", "--at-least-once-intervals", "1s", "--loads", "0.5", "--seconds", "1",
                    "--max-events", "3000", "--max-intervals", "0", "--sustain-steps", "2", "--keys", "50", "--vocab", "20", "--embedding",
                    "4", "--units", "8",
                    "--out", out.toString(), "--kafka.bootstrap", kafka.bootstrapServers());

            assertThat(code).isZero();
            String table = Files.readString(out.resolve("latency-vs-load.md"));
            assertThat(table).contains("broker at " + kafka.bootstrapServers() + " (another process)")
                    .contains("; checkpoints in a temp dir under ")
                    .contains("| at-least-once (checkpoints 1s) |").contains("| drain events/s | kept up with, events/s (= 100 %) |");
            // | mode | drain | kept up with | vs at-least-once | load | events/s | ...: the loads are fractions of the rate kept up with
            String[] row = table.lines().filter(l -> l.startsWith("| at-least-once")).findFirst().orElseThrow().split("\\|");
            double drain = number(row[2]);
            double kept = number(row[3].replace("none; lowest probed", ""));
            assertThat(kept).as("probed at 100 %% and 90 %% of the drain maximum, maybe 95 %%").isLessThanOrEqualTo(drain)
                    .isGreaterThanOrEqualTo(Math.floor(0.9 * drain));
            assertThat(number(row[6])).as("50 %% load").isCloseTo(kept / 2, org.assertj.core.api.Assertions.within(1.0));
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                assertThat(admin.listTopics().names().get()).as("only the topic that was there before").containsExactly("someone-elses");
            }
        }
    }
}
