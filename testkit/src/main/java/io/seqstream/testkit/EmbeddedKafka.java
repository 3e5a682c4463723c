package io.seqstream.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker + controller) running inside this JVM.
 *
 * <p>Used by the integration tests and by the local demo runner. It listens on 127.0.0.1 only,
 * on ephemeral ports, keeps its log in a fresh temp dir and deletes it on {@link #close()}.
 * Exactly-once (transactions, read_committed) works: all internal topics are sized for one broker.
 */
public final class EmbeddedKafka implements AutoCloseable {

    /** Upper bound for a producer's {@code transaction.timeout.ms} (a Flink EXACTLY_ONCE sink must stay below it). */
    public static final long TRANSACTION_MAX_TIMEOUT_MS = Duration.ofMinutes(15).toMillis();

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final int START_ATTEMPTS = 3;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);

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
        int brokerPort = freePort();
        int controllerPort = freePort();
        while (controllerPort == brokerPort) {
            controllerPort = freePort();
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
            format(dataDir);
            server = new KafkaRaftServer(
                    new KafkaConfig(brokerProperties(dataDir, brokerPort, controllerPort), false), Time.SYSTEM);
            server.startup();
            admin = Admin.create(adminProperties(bootstrap));
            awaitReady(admin, bootstrap);
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
        NewTopic topic = new NewTopic(name, partitions, (short) 1).configs(configs);
        try {
            admin.createTopics(List.of(topic)).all().get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            awaitLeaders(name, partitions);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topic " + name, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not create topic " + name + " on " + bootstrapServers, e);
        }
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

    // createTopics returns once the controller has the topic; the broker's metadata cache may lag a
    // moment (describeTopics then fails with UnknownTopicOrPartition), and clients would see the same.
    private void awaitLeaders(String name, int partitions)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TOPIC_TIMEOUT.toNanos();
        while (true) {
            try {
                TopicDescription description = admin.describeTopics(List.of(name)).allTopicNames()
                        .get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(name);
                List<TopicPartitionInfo> infos = description.partitions();
                if (infos.size() == partitions && infos.stream().allMatch(p -> p.leader() != null)) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("Topic " + name + " has no leader for all " + partitions + " partitions");
            }
            Thread.sleep(20);
        }
    }

    private static Properties brokerProperties(Path dataDir, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + "," + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("log.dirs", dataDir.toString());
        // One broker: every replication factor and min ISR must be 1, or groups and transactions stall.
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // Few internal partitions: the default 50 each slows the first group join / first transaction.
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("transaction.max.timeout.ms", String.valueOf(TRANSACTION_MAX_TIMEOUT_MS));
        p.put("group.initial.rebalance.delay.ms", "0");
        // Topics are created explicitly; a typo must fail rather than create a stray topic.
        p.put("auto.create.topics.enable", "false");
        p.put("num.partitions", "1");
        return p;
    }

    private static void format(Path dataDir) {
        // The Formatter reports each directory on its print stream (System.out by default): silence it.
        try (PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8)) {
            new Formatter()
                    .setPrintStream(quiet)
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setMetadataLogDirectory(dataDir.toString())
                    .addDirectory(dataDir.toString())
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("Could not format KRaft log dir " + dataDir, e);
        }
    }

    private static Properties adminProperties(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "embedded-kafka-admin");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        return p;
    }

    private static void awaitReady(Admin admin, String bootstrap) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                Collection<Node> nodes = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                if (!nodes.isEmpty()) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for Kafka at " + bootstrap, e);
            } catch (ExecutionException | TimeoutException e) {
                last = e;
            }
            sleep(50);
        }
        throw new IllegalStateException("Kafka broker at " + bootstrap + " did not report itself in describeCluster within "
                + READY_TIMEOUT.toSeconds() + " s", last);
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

    /** A port that was free a moment ago on 127.0.0.1 (bound to port 0, then released). */
    private static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not find a free port on " + HOST, e);
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

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }
}
