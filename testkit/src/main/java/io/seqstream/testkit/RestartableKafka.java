package io.seqstream.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.utils.Time;

/**
 * A single-node KRaft broker in this JVM for fault tests: it can be {@link #stop() stopped} and {@link #start()
 * started} again on the same ports and the same log dir (a broker restart), and it can serve clients over SASL_SSL
 * only ({@link Security}). Listens on 127.0.0.1; the log dir is deleted by {@link #close()}.
 */
public final class RestartableKafka implements AutoCloseable {
    private static final String HOST = Kraft.HOST;

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
        this.clientPort = Kraft.freePort();
        this.internalPort = security == null ? clientPort : Kraft.freePort();
        this.controllerPort = Kraft.freePort();
    }

    /** Formats a new log dir under {@code baseDir} and starts the broker. */
    public static RestartableKafka create(Path baseDir, Security security) {
        try {
            Files.createDirectories(baseDir);
            RestartableKafka k = new RestartableKafka(Files.createTempDirectory(baseDir, "restartable-kafka-"), security);
            Kraft.format(k.dataDir);
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
        try (Admin admin = Kraft.admin(internalBootstrap())) {
            Kraft.awaitReady(admin, internalBootstrap());
        } catch (RuntimeException e) {
            stop();
            throw e;
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

    /** Creates a topic (replication factor 1) and waits until every partition has a leader. */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        try (Admin admin = Kraft.admin(internalBootstrap())) {
            Kraft.createTopic(admin, internalBootstrap(), name, partitions, configs);
        }
    }

    @Override
    public synchronized void close() {
        stop();
        if (Files.exists(dataDir)) {
            TempDirs.deleteRecursively(dataDir);
        }
    }

    private Properties properties() {
        Properties p = Kraft.brokerProperties(dataDir, controllerPort);
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
        return p;
    }
}
