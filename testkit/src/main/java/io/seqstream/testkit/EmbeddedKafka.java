package io.seqstream.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker + controller) running inside this JVM.
 *
 * <p>Used by the integration tests and by the local demo runner. It listens on 127.0.0.1 only,
 * on ephemeral ports, keeps its log in a fresh temp dir and deletes it on {@link #close()}.
 * Exactly-once (transactions, read_committed) works: all internal topics are sized for one broker. No time-based
 * retention: test records carry old event times. For a broker that stops and starts again, see {@link RestartableKafka}.
 */
public final class EmbeddedKafka implements AutoCloseable {

    /** Upper bound for a producer's {@code transaction.timeout.ms} (a Flink EXACTLY_ONCE sink must stay below it). */
    public static final long TRANSACTION_MAX_TIMEOUT_MS = Kraft.TRANSACTION_MAX_TIMEOUT_MS;

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final String HOST = Kraft.HOST;
    private static final int START_ATTEMPTS = 3;

    private final KafkaRaftServer server;
    private final Admin admin;
    private final Path dataDir;
    private final String bootstrapServers;
    private boolean closed;

    private EmbeddedKafka(KafkaRaftServer server, Admin admin, Path dataDir, String bootstrapServers) {
        this.server = server;
        this.admin = admin;
        this.dataDir = dataDir;
        this.bootstrapServers = bootstrapServers;
    }

    /** Starts a broker with its log dir under {@code java.io.tmpdir}. */
    public static EmbeddedKafka start() {
        return start(Path.of(System.getProperty("java.io.tmpdir")));
    }

    /**
     * Starts a broker whose log dir is a new temp dir under {@code baseDir}, and blocks until it
     * serves metadata. Free ports are picked just before the start, so another process may grab
     * one in between: a bind failure is retried with new ports, up to 3 attempts.
     */
    public static EmbeddedKafka start(Path baseDir) {
        BindException lastBindFailure = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                return startOnFreePorts(baseDir);
            } catch (RuntimeException e) {
                BindException bind = findCause(e, BindException.class);
                if (bind == null) {
                    throw e;
                }
                lastBindFailure = bind;
                LOG.warn("Kafka broker could not bind its ports (attempt {}/{}), retrying: {}",
                        attempt, START_ATTEMPTS, bind.getMessage());
            }
        }
        throw new IllegalStateException("Kafka broker failed to bind free ports in " + START_ATTEMPTS + " attempts",
                lastBindFailure);
    }

    private static EmbeddedKafka startOnFreePorts(Path baseDir) {
        int brokerPort = Kraft.freePort();
        int controllerPort = Kraft.freePort();
        while (controllerPort == brokerPort) {
            controllerPort = Kraft.freePort();
        }
        return startOnce(baseDir, brokerPort, controllerPort);
    }

    // Package-private so a test can hand it a taken port.
    static EmbeddedKafka startOnce(Path baseDir, int brokerPort, int controllerPort) {
        long startNanos = System.nanoTime();
        Path dataDir = createDataDir(baseDir);
        String bootstrap = HOST + ":" + brokerPort;
        KafkaRaftServer server = null;
        Admin admin = null;
        try {
            Kraft.format(dataDir);
            server = new KafkaRaftServer(
                    new KafkaConfig(brokerProperties(dataDir, brokerPort, controllerPort), false), Time.SYSTEM);
            server.startup();
            admin = Kraft.admin(bootstrap);
            Kraft.awaitReady(admin, bootstrap);
            LOG.info("Kafka broker started at {} in {} ms (log dir {})",
                    bootstrap, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), dataDir);
            return new EmbeddedKafka(server, admin, dataDir, bootstrap);
        } catch (RuntimeException | Error e) {
            // A half-started server holds threads and files: stop it before giving up or retrying.
            stopQuietly(admin, server);
            deleteRecursively(dataDir);
            throw e;
        }
    }

    /** The {@code bootstrap.servers} value for clients, e.g. {@code 127.0.0.1:40123}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The temp dir holding this broker's log; gone after {@link #close()}. */
    public Path dataDir() {
        return dataDir;
    }

    /** Creates a topic (replication factor 1) and waits until every partition has a leader. */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        Kraft.createTopic(admin, bootstrapServers, name, partitions, configs);
    }

    /** Stops the broker, waits for its threads, and deletes its log dir. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopQuietly(admin, server);
        deleteRecursively(dataDir);
    }

    private static Properties brokerProperties(Path dataDir, int brokerPort, int controllerPort) {
        Properties p = Kraft.brokerProperties(dataDir, controllerPort);
        p.put("listeners",
                "PLAINTEXT://" + HOST + ":" + brokerPort + "," + Kraft.CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + Kraft.CONTROLLER_LISTENER + ":PLAINTEXT");
        return p;
    }

    private static void stopQuietly(Admin admin, KafkaRaftServer server) {
        if (admin != null) {
            try {
                admin.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.warn("Closing the Kafka admin client failed", e);
            }
        }
        if (server != null) {
            try {
                server.shutdown();
                server.awaitShutdown();
            } catch (RuntimeException e) {
                LOG.warn("Kafka broker shutdown failed", e);
            }
        }
    }

    private static Path createDataDir(Path baseDir) {
        try {
            Files.createDirectories(baseDir);
            return Files.createTempDirectory(baseDir, "embedded-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a Kafka log dir under " + baseDir, e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try {
            TempDirs.deleteRecursively(dir);
        } catch (UncheckedIOException e) {
            LOG.warn("Could not delete Kafka log dir {}", dir, e);
        }
    }

    static <T extends Throwable> T findCause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
