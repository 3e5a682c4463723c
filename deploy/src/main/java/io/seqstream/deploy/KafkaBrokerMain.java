package io.seqstream.deploy;

import io.seqstream.testkit.EmbeddedKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka broker as its own process, for the local cluster: jobs' {@link EmbeddedKafka} (a real KRaft broker,
 * 127.0.0.1 only, free ports) with the given topics. Once it serves clients and the topics exist, it writes
 * its bootstrap address to {@code --bootstrap-file}; it runs until SIGTERM, then shuts down cleanly and
 * deletes its log dir (the data lives as long as the process).
 *
 * <pre>KafkaBrokerMain --data-dir DIR --bootstrap-file FILE [--topic NAME:PARTITIONS[:compact]]...</pre>
 */
public final class KafkaBrokerMain {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaBrokerMain.class);
    static final String USAGE = "usage: KafkaBrokerMain --data-dir DIR --bootstrap-file FILE [--topic NAME:PARTITIONS[:compact]]...";

    private KafkaBrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = null;
        Path bootstrapFile = null;
        List<TopicSpec> topics = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                fail("option " + a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--data-dir" -> dataDir = Path.of(v);
                case "--bootstrap-file" -> bootstrapFile = Path.of(v);
                case "--topic" -> topics.add(TopicSpec.parse(v));
                default -> fail("unknown option " + a);
            }
        }
        if (dataDir == null || bootstrapFile == null) {
            fail("--data-dir and --bootstrap-file are required");
        }
        Files.deleteIfExists(bootstrapFile); // a stale address must never be read as this broker's

        EmbeddedKafka kafka = EmbeddedKafka.start(dataDir);
        CountDownLatch stopped = new CountDownLatch(1);
        Path bootstrap = bootstrapFile;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("Stopping the Kafka broker at {}", kafka.bootstrapServers());
            try {
                Files.deleteIfExists(bootstrap);
            } catch (IOException e) {
                LOG.warn("cannot delete {}", bootstrap, e);
            }
            kafka.close();
            stopped.countDown();
        }, "kafka-broker-shutdown"));
        for (TopicSpec t : topics) {
            kafka.createTopic(t.name(), t.partitions(), t.configs());
        }
        writeAtomically(bootstrapFile, kafka.bootstrapServers());
        LOG.info("Kafka broker ready at {} with topics {}", kafka.bootstrapServers(), topics);
        System.out.println("Kafka broker ready at " + kafka.bootstrapServers() + " with topics " + topics);
        stopped.await();
    }

    private static void writeAtomically(Path file, String text) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void fail(String message) {
        System.err.println(message);
        System.err.println(USAGE);
        System.exit(2);
    }
}
