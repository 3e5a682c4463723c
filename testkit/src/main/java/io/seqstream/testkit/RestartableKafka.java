package io.seqstream.jobs.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A single-node KRaft broker in this JVM for fault tests: it can be {@link #stop() stopped} and {@link #start()
 * started} again on the same ports and the same log dir (a broker restart), and it can serve clients over SASL_SSL
 * only ({@link Security}). Listens on 127.0.0.1; the log dir is deleted by {@link #close()}.
 */
public final class RestartableKafka implements AutoCloseable {
    private static final String HOST = "127.0.0.1";

    /** SASL_SSL for clients: PLAIN users and passwords, the broker's PKCS#12 key store. */
    public record Security(Path keyStore, String keyStorePassword, Map<String, String> users) {
    }

    private final Path dataDir;
    private final int clientPort;
    private final int internalPort;
    private final int controllerPort;
    private final Security security; // null: PLAINTEXT clients
    private KafkaRaftServer server;

    private RestartableKafka(Path dataDir, Security security) {
        this.dataDir = dataDir;
        this.security = security;
        this.clientPort = freePort();
        this.internalPort = security == null ? clientPort : freePort();
        this.controllerPort = freePort();
    }

    /** Formats a new log dir under {@code baseDir} and starts the broker. */
    public static RestartableKafka create(Path baseDir, Security security) {
        try {
            Files.createDirectories(baseDir);
            RestartableKafka k = new RestartableKafka(Files.createTempDirectory(baseDir, "restartable-kafka-"), security);
            k.format();
            k.start();
            return k;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String bootstrapServers() {
        return HOST + ":" + clientPort;
    }

    /** A bootstrap address for the broker's own (PLAINTEXT) listener, for test administration only. */
    public String internalBootstrap() {
        return HOST + ":" + internalPort;
    }

    public synchronized boolean running() {
        return server != null;
    }

    /** Starts the broker on its ports and log dir (again) and waits until it serves metadata. */
    public synchronized void start() {
        if (server != null) {
            throw new IllegalStateException("already running");
        }
        KafkaRaftServer s = new KafkaRaftServer(new KafkaConfig(properties(), false), Time.SYSTEM);
        s.startup();
        server = s;
        try (Admin admin = admin()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("broker at " + internalBootstrap() + " not ready", e);
                    }
                }
                sleep(50);
            }
        }
    }

    /** Stops the broker (a clean shutdown); the log dir stays. */
    public synchronized void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    public void createTopic(String name, int partitions, Map<String, String> configs) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs))).all().get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (true) {
                try {
                    var d = admin.describeTopics(List.of(name)).allTopicNames().get(10, TimeUnit.SECONDS).get(name);
                    if (d.partitions().size() == partitions && d.partitions().stream().allMatch(p -> p.leader() != null)) {
                        return;
                    }
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                }
                sleep(20);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + name, e);
        }
    }

    @Override
    public synchronized void close() {
        stop();
        try (Stream<Path> paths = Files.walk(dataDir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temp dir under target/: left for the next clean
        }
    }

    private Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, internalBootstrap());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        return Admin.create(p);
    }

    private Properties properties() {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
        p.put("controller.listener.names", "CONTROLLER");
        if (security == null) {
            p.put("listeners", "PLAINTEXT://" + HOST + ":" + clientPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
            p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + clientPort);
            p.put("inter.broker.listener.name", "PLAINTEXT");
            p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        } else {
            p.put("listeners", "SASL_SSL://" + HOST + ":" + clientPort + ",INTERNAL://" + HOST + ":" + internalPort + ",CONTROLLER://"
                    + HOST + ":" + controllerPort);
            p.put("advertised.listeners", "SASL_SSL://" + HOST + ":" + clientPort + ",INTERNAL://" + HOST + ":" + internalPort);
            p.put("inter.broker.listener.name", "INTERNAL");
            p.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT");
            p.put("sasl.enabled.mechanisms", "PLAIN");
            StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
            security.users().forEach((user, password) -> jaas.append(" user_").append(user).append("=\"").append(password).append('"'));
            p.put("listener.name.sasl_ssl.plain.sasl.jaas.config", jaas.append(';').toString());
            p.put("listener.name.sasl_ssl.ssl.keystore.location", security.keyStore().toString());
            p.put("listener.name.sasl_ssl.ssl.keystore.type", "PKCS12");
            p.put("listener.name.sasl_ssl.ssl.keystore.password", security.keyStorePassword());
            p.put("listener.name.sasl_ssl.ssl.key.password", security.keyStorePassword());
        }
        p.put("log.dirs", dataDir.toString());
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("transaction.max.timeout.ms", String.valueOf(Duration.ofMinutes(15).toMillis()));
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        p.put("num.partitions", "1");
        // Records carry event times (often old test times): time-based retention would delete them mid-test.
        p.put("log.retention.ms", "-1");
        return p;
    }

    private void format() {
        try (PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8)) {
            new Formatter().setPrintStream(quiet).setNodeId(1).setClusterId(Uuid.randomUuid().toString())
                    .setControllerListenerName("CONTROLLER").setMetadataLogDirectory(dataDir.toString())
                    .addDirectory(dataDir.toString()).setReleaseVersion(MetadataVersion.LATEST_PRODUCTION).run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format " + dataDir, e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
