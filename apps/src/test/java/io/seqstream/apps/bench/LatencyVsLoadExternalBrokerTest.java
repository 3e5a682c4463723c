package io.seqstream.apps.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.testkit.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The latency benchmark on a broker it did not start: it runs there, says so, deletes each job's topics when the job
 * ends and leaves no topic behind; and on its own broker, whose log goes where {@code --broker-dir} says.
 */
class LatencyVsLoadExternalBrokerTest {

    static double number(String cell) {
        return Double.parseDouble(cell.replace(",", "").trim());
    }

    @Test
    void runsOnTheNamedBrokerAndDeletesItsTopics(@TempDir Path tmp) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(tmp.resolve("broker"))) {
            kafka.createTopic("someone-elses", 1, Map.of());
            Path out = tmp.resolve("out");
            // A full run writes gigabytes: the broker's log must hold one job's topics at a time (3), not every job's.
            AtomicInteger mostAtOnce = new AtomicInteger();
            AtomicBoolean running = new AtomicBoolean(true);
            Thread watcher = new Thread(() -> {
                try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                    while (running.get()) {
                        long n = admin.listTopics().names().get().stream().filter(t -> t.startsWith("lat-")).count();
                        mostAtOnce.accumulateAndGet((int) n, Math::max);
                        Thread.sleep(20);
                    }
                } catch (Exception e) {
                    mostAtOnce.set(-1);
                }
            });
            watcher.start();

            int code = LatencyVsLoadOptions.commandLine(new LatencyVsLoadOptions()).execute("--latency-vs-load",
                    "--modes", "at-least-once", "--at-least-once-intervals", "1s", "--loads", "0.5", "--seconds", "1",
                    "--max-events", "3000", "--max-intervals", "0", "--sustain-steps", "2", "--keys", "50", "--vocab", "20", "--embedding",
                    "4", "--units", "8",
                    "--out", out.toString(), "--kafka.bootstrap", kafka.bootstrapServers());

            running.set(false);
            watcher.join();
            assertThat(code).isZero();
            // One job's three; a job's deleted topics may stay in the broker's metadata for a moment after the next job's
            // are created. Without the deletes this run's 4-6 jobs leave 12-18.
            assertThat(mostAtOnce.get()).as("benchmark topics on the broker at once").isBetween(3, 6);
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

    @Test
    void keepsItsOwnBrokersLogUnderTheBrokerDir(@TempDir Path tmp) throws Exception {
        Path brokerDir = tmp.resolve("broker-logs");
        Path out = tmp.resolve("out");

        int code = LatencyVsLoadOptions.commandLine(new LatencyVsLoadOptions()).execute("--latency-vs-load",
                "--modes", "at-least-once", "--at-least-once-intervals", "1s", "--loads", "0.5", "--seconds", "1",
                "--max-events", "2000", "--max-intervals", "0", "--sustain-steps", "1", "--keys", "50", "--vocab", "20",
                "--embedding", "4", "--units", "8", "--out", out.toString(), "--broker-dir", brokerDir.toString());

        assertThat(code).isZero();
        assertThat(Files.readString(out.resolve("latency-vs-load.md"))).contains("broker in this JVM, its log under " + brokerDir);
        try (Stream<Path> left = Files.list(brokerDir)) {
            assertThat(left).as("the broker's temp dir, deleted at the end").isEmpty();
        }
    }
}
