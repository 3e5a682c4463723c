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
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A Kafka broker as its own process, for the local cluster: jobs' {@link EmbeddedKafka} (a real KRaft broker,
 * 127.0.0.1 only, free ports) with the given topics. Once it serves clients and the topics exist, it writes
 * its bootstrap address to {@code --bootstrap-file}; it runs until SIGTERM, then shuts down cleanly and
 * deletes its log dir (the data lives as long as the process).
 *
 * <pre>KafkaBrokerMain --data-dir DIR --bootstrap-file FILE [--topic NAME:PARTITIONS[:compact]]...</pre>
 * A bad command line is one line on stderr and exit code 2 ({@link CommandLines}).
 */
@Command(name = "KafkaBrokerMain", mixinStandardHelpOptions = true, version = "seqstream broker 0.1.0", sortOptions = false, description = {
        "A Kafka broker process for the local cluster (cluster.sh starts it): 127.0.0.1, free ports, the given topics; "
                + "writes its bootstrap address to --bootstrap-file once ready, runs until SIGTERM." }, optionListHeading = "%nOptions:%n")
public final class KafkaBrokerMain implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaBrokerMain.class);

    @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "the broker's log dir (deleted at shutdown)")
    Path dataDir;
    @Option(names = "--bootstrap-file", required = true, paramLabel = "FILE", description = "where the bootstrap address is written once the broker serves")
    Path bootstrapFile;
    @Option(names = "--topic", paramLabel = "NAME:PARTITIONS[:compact]", converter = TopicConverter.class, description = "a topic to create "
            + "(repeatable)")
    List<TopicSpec> topics = new ArrayList<>();

    /** {@code --topic} values, through {@link TopicSpec#parse}. */
    static final class TopicConverter implements CommandLine.ITypeConverter<TopicSpec> {
        @Override
        public TopicSpec convert(String value) {
            try {
                return TopicSpec.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    public static void main(String[] args) {
        int code = CommandLines.of(new KafkaBrokerMain()).execute(args);
        if (code != CommandLines.OK) {
            System.exit(code); // after a clean run the JVM is already shutting down (SIGTERM): exiting again would block
        }
    }

    @Override
    public Integer call() throws Exception {
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
        return CommandLines.OK;
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
}
